"""Admin registrations of the configs app, one module per topic."""

from configs.admin import catalog, costs, model_config  # noqa: F401
