"""Live Prompt Performance (document 000 §2.5): last hour against last 24 hours, the live queue, strategies.

"Last hour" is the jobs created in the current 5-minute UTC bucket and the 11 before it (55 to 60 minutes),
"last 24h" those of the current UTC hour and the 23 before it (23 to 24 hours). Both are sums of rollup rows
(``job_stats_5min``, ``job_stats_hourly``), never a read of ``jobs``, so the page costs the same at any volume;
the rows follow each job change through the incremental refresh. See docs/metrics.md, "Live Prompt Performance".
"""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from django.db.models import F, Sum
from django.utils import timezone

from analytics.dashboards.common import STRATEGY_ORDER, trend
from analytics.models import JobStatsFiveMinutes, JobStatsHourly
from analytics.rollups.buckets import difference, mean, percent, whole
from generations.models import Job
from ourvidz_admin.choices import (
    ACTIVE_STATUSES,
    ENHANCED_STRATEGIES,
    TERMINAL_STATUSES,
    EnhancementStrategy,
)

HOUR, DAY = timedelta(hours=1), timedelta(hours=24)
S = EnhancementStrategy
QWEN_USERS, COMPEL_USERS = (S.QWEN, S.HYBRID), (S.COMPEL, S.HYBRID)
_QUEUE_FIELDS = ("id", "model_type", "job_type", "enhancement_strategy", "status", "progress", "created_at")


_SUMS = {"jobs": "total_jobs", "enh_sum": "enhancement_time_sum_ms", "enh_n": "enhancement_time_count",
         "gain_sum": "improvement_sum", "gain_n": "improvement_count", "rating_sum": "rating_sum",
         "rated": "rated_jobs", "completed": "completed_jobs", "failed": "failed_jobs"}
FIVE_MINUTES = timedelta(minutes=5)


def window_starts(now: datetime) -> tuple[datetime, datetime]:
    """The first bucket of each window: the 5-minute bucket 55 minutes before the current one (the last hour:
    55 to 60 minutes), and the hour 23 hours before the current one (the last 24 hours: 23 to 24 hours)."""
    now = now.astimezone(UTC)
    hour = now.replace(minute=0, second=0, microsecond=0)
    five = hour.replace(minute=now.minute - now.minute % 5)
    return five - 11 * FIVE_MINUTES, hour - 23 * HOUR


def _strategy_groups(now: datetime) -> dict[str, dict]:
    """Sums and counts per strategy for both windows, from the 5-minute and hourly rollups (two queries)."""
    hour_start, day_start = window_starts(now)
    groups: dict[str, dict] = {}
    for prefix, rows in (
        ("hour", JobStatsFiveMinutes.objects.filter(bucket__gte=hour_start, bucket__lte=now)),
        ("day", JobStatsHourly.objects.filter(hour__gte=day_start, hour__lte=now)),
    ):
        for row in (rows.values("enhancement_strategy").annotate(
                **{f"{prefix}_{key}": Sum(column) for key, column in _SUMS.items()}).order_by()):
            groups.setdefault(row.pop("enhancement_strategy"), {}).update(row)
    return groups


def _window(groups: dict[str, dict], prefix: str, hours: int) -> dict:
    def total(name: str, strategies=STRATEGY_ORDER) -> int:
        return sum(groups.get(s, {}).get(f"{prefix}_{name}") or 0 for s in strategies)

    jobs = total("jobs")
    with_quality = mean(total("rating_sum", ENHANCED_STRATEGIES), total("rated", ENHANCED_STRATEGIES))
    without_quality = mean(total("rating_sum", (S.NONE,)), total("rated", (S.NONE,)))
    return {
        "jobs": jobs, "jobs_per_hour": mean(jobs, hours, Decimal("0.1")),
        "qwen_usage": percent(total("jobs", QWEN_USERS), jobs),
        "compel_usage": percent(total("jobs", COMPEL_USERS), jobs),
        "mean_enhancement_time_ms": whole(mean(total("enh_sum"), total("enh_n"), Decimal(1))),
        "quality_gain": mean(total("gain_sum"), total("gain_n")),
        "quality_with_minus_without": difference(with_quality, without_quality),
    }


METRICS = (
    ("jobs_per_hour", "Jobs per hour"), ("qwen_usage", "Qwen usage %"), ("compel_usage", "Compel usage %"),
    ("mean_enhancement_time_ms", "Mean enhancement time"), ("quality_gain", "Quality gain (paired)"),
    ("quality_with_minus_without", "Quality with − without enhancement"),
)


def _metrics(groups: dict[str, dict]) -> list[dict]:
    hour, day = _window(groups, "hour", 1), _window(groups, "day", 24)
    return [
        {"key": key, "label": label, "last_hour": hour[key], "last_24h": day[key], **trend(hour[key], day[key])}
        for key, label in METRICS
    ]


def _strategy_row(strategy: str, g: dict) -> dict:
    completed, failed = g.get("day_completed", 0), g.get("day_failed", 0)
    return {
        "strategy": strategy, "label": S(strategy).label, "jobs": g.get("day_jobs", 0),
        "success_rate": percent(completed, completed + failed), "rated": g.get("day_rated", 0),
        "mean_quality": mean(g.get("day_rating_sum"), g.get("day_rated")),
        "mean_enhancement_time_ms": whole(mean(g.get("day_enh_sum"), g.get("day_enh_n"), Decimal(1))),
    }


def live_job_queue(*, now: datetime | None = None, active: int = 20, finished: int = 10) -> dict:
    """The newest ``active`` queued/processing jobs and the newest ``finished`` ended ones, with their age.

    Two index walks (``(status, -created_at, -id)`` and ``(-created_at, -id)``) that stop at the limit.
    """
    now = now or timezone.now()

    def rows(statuses, limit: int) -> list[dict]:
        found = Job.objects.filter(status__in=statuses).order_by("-created_at", "-id").values(
            *_QUEUE_FIELDS, username=F("user__username"))
        return [{**row, "age_seconds": max(0, int((now - row["created_at"]).total_seconds()))}
                for row in found[:limit]]

    return {"active": rows(ACTIVE_STATUSES, active), "finished": rows(TERMINAL_STATUSES, finished)}


def live_prompt_performance(*, now: datetime | None = None) -> dict:
    """The page's three tables: ``metrics`` (hour, 24 h, trend), ``queue`` and ``strategies`` (24 h); four queries."""
    now = now or timezone.now()
    groups = _strategy_groups(now)
    return {
        "generated_at": now, "metrics": _metrics(groups), "queue": live_job_queue(now=now),
        "strategies": [_strategy_row(s, groups.get(s, {})) for s in STRATEGY_ORDER],
    }
