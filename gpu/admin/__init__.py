"""Admin registrations of the gpu app."""

from gpu.admin import queues, workers  # noqa: F401
