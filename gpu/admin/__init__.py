"""Admin registrations of the gpu app."""

from gpu.admin import workers  # noqa: F401
