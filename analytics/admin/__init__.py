"""Admin registrations of the analytics app."""

from analytics.admin import abtests, alerts, config_history, costs, job_stats, performance, rollups, testing, usage  # noqa: F401
