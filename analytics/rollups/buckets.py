"""Exact rollups of ``jobs`` into the dashboard tables, rebuilt range by range.

Every figure is computed by the database with one grouped query per table
(``TruncDate``/``TruncHour``/``TruncDay`` in UTC, ``Count``/``Sum`` with
``filter=Q(...)``), so the functions work the same on PostgreSQL and SQLite
and never loop over jobs in Python. Means are taken as exact ``Sum / Count``
and rounded half-up in ``Decimal``, never through floating point:

* quality means: 2 decimal places (columns are ``DECIMAL(3,2)``);
* percentages: ``part * 100 / whole``, 2 decimal places (``DECIMAL(5,2)``);
* millisecond means: rounded half-up to a whole millisecond.

A rebuild deletes the rollup rows of its range and inserts the new ones in one
transaction. Row ids are ``uuid5`` of the table and the row's key, so running
a rebuild twice over unchanged jobs leaves identical rows (only the
``created_at``/``updated_at`` bookkeeping columns show when it ran).
A period or day without jobs gets no row.
"""

import uuid
from datetime import UTC, date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.db.models import Count, Min, Q, Sum
from django.db.models.functions import TruncDate, TruncDay, TruncHour

from analytics.choices import PeriodType
from analytics.models import JobStatsDaily, LivePromptMetric, ModelPerformanceLog, UserEnhancementAdoption
from generations.models import Job
from ourvidz_admin.choices import EnhancementStrategy, JobStatus

UTC = UTC
CENT = Decimal("0.01")
_NAMESPACE = uuid.UUID("0b6d6c1e-3f2a-5d4c-8e9f-7a1b2c3d4e5f")
_NONE = EnhancementStrategy.NONE
_DONE = (JobStatus.COMPLETED, JobStatus.FAILED)
_ENHANCED = ~Q(enhancement_strategy=_NONE)


def rollup_id(table: str, *key) -> uuid.UUID:
    """The id of the rollup row of ``table`` for ``key``: stable across rebuilds."""
    return uuid.uuid5(_NAMESPACE, ":".join([table, *map(str, key)]))


def mean(total, count, places: Decimal = CENT) -> Decimal | None:
    """``total / count`` rounded half-up to ``places``; None when ``count`` is 0."""
    if not count:
        return None
    return (Decimal(total) / Decimal(count)).quantize(places, ROUND_HALF_UP)


def percent(part: int, whole: int) -> Decimal | None:
    """``part * 100 / whole`` rounded half-up to 2 places; None when ``whole`` is 0."""
    return mean(part * 100, whole)


def difference(recent: Decimal | None, baseline: Decimal | None) -> Decimal | None:
    """``recent - baseline``; None when either is unknown."""
    return None if recent is None or baseline is None else recent - baseline


def whole(value: Decimal | None) -> int | None:
    """A ``Decimal`` already rounded to a whole number, as ``int`` (None stays None)."""
    return None if value is None else int(value)


