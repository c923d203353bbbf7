"""Admin registrations of the prompts app, one module per topic."""

from prompts.admin import dynamic, label_history, library, policy, tiers, versions  # noqa: F401
