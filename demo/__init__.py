"""Believable demo data for every model of prompts, generations, analytics and configs.

``seed_demo`` (in ``demo.runner``) is the entry point; the
``seed_demo`` management command is a thin wrapper around it. Every row gets
a deterministic key (a natural key or a ``uuid5`` id), so a rerun inserts only
what is missing.
"""
