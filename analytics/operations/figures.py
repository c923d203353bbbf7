"""The operations page's tables, each from one grouped read of a rollup over a ``DayRange``.

Definitions in docs/metrics.md ("Operations"): success = completed / (completed + failed); 4+★ share =
(4★ + 5★) / rated; stage percentiles are nearest-rank, reported as the histogram bin that holds them.
"""

from datetime import UTC, timedelta
from decimal import Decimal

import numpy as np
from django.db.models import Sum
from django.db.models.functions import ExtractHour, ExtractIsoWeekDay

from analytics.dashboards.common import DayRange
from analytics.models import FailureReasonDaily, JobOpsDaily, JobStatsHourly, JobTimeHistogramDaily
from analytics.rollups.buckets import mean, percent
from analytics.rollups.histograms import EDGES_MS, counts_array, percentile
from analytics.rollups.operations import STAGES
from ourvidz_admin.choices import EnhancementStrategy, FailureReason

QUANTILES = (("p50", 0.50), ("p95", 0.95), ("p99", 0.99))
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_ORDER = {value: index for index, value in enumerate(["", *EnhancementStrategy.values])}
_COUNTS = ("total_jobs", "completed_jobs", "failed_jobs", "cancelled_jobs", "rated_jobs", "rating_sum",
           "stars_4", "stars_5", "enhancement_cost", "generation_cost")


def _in(days: DayRange) -> dict:
    return {"date__gte": days.since, "date__lte": days.until}


def _stage(bins, count: int, total: int) -> dict:
    found = {int(index): int(bins[index]) for index in np.flatnonzero(bins)}
    return {"count": count, "mean_ms": mean(total, count, Decimal(1)),
            **{name: percentile(found, q) for name, q in QUANTILES}}


def stage_times(days: DayRange) -> list[dict]:
    """Per model and strategy (and per model, all strategies): count, mean and p50/p95/p99 of each stage."""
    sums: dict[tuple, list] = {}
    for row in (JobTimeHistogramDaily.objects.filter(**_in(days))
                .values_list("model_type", "enhancement_strategy", "stage", "count", "sum_ms", "bins")):
        model, strategy, stage, count, total, bins = row
        one = counts_array([bins])
        for key in ((model, strategy, stage), (model, "", stage)):
            found = sums.setdefault(key, [np.zeros(len(EDGES_MS), dtype=np.int64), 0, 0])
            found[0] += one
            found[1] += count
            found[2] += total
    empty = (np.zeros(len(EDGES_MS), dtype=np.int64), 0, 0)
    groups = sorted({(model, strategy) for model, strategy, _stage_name in sums},
                    key=lambda key: (key[0], _ORDER[key[1]]))
    return [{"model_type": model, "strategy": strategy,
             "label": EnhancementStrategy(strategy).label if strategy else "all strategies",
             "stages": {stage: _stage(*sums.get((model, strategy, stage), empty)) for stage in STAGES}}
            for model, strategy in groups]


def peaks(days: DayRange) -> dict:
    """Jobs created per UTC weekday × hour of day over the range, with the busiest cell."""
    cells = [[0] * 24 for _ in WEEKDAYS]
    for row in (JobStatsHourly.objects.filter(hour__date__gte=days.since, hour__date__lte=days.until)
                .annotate(weekday=ExtractIsoWeekDay("hour", tzinfo=UTC), hour_of_day=ExtractHour("hour", tzinfo=UTC))
                .values("weekday", "hour_of_day").annotate(jobs=Sum("total_jobs")).order_by()):
        cells[row["weekday"] - 1][row["hour_of_day"]] = row["jobs"]
    busiest = max(((jobs, day, hour) for day, row in enumerate(cells) for hour, jobs in enumerate(row)), default=None)
    return {"rows": [{"weekday": name, "hours": cells[index], "jobs": sum(cells[index])}
                     for index, name in enumerate(WEEKDAYS)],
            "hour_totals": [sum(row[hour] for row in cells) for hour in range(24)],
            "busiest": {"weekday": WEEKDAYS[busiest[1]], "hour": busiest[2], "jobs": busiest[0]}
            if busiest and busiest[0] else None}


