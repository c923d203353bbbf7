"""Admin registrations of the prompts app, one module per topic."""

from prompts.admin import dynamic, library, policy, tiers, versions  # noqa: F401
