"""Admin registrations of the configs app."""

from configs.admin import model_config  # noqa: F401
