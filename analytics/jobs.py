"""Thin django-rq entry points of the analytics app."""

from datetime import datetime


def refresh_rollups_job(created_at: str, user_id: int | None) -> None:
    """Rebuild the rollup buckets of one job's creation hour and user (idempotent)."""
    from analytics.rollups import refresh_buckets

    refresh_buckets(datetime.fromisoformat(created_at), user_id)
