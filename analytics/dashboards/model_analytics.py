"""Model Analytics (document 000 §2): per model and per day, from the two daily rollups."""

from collections import defaultdict
from decimal import Decimal

from django.db.models import Sum

from analytics.dashboards.common import STAR_COLUMNS, DayRange, star_shares
from analytics.models import JobStatsDaily, ModelPerformanceLog
from analytics.rollups.buckets import mean, percent, whole
from ourvidz_admin.choices import ModelType

_SUMS = ("total_jobs", "cancelled_jobs", "rated_jobs", "rating_sum", "inference_time_sum_ms", "inference_time_count",
         *STAR_COLUMNS)


def _zero() -> dict:
    return defaultdict(int)


def _add(target: dict, row: dict, names) -> None:
    for name in names:
        target[name] += row[name] or 0


def _totals(days: DayRange, group: tuple[str, ...]) -> dict[tuple, dict]:
    """Sums per ``group`` value over ``days``, in two queries (one per rollup table).

    ``completed``/``failed`` from ``model_performance_logs``; the ``_SUMS`` from ``job_stats_daily``.
    """
    outcomes = (ModelPerformanceLog.objects.filter(**days.as_filter()).values(*group)
                .annotate(completed=Sum("successful_generations"), failed=Sum("failed_generations")).order_by())
    stats = (JobStatsDaily.objects.filter(**days.as_filter()).values(*group)
             .annotate(**{name: Sum(name) for name in _SUMS}).order_by())
    totals = defaultdict(_zero)
    for row in outcomes:
        _add(totals[tuple(row[name] for name in group)], row, ("completed", "failed"))
    for row in stats:
        _add(totals[tuple(row[name] for name in group)], row, _SUMS)
    return totals


def model_summaries(*, days: DayRange) -> list[dict]:
    """Per model (SDXL, WAN) over ``days``: the page's per-model table, in two queries."""
    totals = _totals(days, ("model_type",))
    return [_model_summary(model, totals[(model,)]) for model in ModelType.values]


def model_days(*, days: DayRange) -> list[dict]:
    """One row per day of ``days``, newest first: the page's day-by-day table, in two queries."""
    return _day_rows(days, _totals(days, ("date", "model_type")))


def model_analytics(*, days: DayRange) -> dict:
    """Per model over ``days`` and a day-by-day table, in two queries (one per rollup table).

    Success counts come from ``model_performance_logs`` (completed and failed jobs); volumes, times and
    ratings from ``job_stats_daily``. See docs/metrics.md, "Model Analytics".
    """
    per_day = _totals(days, ("date", "model_type"))
    per_model = defaultdict(_zero)
    for (_day, model), sums in per_day.items():
        _add(per_model[model], sums, sums)
    return {
        "since": days.since, "until": days.until,
        "models": [_model_summary(model, per_model[model]) for model in ModelType.values],
        "days": _day_rows(days, per_day),
    }


def _model_summary(model: str, t: dict) -> dict:
    return {
        "model_type": model, "jobs": t["total_jobs"], "completed": t["completed"], "failed": t["failed"],
        "cancelled": t["cancelled_jobs"], "success_rate": percent(t["completed"], t["completed"] + t["failed"]),
        "mean_time_ms": whole(mean(t["inference_time_sum_ms"], t["inference_time_count"], Decimal(1))),
        "rated": t["rated_jobs"], "mean_quality": mean(t["rating_sum"], t["rated_jobs"]),
        "quality_distribution": star_shares(t),
    }


def _day_rows(days: DayRange, per_day: dict[tuple, dict]) -> list[dict]:
    return [_day_row(day, per_day.get((day, ModelType.SDXL), _zero()), per_day.get((day, ModelType.WAN), _zero()))
            for day in days.dates()]


def _day_row(day, sdxl: dict, wan: dict) -> dict:
    rated = sdxl["rated_jobs"] + wan["rated_jobs"]
    return {
        "date": day,
        "sdxl_success_rate": percent(sdxl["completed"], sdxl["completed"] + sdxl["failed"]),
        "wan_success_rate": percent(wan["completed"], wan["completed"] + wan["failed"]),
        "mean_quality": mean(sdxl["rating_sum"] + wan["rating_sum"], rated), "rated": rated,
        "sdxl_jobs": sdxl["total_jobs"], "wan_jobs": wan["total_jobs"],
        "total_jobs": sdxl["total_jobs"] + wan["total_jobs"],
    }
