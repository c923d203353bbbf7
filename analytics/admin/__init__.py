"""Admin registrations of the analytics app."""

from analytics.admin import abtests, alerts, job_stats, performance, rollups, testing, usage  # noqa: F401
