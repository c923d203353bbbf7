"""Model Analytics (document 000 §2): per model and per day, from the two daily rollups."""

from collections import defaultdict
from decimal import Decimal

from django.db.models import Sum

from analytics.dashboards.common import DayRange, share, whole
from analytics.models import JobStatsDaily, ModelPerformanceLog
from analytics.rollups import mean, percent
from generations.choices import ModelType

STARS = (5, 4, 3, 2, 1)
_SUMS = ("total_jobs", "cancelled_jobs", "rated_jobs", "rating_sum", "inference_time_sum_ms", "inference_time_count",
         *(f"stars_{n}" for n in STARS))


def _zero() -> dict:
    return defaultdict(int)


def _add(target: dict, row: dict, names) -> None:
    for name in names:
        target[name] += row[name] or 0


def model_analytics(*, days: DayRange) -> dict:
    """Per model over ``days`` and a day-by-day table, in two queries (one per rollup table).

    Success counts come from ``model_performance_logs`` (completed and failed jobs); volumes, times and
    ratings from ``job_stats_daily``. See docs/metrics.md, "Model Analytics".
    """
    outcomes = ModelPerformanceLog.objects.filter(**days.as_filter()).values_list(
        "date", "model_type", "successful_generations", "failed_generations")
    stats = (JobStatsDaily.objects.filter(**days.as_filter()).values("date", "model_type")
             .annotate(**{name: Sum(name) for name in _SUMS}).order_by())
    per_model = {model: _zero() for model in ModelType.values}
    per_day = defaultdict(lambda: {model: _zero() for model in ModelType.values})
    for day, model, completed, failed in outcomes:
        for target in (per_model[model], per_day[day][model]):
            target["completed"] += completed
            target["failed"] += failed
    for row in stats:
        _add(per_model[row["model_type"]], row, _SUMS)
        _add(per_day[row["date"]][row["model_type"]], row, _SUMS)
    return {
        "since": days.since, "until": days.until,
        "models": [_model_summary(model, per_model[model]) for model in ModelType.values],
        "days": [_day_row(day, per_day.get(day)) for day in days.dates()],
    }


def _model_summary(model: str, t: dict) -> dict:
    return {
        "model_type": model, "jobs": t["total_jobs"], "completed": t["completed"], "failed": t["failed"],
        "cancelled": t["cancelled_jobs"], "success_rate": percent(t["completed"], t["completed"] + t["failed"]),
        "mean_time_ms": whole(mean(t["inference_time_sum_ms"], t["inference_time_count"], Decimal(1))),
        "rated": t["rated_jobs"], "mean_quality": mean(t["rating_sum"], t["rated_jobs"]),
        "quality_distribution": {str(n): pct for n, pct in
                                 share({n: t[f"stars_{n}"] for n in STARS}, t["rated_jobs"]).items()},
    }


def _day_row(day, models: dict | None) -> dict:
    models = models or {model: _zero() for model in ModelType.values}
    sdxl, wan = models[ModelType.SDXL], models[ModelType.WAN]
    rated = sdxl["rated_jobs"] + wan["rated_jobs"]
    return {
        "date": day,
        "sdxl_success_rate": percent(sdxl["completed"], sdxl["completed"] + sdxl["failed"]),
        "wan_success_rate": percent(wan["completed"], wan["completed"] + wan["failed"]),
        "mean_quality": mean(sdxl["rating_sum"] + wan["rating_sum"], rated), "rated": rated,
        "sdxl_jobs": sdxl["total_jobs"], "wan_jobs": wan["total_jobs"],
        "total_jobs": sdxl["total_jobs"] + wan["total_jobs"],
    }
