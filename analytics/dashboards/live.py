"""Live Prompt Performance (document 000 §2.5): last hour against last 24 hours, the live queue, strategies.

"Last hour" is the jobs created in ``[now − 60 min, now]``, "last 24h" those created in
``[now − 24 h, now]``. The whole UTC hours inside the day window are read from the ``job_stats_hourly``
rollup (sums and counts, so they add up exactly); only its two partial edges and the last hour are
counted from ``jobs`` (an index range of at most about three hours), so the page's cost does not grow with
the day's volume. See docs/metrics.md, "Live Prompt Performance".
"""

from datetime import datetime, timedelta
from decimal import Decimal

from django.db.models import Count, F, Q, Sum
from django.utils import timezone

from analytics.dashboards.common import STRATEGY_ORDER, trend
from analytics.models import JobStatsHourly
from analytics.rollups.buckets import difference, mean, percent, whole
from generations.models import Job
from ourvidz_admin.choices import (
    ACTIVE_STATUSES,
    ENHANCED_STRATEGIES,
    TERMINAL_STATUSES,
    EnhancementStrategy,
    JobStatus,
)

HOUR, DAY = timedelta(hours=1), timedelta(hours=24)
S = EnhancementStrategy
QWEN_USERS, COMPEL_USERS = (S.QWEN, S.HYBRID), (S.COMPEL, S.HYBRID)
_QUEUE_FIELDS = ("id", "model_type", "job_type", "enhancement_strategy", "status", "progress", "created_at")


def _window_aggregates(prefix: str, window: Q, outcomes: bool) -> dict:
    # Counts read created_at (never NULL) rather than id, so that an index on created_at that
    # INCLUDEs the other columns read here would serve the query from the index alone.
    aggregates = {
        f"{prefix}_jobs": Count("created_at", filter=window),
        f"{prefix}_enh_sum": Sum("enhancement_time_ms", filter=window),
        f"{prefix}_enh_n": Count("enhancement_time_ms", filter=window),
        f"{prefix}_gain_sum": Sum("quality_improvement", filter=window),
        f"{prefix}_gain_n": Count("quality_improvement", filter=window),
        f"{prefix}_rating_sum": Sum("quality_rating", filter=window),
        f"{prefix}_rated": Count("quality_rating", filter=window),
    }
    if outcomes:
        aggregates[f"{prefix}_completed"] = Count("created_at", filter=window & Q(status=JobStatus.COMPLETED))
        aggregates[f"{prefix}_failed"] = Count("created_at", filter=window & Q(status=JobStatus.FAILED))
    return aggregates


_HOURLY_SUMS = {"day_jobs": "total_jobs", "day_enh_sum": "enhancement_time_sum_ms",
                "day_enh_n": "enhancement_time_count", "day_gain_sum": "improvement_sum",
                "day_gain_n": "improvement_count", "day_rating_sum": "rating_sum", "day_rated": "rated_jobs",
                "day_completed": "completed_jobs", "day_failed": "failed_jobs"}


def _strategy_groups(now: datetime) -> dict[str, dict]:
    """Sums and counts per strategy for both windows: whole hours from the rollup, the edges from ``jobs``."""
    start = now - DAY
    first_whole = start.replace(minute=0, second=0, microsecond=0)
    if first_whole < start:
        first_whole += HOUR
    last_whole = now.replace(minute=0, second=0, microsecond=0)  # the current hour is partial: read from jobs
    edges = Q(created_at__gte=start, created_at__lt=first_whole) | Q(created_at__gte=last_whole, created_at__lte=now)
    rows = (
        Job.objects.filter(Q(created_at__gte=min(now - HOUR, last_whole), created_at__lte=now) | edges)
        .values("enhancement_strategy")
        .annotate(**_window_aggregates("hour", Q(created_at__gte=now - HOUR), outcomes=False),
                  **_window_aggregates("day", edges, outcomes=True))
        .order_by()
    )
    groups = {row["enhancement_strategy"]: row for row in rows}
    hours = (JobStatsHourly.objects.filter(hour__gte=first_whole, hour__lt=last_whole).values("enhancement_strategy")
             .annotate(**{key: Sum(column) for key, column in _HOURLY_SUMS.items()}).order_by())
    for row in hours:
        group = groups.setdefault(row["enhancement_strategy"], {})
        for key in _HOURLY_SUMS:
            group[key] = (group.get(key) or 0) + (row[key] or 0)
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