def _outcomes(row: dict) -> dict:
    finished = row["completed_jobs"] + row["failed_jobs"]
    rated = row["rated_jobs"]
    cost = (row["enhancement_cost"] or Decimal(0)) + (row["generation_cost"] or Decimal(0))
    good = row["stars_4"] + row["stars_5"]
    return {**row, "success_rate": percent(row["completed_jobs"], finished),
            "mean_stars": mean(row["rating_sum"], rated), "good_share": percent(good, rated),
            "cost": cost, "cost_per_good": (cost / good).quantize(Decimal("0.000001")) if good else None}


DIMENSIONS = ("model_type", "job_type", "enhancement_strategy", "tier", "content_mode")


def ops_groups(days: DayRange) -> list[dict]:
    """The range's ``job_ops_daily`` sums per combination of every dimension: one grouped query, which the
    page's tables and goals then fold (a few hundred groups, whatever the number of jobs or days)."""
    return list(JobOpsDaily.objects.filter(**_in(days)).values(*DIMENSIONS)
                .annotate(**{name: Sum(name) for name in _COUNTS}).order_by())


def fold(groups: list[dict], *dimensions: str) -> list[dict]:
    """``groups`` summed per value of ``dimensions``, in their order, with the derived figures."""
    folded: dict[tuple, dict] = {}
    for group in groups:
        key = tuple(group[name] for name in dimensions)
        row = folded.setdefault(key, {**dict(zip(dimensions, key, strict=True)), **dict.fromkeys(_COUNTS, 0)})
        for name in _COUNTS:
            row[name] += group[name] or 0
    return [_outcomes(folded[key]) for key in sorted(folded)]


def outcomes_by(days: DayRange, *dimensions: str) -> list[dict]:
    """Jobs, success, mean stars, 4+★ share and cost per value of ``dimensions`` (columns of job_ops_daily)."""
    return fold(ops_groups(days), *dimensions)


DAILY_FAILURES_UP_TO = 31  # days; a longer range lists its failures per ISO week (Monday first)


def failure_trend(days: DayRange) -> dict:
    """Failed jobs per UTC day (per ISO week past ``DAILY_FAILURES_UP_TO`` days) and failure reason: the reasons
    seen (columns, most failures first) and one row per period, newest first."""
    weekly = days.days > DAILY_FAILURES_UP_TO

    def start(day):
        return day - timedelta(days=day.weekday()) if weekly else day

    counts: dict = {}
    for row in (FailureReasonDaily.objects.filter(**_in(days)).values("date", "failure_reason")
                .annotate(failures=Sum("failures")).order_by()):
        period = counts.setdefault(start(row["date"]), {})
        period[row["failure_reason"]] = period.get(row["failure_reason"], 0) + row["failures"]
    reasons = sorted({reason for period in counts.values() for reason in period},
                     key=lambda reason: -sum(period.get(reason, 0) for period in counts.values()))
    labels = dict(FailureReason.choices)
    periods = list(dict.fromkeys(start(day) for day in days.dates()))
    return {"period": "week" if weekly else "day",
            "reasons": [{"value": reason, "label": labels.get(reason, reason) or "unknown"} for reason in reasons],
            "rows": [{"date": period, "counts": [counts.get(period, {}).get(reason, 0) for reason in reasons],
                      "total": sum(counts.get(period, {}).values())} for period in periods]}


def operations(days: DayRange) -> dict:
    """Every table of the operations page."""
    from analytics.operations.goals import goal_scoreboard

    groups = ops_groups(days)
    return {"since": days.since, "until": days.until, "stage_times": stage_times(days), "peaks": peaks(days),
            "by_job_type": fold(groups, "model_type", "job_type"), "by_tier": fold(groups, "tier"),
            "by_content_mode": fold(groups, "content_mode"),
            "by_model_strategy": fold(groups, "model_type", "enhancement_strategy"),
            "failures": failure_trend(days), "goals": goal_scoreboard(days.since, days.until, ops=groups)}