def _start_of_day(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def _quality(prefix: str, condition: Q | None = None) -> dict:
    return {f"{prefix}_sum": Sum("quality_rating", filter=condition),
            f"{prefix}_n": Count("quality_rating", filter=condition)}


def rebuild_model_performance(since: date | None = None, until: date | None = None) -> int:
    """Rebuild ``ModelPerformanceLog``: one row per ``model_type`` per UTC day of ``created_at``.

    Over the jobs of that model created that day whose status is terminal and
    not cancelled (``completed`` or ``failed``; cancelled jobs never ran to an
    outcome, so they count neither as a success nor as a failure):

    * ``total_generations = successful_generations + failed_generations``;
    * ``successful_generations`` = count of ``completed``; ``failed_generations`` = count of ``failed``;
    * ``avg_generation_time_ms`` = sum(``inference_time_ms``) / count(``inference_time_ms``) over the
      completed jobs, rounded half-up to a whole ms (NULL when none has a time);
    * ``avg_quality_rating`` = sum(``quality_rating``) / count(``quality_rating``) over the rated jobs,
      rounded half-up to 2 places (NULL when none is rated);
    * ``total_processing_time_ms`` = sum(``inference_time_ms``) over all counted jobs (NULL when none).

    ``since``: rebuild only the days from ``since`` (inclusive) on; None rebuilds everything.
    ``until``: and only the days before ``until`` (exclusive). Returns the number of rows written.
    """
    jobs = Job.objects.filter(status__in=_DONE)
    stale = ModelPerformanceLog.objects.all()
    if since is not None:
        jobs, stale = jobs.filter(created_at__gte=_start_of_day(since)), stale.filter(date__gte=since)
    if until is not None:
        jobs, stale = jobs.filter(created_at__lt=_start_of_day(until)), stale.filter(date__lt=until)
    completed = Q(status=JobStatus.COMPLETED)
    groups = (
        jobs.annotate(day=TruncDate("created_at", tzinfo=UTC)).values("model_type", "day")
        .annotate(ok=Count("pk", filter=completed), failed=Count("pk", filter=Q(status=JobStatus.FAILED)),
                  time_sum=Sum("inference_time_ms", filter=completed),
                  time_n=Count("inference_time_ms", filter=completed),
                  processing=Sum("inference_time_ms"), **_quality("rating"))
        .order_by("day", "model_type")
    )
    rows = [
        ModelPerformanceLog(
            id=rollup_id("model_performance", g["model_type"], g["day"]), model_type=g["model_type"],
            date=g["day"], total_generations=g["ok"] + g["failed"], successful_generations=g["ok"],
            failed_generations=g["failed"], avg_quality_rating=mean(g["rating_sum"], g["rating_n"]),
            avg_generation_time_ms=whole(mean(g["time_sum"], g["time_n"], Decimal(1))),
            total_processing_time_ms=g["processing"],
        )
        for g in groups
    ]
    return _replace(stale, ModelPerformanceLog, rows)


def _replace(stale, model, rows: list) -> int:
    with transaction.atomic():
        stale.delete()
        model.objects.bulk_create(rows, batch_size=1_000)
    return len(rows)


def _metric_aggregates() -> dict:
    strategies = {s.value: Q(enhancement_strategy=s) for s in EnhancementStrategy}
    aggregates = {f"{name}_jobs": Count("pk", filter=condition) for name, condition in strategies.items()}
    for name, condition in strategies.items():
        aggregates[f"{name}_ok"] = Count("pk", filter=condition & Q(status=JobStatus.COMPLETED))
        aggregates[f"{name}_done"] = Count("pk", filter=condition & Q(status__in=_DONE))
    for model in ("SDXL", "WAN"):
        aggregates[f"{model}_n"] = Count("pk", filter=Q(model_type=model))
        aggregates[f"{model}_enhanced"] = Count("pk", filter=Q(model_type=model) & _ENHANCED)
    return {
        "total": Count("pk"), "time_sum": Sum("enhancement_time_ms"), "time_n": Count("enhancement_time_ms"),
        **_quality("with", _ENHANCED), **_quality("without", Q(enhancement_strategy=_NONE)), **aggregates,
    }


def _metric(period: str, g: dict) -> LivePromptMetric:
    with_quality, without_quality = mean(g["with_sum"], g["with_n"]), mean(g["without_sum"], g["without_n"])
    rate = {name: percent(g[f"{name}_ok"], g[f"{name}_done"]) for name in ("qwen", "compel", "hybrid", "none")}
    return LivePromptMetric(
        id=rollup_id("live_prompt_metrics", period, g["ts"].isoformat()), timestamp=g["ts"], period_type=period,
        total_jobs=g["total"], qwen_enhanced_jobs=g["qwen_jobs"], compel_enhanced_jobs=g["compel_jobs"],
        hybrid_enhanced_jobs=g["hybrid_jobs"], no_enhancement_jobs=g["none_jobs"],
        avg_enhancement_time_ms=whole(mean(g["time_sum"], g["time_n"], Decimal(1))),
        avg_quality_with_enhancement=with_quality, avg_quality_without_enhancement=without_quality,
        avg_quality_gain=difference(with_quality, without_quality),
        qwen_success_rate=rate["qwen"], compel_success_rate=rate["compel"], hybrid_success_rate=rate["hybrid"],
        no_enhancement_success_rate=rate["none"],
        sdxl_enhancement_usage=percent(g["SDXL_enhanced"], g["SDXL_n"]),
        wan_enhancement_usage=percent(g["WAN_enhanced"], g["WAN_n"]),
    )


def rebuild_live_prompt_metrics(since: datetime | None = None, until: datetime | None = None) -> int:
    """Rebuild ``LivePromptMetric`` for every UTC hour (``hourly``) and UTC day (``daily``) with jobs.

    Over all jobs created in the period, whatever their status:

    * ``total_jobs`` = count; ``qwen/compel/hybrid_enhanced_jobs``, ``no_enhancement_jobs`` = count per
      ``enhancement_strategy``;
    * ``avg_enhancement_time_ms`` = sum(``enhancement_time_ms``) / count(``enhancement_time_ms``), over the
      jobs that have one (the enhanced jobs that got that far), rounded half-up to a whole ms;
    * ``avg_quality_with_enhancement`` = sum(``quality_rating``) / count(``quality_rating``) over rated jobs
      with strategy != none; ``avg_quality_without_enhancement`` the same with strategy = none; both
      rounded half-up to 2 places;
    * ``avg_quality_gain`` = ``avg_quality_with_enhancement - avg_quality_without_enhancement`` (of the
      rounded values, so the row adds up; NULL when either is NULL);
    * ``<strategy>_success_rate`` = completed * 100 / (completed + failed) for that strategy, 2 places
      (queued, processing and cancelled jobs are left out; NULL when the denominator is 0);
    * ``sdxl_enhancement_usage`` / ``wan_enhancement_usage`` = jobs of that model with strategy != none
      * 100 / all jobs of that model, 2 places (NULL when the model has no job).

    ``since``: rebuild only the periods from the one containing ``since`` on; None rebuilds everything.
    ``until``: and only the periods that start before ``until``. Returns the rows written (hourly plus daily).
    """
    written = 0
    with transaction.atomic():
        for period, trunc in ((PeriodType.HOURLY, TruncHour), (PeriodType.DAILY, TruncDay)):
            jobs, stale = Job.objects.all(), LivePromptMetric.objects.filter(period_type=period)
            if since is not None:
                start = since.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
                if period == PeriodType.DAILY:
                    start = start.replace(hour=0)
                jobs, stale = jobs.filter(created_at__gte=start), stale.filter(timestamp__gte=start)
            if until is not None:
                end = _period_end(until, period)
                jobs, stale = jobs.filter(created_at__lt=end), stale.filter(timestamp__lt=end)
            groups = (jobs.annotate(ts=trunc("created_at", tzinfo=UTC)).values("ts")
                      .annotate(**_metric_aggregates()).order_by("ts"))
            written += _replace(stale, LivePromptMetric, [_metric(period, g) for g in groups])
    return written


def _period_end(moment: datetime, period: str) -> datetime:
    """The start of the first period of ``period`` type that begins at or after ``moment``."""
    start = moment.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
    if period == PeriodType.DAILY:
        start = start.replace(hour=0)
        return start if start == moment else start + timedelta(days=1)
    return start if start == moment else start + timedelta(hours=1)


def rebuild_user_adoption(since: date | None = None, until: date | None = None, user_id=None) -> int:
    """Rebuild ``UserEnhancementAdoption``: one row per user per UTC day of ``created_at``.

    Over all jobs the user created that day, whatever their status (jobs with no user are not counted):

    * ``total_jobs`` = count; ``jobs_with_enhancement`` = count with strategy != none;
    * ``enhancement_adoption_rate`` = ``jobs_with_enhancement * 100 / total_jobs``, 2 places;
    * ``qwen/compel/hybrid_usage_count``, ``no_enhancement_count`` = count per strategy;
    * ``avg_quality_with_enhancement`` / ``avg_quality_without_enhancement`` = sum(``quality_rating``) /
      count(``quality_rating``) over the user's rated jobs that day with strategy != none / = none,
      2 places; ``avg_quality_improvement`` = with - without (of the rounded values; NULL if either is);
    * ``first_enhancement_date`` = the ``created_at`` of the user's first job ever with strategy != none
      (all time, not only the rebuilt range; the same on each of the user's rows);
    * ``enhancement_learning_rate`` is left NULL: no document defines how to compute it.

    ``since``/``until``: rebuild only the days in ``[since, until)``; ``user_id``: only that user's rows.
    Returns the number of rows written.
    """
    jobs = Job.objects.filter(user__isnull=False)
    stale = UserEnhancementAdoption.objects.all()
    if since is not None:
        jobs, stale = jobs.filter(created_at__gte=_start_of_day(since)), stale.filter(date__gte=since)
    if until is not None:
        jobs, stale = jobs.filter(created_at__lt=_start_of_day(until)), stale.filter(date__lt=until)
    if user_id is not None:
        jobs, stale = jobs.filter(user_id=user_id), stale.filter(user_id=user_id)
    counts = {f"{s.value}_n": Count("pk", filter=Q(enhancement_strategy=s)) for s in EnhancementStrategy}
    groups = (
        jobs.annotate(day=TruncDate("created_at", tzinfo=UTC)).values("user", "day")
        .annotate(total=Count("pk"), **counts, **_quality("with", _ENHANCED),
                  **_quality("without", Q(enhancement_strategy=_NONE)))
        .order_by("day", "user")
    )
    enhanced = Job.objects.filter(_ENHANCED, user__isnull=False)
    if user_id is not None:
        enhanced = enhanced.filter(user_id=user_id)
    first = dict(enhanced.values("user")
                 .annotate(first=Min("created_at")).order_by().values_list("user", "first"))
    rows = [_adoption(g, first.get(g["user"])) for g in groups]
    return _replace(stale, UserEnhancementAdoption, rows)


def _adoption(g: dict, first_enhanced: datetime | None) -> UserEnhancementAdoption:
    with_quality, without_quality = mean(g["with_sum"], g["with_n"]), mean(g["without_sum"], g["without_n"])
    enhanced = g["total"] - g["none_n"]
    return UserEnhancementAdoption(
        id=rollup_id("user_enhancement_adoption", g["user"], g["day"]), user_id=g["user"], date=g["day"],
        total_jobs=g["total"], jobs_with_enhancement=enhanced, enhancement_adoption_rate=percent(enhanced, g["total"]),
        qwen_usage_count=g["qwen_n"], compel_usage_count=g["compel_n"], hybrid_usage_count=g["hybrid_n"],
        no_enhancement_count=g["none_n"], avg_quality_with_enhancement=with_quality,
        avg_quality_without_enhancement=without_quality,
        avg_quality_improvement=difference(with_quality, without_quality),
        first_enhancement_date=first_enhanced, enhancement_learning_rate=None,
    )


def rebuild_job_stats_daily(since: date | None = None, until: date | None = None) -> int:
    """Rebuild ``JobStatsDaily``: one row per UTC day of ``created_at`` × ``model_type`` × ``enhancement_strategy``.

    Over all jobs created that day with that model and strategy, whatever their status:

    * ``total_jobs`` = count (queued and processing included);
    * ``completed_jobs`` / ``failed_jobs`` / ``cancelled_jobs`` = count with that status;
    * ``rated_jobs`` = count(``quality_rating``); ``stars_1`` .. ``stars_5`` = count with that rating;
      ``rating_sum`` = sum(``quality_rating``) (0 when none is rated);
    * ``inference_time_sum_ms`` / ``inference_time_count`` = sum / count of ``inference_time_ms`` over the
      completed jobs that have one (the same jobs as ``avg_generation_time_ms`` of model_performance_logs);
    * ``enhancement_time_sum_ms`` / ``enhancement_time_count`` = sum / count of ``enhancement_time_ms`` over
      the jobs that have one, whatever their status (the jobs ``AVG(enhancement_time_ms)`` of the guide's
      ``enhancement_effectiveness`` view averages);
    * ``improvement_sum`` / ``improvement_count`` = sum / count of ``quality_improvement`` over the jobs that
      have one.

    Only sums and counts, so any range of rows adds up exactly; means are taken by the reader.
    ``since``/``until``: rebuild only the days in ``[since, until)``; None leaves that side open.
    Returns the number of rows written.
    """
    jobs, stale = Job.objects.all(), JobStatsDaily.objects.all()
    if since is not None:
        jobs, stale = jobs.filter(created_at__gte=_start_of_day(since)), stale.filter(date__gte=since)
    if until is not None:
        jobs, stale = jobs.filter(created_at__lt=_start_of_day(until)), stale.filter(date__lt=until)
    groups = (
        jobs.annotate(day=TruncDate("created_at", tzinfo=UTC)).values("day", "model_type", "enhancement_strategy")
        .annotate(**_job_stats_aggregates()).order_by("day", "model_type", "enhancement_strategy")
    )
    return _replace(stale, JobStatsDaily, [_job_stats(g) for g in groups])


def _job_stats_aggregates() -> dict:
    completed = Q(status=JobStatus.COMPLETED)
    return {
        "total": Count("pk"), "completed": Count("pk", filter=completed),
        "failed": Count("pk", filter=Q(status=JobStatus.FAILED)),
        "cancelled": Count("pk", filter=Q(status=JobStatus.CANCELLED)), **_quality("rating"),
        **{f"stars_{n}": Count("pk", filter=Q(quality_rating=n)) for n in range(1, 6)},
        "inference_sum": Sum("inference_time_ms", filter=completed),
        "inference_n": Count("inference_time_ms", filter=completed),
        "enhancement_sum": Sum("enhancement_time_ms"), "enhancement_n": Count("enhancement_time_ms"),
        "improvement_sum": Sum("quality_improvement"), "improvement_n": Count("quality_improvement"),
    }


def _job_stats(g: dict) -> JobStatsDaily:
    key = (g["day"], g["model_type"], g["enhancement_strategy"])
    return JobStatsDaily(
        id=rollup_id("job_stats_daily", *key), date=g["day"], model_type=g["model_type"],
        enhancement_strategy=g["enhancement_strategy"], total_jobs=g["total"], completed_jobs=g["completed"],
        failed_jobs=g["failed"], cancelled_jobs=g["cancelled"], rated_jobs=g["rating_n"],
        **{f"stars_{n}": g[f"stars_{n}"] for n in range(1, 6)}, rating_sum=g["rating_sum"] or 0,
        inference_time_sum_ms=g["inference_sum"] or 0, inference_time_count=g["inference_n"],
        enhancement_time_sum_ms=g["enhancement_sum"] or 0, enhancement_time_count=g["enhancement_n"],
        improvement_sum=g["improvement_sum"] or Decimal(0), improvement_count=g["improvement_n"],
    )


def rebuild_all(since: date | datetime | None = None) -> dict[str, int]:
    """Run every rebuild in one transaction; ``since`` as a date means that day's UTC midnight.

    Returns ``{"model_performance": n, "live_prompt_metrics": n, "user_adoption": n, "job_stats_daily": n, ...}``
    (rows written).
    """
    if isinstance(since, datetime):
        since_day, since_time = since.astimezone(UTC).date(), since
    elif since is not None:
        since_day, since_time = since, _start_of_day(since)
    else:
        since_day = since_time = None
    from analytics.rollups import operations  # imports this module's helpers
    from analytics.rollups import prompts as prompt_rollups

    with transaction.atomic():
        return {
            "model_performance": rebuild_model_performance(since_day),
            "live_prompt_metrics": rebuild_live_prompt_metrics(since_time),
            "user_adoption": rebuild_user_adoption(since_day),
            "job_stats_daily": rebuild_job_stats_daily(since_day),
            "prompt_performance": prompt_rollups.rebuild_prompt_performance(since_day),
            **operations.rebuild_operations(since_day),
            "prompt_version_stats": operations.rebuild_prompt_version_stats(since_time),
        }


def refresh_for_job(job) -> None:
    """Rebuild exactly the rollup rows ``job`` falls in (see ``refresh_buckets``)."""
    refresh_buckets(job.created_at, job.user_id)


def refresh_buckets(created_at: datetime, user_id=None) -> None:
    """Rebuild the rollup rows of one creation time: its day (per model, strategy), hour and day, the user's day.

    The incremental path: queued after a job is submitted, finishes or is
    rated. It runs the same rebuild functions over those buckets only, so its
    rows are identical to a full ``rollup_metrics`` rebuild.
    """
    from analytics.rollups import operations  # imports this module's helpers
    from analytics.rollups import prompts as prompt_rollups

    day = created_at.astimezone(UTC).date()
    next_day = day + timedelta(days=1)
    with transaction.atomic():
        rebuild_model_performance(day, next_day)
        rebuild_job_stats_daily(day, next_day)
        hour = created_at.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
        rebuild_live_prompt_metrics(hour, hour + timedelta(hours=1))
        if user_id is not None:
            rebuild_user_adoption(day, next_day, user_id=user_id)
            _refresh_first_enhancement(user_id)
        prompt_rollups.refresh_prompt_days(created_at)
        operations.refresh_operations_day(created_at)


def _refresh_first_enhancement(user_id) -> None:
    # first_enhancement_date is "all time": a user's first enhanced job changes every row of that user.
    first = Job.objects.filter(_ENHANCED, user_id=user_id).aggregate(first=Min("created_at"))["first"]
    UserEnhancementAdoption.objects.filter(user_id=user_id).exclude(first_enhancement_date=first).update(
        first_enhancement_date=first
    )
