"""Thin django-rq entry points of the analytics app."""

from datetime import datetime


def refresh_rollups_job(created_at: str, user_id: int | None) -> None:
    """Rebuild the rollup buckets of one job's creation hour and user (idempotent)."""
    from analytics.rollups.buckets import refresh_buckets

    refresh_buckets(datetime.fromisoformat(created_at), user_id)


def refresh_aggregates_job(compel_config_id: str | None, preset_name: str | None) -> None:
    """Recompute one Compel configuration's and/or one preset's figures (idempotent)."""
    from analytics.rollups.aggregates import compel_config_refresh, preset_refresh

    if compel_config_id:
        compel_config_refresh(compel_config_id)
    if preset_name:
        preset_refresh(preset_name)


def refresh_prompt_version_job(version_id: str) -> None:
    """Recompute one prompt version's document-001 figures (idempotent)."""
    from analytics.rollups.operations import prompt_version_stats_refresh

    prompt_version_stats_refresh(version_id)


def rollup_recent_job(days: int = 2) -> dict:
    """Scheduled exact rebuild of the last ``days`` UTC days of every rollup, of the aggregates and of the
    running A/B tests' outcome rows.

    The incremental path keeps rows current; this catches anything it missed
    (a refresh lost with a Redis restart) within one schedule period.
    """
    from datetime import timedelta

    from django.utils import timezone

    from analytics.abtests.outcomes import running_outcomes_rebuild
    from analytics.rollups.aggregates import rebuild_aggregates
    from analytics.rollups.buckets import rebuild_all

    written = rebuild_all(timezone.now().date() - timedelta(days=days - 1))
    return {**written, **rebuild_aggregates(), "ab_test_outcomes": running_outcomes_rebuild()}


def evaluate_alerts_job() -> dict:
    """Scheduled: evaluate every enabled alert rule now (``alerts_evaluate``); idempotent, returns the counts."""
    from analytics.alerts.services import alerts_evaluate

    return alerts_evaluate()
