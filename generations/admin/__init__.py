"""Admin registrations of the generations app."""

from generations.admin import images, jobs, queues, runs  # noqa: F401
