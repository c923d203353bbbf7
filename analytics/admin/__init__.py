"""Admin registrations of the analytics app."""

from analytics.admin import rollups, testing, usage  # noqa: F401
