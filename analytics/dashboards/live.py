"""Live Prompt Performance (document 000 §2.5): last hour against last 24 hours, the live queue, strategies.

"Last hour" is the jobs created in ``[now − 60 min, now]``, "last 24h" those created in
``[now − 24 h, now]``, both counted straight from ``jobs``: one grouped query over the
``created_at`` index range of the last day (the hourly rollup keeps means, not the sums and
counts that two windows need to add up exactly). See docs/metrics.md, "Live Prompt Performance".
"""

from datetime import datetime, timedelta
from decimal import Decimal

from django.db.models import Count, F, Q, Sum
from django.utils import timezone

from analytics.dashboards.common import STRATEGY_ORDER, trend
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


def _strategy_groups(now: datetime) -> dict[str, dict]:
    """Sums and counts per strategy for both windows, in one query over the last 24 hours of jobs."""
    rows = (
        Job.objects.filter(created_at__gte=now - DAY, created_at__lte=now).values("enhancement_strategy")
        .annotate(**_window_aggregates("hour", Q(created_at__gte=now - HOUR), outcomes=False),
                  **_window_aggregates("day", Q(), outcomes=True))
        .order_by()
    )
    return {row["enhancement_strategy"]: row for row in rows}


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
    """The page's three tables: ``metrics`` (hour, 24 h, trend), ``queue`` and ``strategies`` (24 h); three queries."""
    now = now or timezone.now()
    groups = _strategy_groups(now)
    return {
        "generated_at": now, "metrics": _metrics(groups), "queue": live_job_queue(now=now),
        "strategies": [_strategy_row(s, groups.get(s, {})) for s in STRATEGY_ORDER],
    }
