"""Enhancement effectiveness: per strategy from ``job_stats_daily``, and the guide's two views as selectors.

``strategy_effectiveness`` is the fast page (a few hundred rollup rows). ``job_enhancement_analysis``
and ``enhancement_effectiveness`` reproduce the SQL views of document 000 exactly (same window, same
expressions, same floating-point results) for callers that need the views' own semantics; they read
``jobs`` over the last 30 / 7 days, so they are not meant for a page that must load in 300 ms.
"""

from datetime import datetime, timedelta
from decimal import Decimal

from django.db.models import Avg, Case, CharField, Count, F, FloatField, Func, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Cast
from django.utils import timezone

from analytics.dashboards.common import STAR_COLUMNS, STRATEGY_ORDER, DayRange, star_shares
from analytics.models import JobStatsDaily
from analytics.rollups.buckets import mean, percent, whole
from generations.models import Job
from ourvidz_admin.choices import ENHANCED_STRATEGIES, EnhancementStrategy, JobStatus

S = EnhancementStrategy
_SUMS = ("total_jobs", "completed_jobs", "failed_jobs", "cancelled_jobs", "rated_jobs", "rating_sum",
         "enhancement_time_sum_ms", "enhancement_time_count", "improvement_sum", "improvement_count", *STAR_COLUMNS)


def strategy_effectiveness(*, days: DayRange) -> dict:
    """Per strategy over the UTC days of ``days``, from ``job_stats_daily`` (one query).

    ``{"since", "until", "strategies": [qwen, compel, hybrid, none]}``. ``success_rate`` and
    ``high_quality_rate`` keep the guide's view definitions (completed, resp. rated 4-5 stars, × 100 / all
    jobs); ``finished_success_rate`` = completed × 100 / (completed + failed) as on the other pages;
    ``quality_distribution`` = share of the rated jobs per star, 5 down to 1.
    """
    rows = (JobStatsDaily.objects.filter(**days.as_filter()).values("enhancement_strategy")
            .annotate(**{name: Sum(name) for name in _SUMS}).order_by())
    found = {row["enhancement_strategy"]: row for row in rows}
    return {"since": days.since, "until": days.until,
            "strategies": [_effectiveness_row(strategy, found.get(strategy)) for strategy in STRATEGY_ORDER]}


def _effectiveness_row(strategy: str, t: dict | None) -> dict:
    t = {name: (t or {}).get(name) or 0 for name in _SUMS}
    jobs, completed, failed = t["total_jobs"], t["completed_jobs"], t["failed_jobs"]
    return {
        "strategy": strategy, "label": S(strategy).label, "jobs": jobs, "completed": completed, "failed": failed,
        "cancelled": t["cancelled_jobs"], "rated": t["rated_jobs"],
        "mean_quality": mean(t["rating_sum"], t["rated_jobs"]),
        "mean_improvement": mean(t["improvement_sum"], t["improvement_count"]),
        "mean_enhancement_time_ms": whole(mean(t["enhancement_time_sum_ms"], t["enhancement_time_count"],
                                               Decimal(1))),
        "success_rate": percent(completed, jobs), "finished_success_rate": percent(completed, completed + failed),
        "high_quality_rate": percent(t["stars_4"] + t["stars_5"], jobs),
        "quality_distribution": star_shares(t),
    }


class EpochSeconds(Func):
    """Seconds from ``created_at`` to ``completed_at`` as a float, in the view's own SQL for each vendor."""

    output_field = FloatField()
    _TEMPLATES = {
        "postgresql": "CAST(EXTRACT(EPOCH FROM ({end} - {start})) AS DOUBLE PRECISION)",
        "sqlite": "CAST((julianday({end}) - julianday({start})) * 86400.0 AS DOUBLE PRECISION)",
    }

    def __init__(self):
        super().__init__(F("completed_at"), F("created_at"))

    def as_sql(self, compiler, connection, **extra):
        (end, end_params), (start, start_params) = (compiler.compile(e) for e in self.get_source_expressions())
        return self._TEMPLATES[connection.vendor].format(end=end, start=start), [*end_params, *start_params]


DISPLAY_NAME = Case(
    *(When(enhancement_strategy=s, then=Value(S(s).label)) for s in ENHANCED_STRATEGIES),
    default=Value("No Enhancement"), output_field=CharField(),
)
ANALYSIS_FIELDS = ("id", "user_id", "job_type", "model_type", "status", "enhancement_strategy", "original_prompt",
                   "enhanced_prompt", "enhancement_time_ms", "quality_rating", "quality_improvement", "created_at",
                   "completed_at", "generation_time_seconds", "enhancement_display_name")


def job_enhancement_analysis(*, now: datetime | None = None) -> QuerySet:
    """The rows of the ``job_enhancement_analysis`` view: jobs created in the 30 days before ``now``.

    A ``values()`` QuerySet with the view's columns; ``generation_time_seconds`` is
    ``EXTRACT(EPOCH FROM completed_at - created_at)`` (NULL until completed) and
    ``enhancement_display_name`` the view's CASE ('Qwen Only', ..., else 'No Enhancement').
    """
    now = now or timezone.now()
    return (Job.objects.filter(created_at__gte=now - timedelta(days=30)).order_by("-created_at", "-id")
            .annotate(generation_time_seconds=EpochSeconds(), enhancement_display_name=DISPLAY_NAME)
            .values(*ANALYSIS_FIELDS))


def _as_float(expression) -> Cast:
    return Cast(expression, FloatField())


class PercentOfAll(Func):
    """``COUNT(CASE WHEN condition THEN 1 END) * 100.0 / COUNT(*)``, written as the view writes it.

    The literal ``100.0`` keeps PostgreSQL in NUMERIC and SQLite in REAL arithmetic, as in the view.
    """

    template = "%(expressions)s * 100.0 / COUNT(*)"
    output_field = FloatField()

    def __init__(self, condition: Q):
        super().__init__(Count(Case(When(condition, then=Value(1)))))


def enhancement_effectiveness(*, now: datetime | None = None) -> list[dict]:
    """The rows of the ``enhancement_effectiveness`` view: per strategy over the 7 days before ``now``.

    ``total_jobs`` = COUNT(*); ``avg_quality``/``avg_improvement``/``avg_enhancement_time`` = AVG of the
    column (NULLs ignored); ``success_rate`` = completed × 100.0 / COUNT(*); ``high_quality_rate`` =
    rated ≥ 4 × 100.0 / COUNT(*); all as floats, ordered by strategy. Only strategies with jobs appear.
    """
    now = now or timezone.now()
    rows = (
        Job.objects.filter(created_at__gte=now - timedelta(days=7)).values("enhancement_strategy")
        .annotate(
            total_jobs=Count("*"), avg_quality=_as_float(Avg("quality_rating")),
            avg_improvement=_as_float(Avg("quality_improvement")),
            avg_enhancement_time=_as_float(Avg("enhancement_time_ms")),
            success_rate=_as_float(PercentOfAll(Q(status=JobStatus.COMPLETED))),
            high_quality_rate=_as_float(PercentOfAll(Q(quality_rating__gte=4))),
        )
        .order_by("enhancement_strategy")
    )
    return list(rows)
