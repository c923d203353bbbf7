"""The operations rollups (``job_ops_daily``, ``job_time_histogram_daily``, ``failure_reason_daily``,
``job_stats_hourly``, ``job_stats_5min``, ``user_cost_daily``, ``prompt_cost_daily``, ``prompt_version_stats``),
rebuilt exactly from the jobs of a range of UTC days.

One pass over the range's jobs (the ``created_at`` index, in chunks) fills the day- and hour-keyed tables
(``prompt_cost_daily``: one grouped query over the range's ``prompt_usage`` rows); the range's old rows
are replaced in the same transaction, with ids stable across rebuilds
(``rollup_id``). The stage times (docs/metrics.md, "Stage times"):

* ``queue_wait``: ``started_at − queued_at`` (``created_at`` when never queued) of jobs a worker took;
* ``enhancement``: ``enhancement_time_ms`` of jobs that have one;
* ``inference``: ``inference_time_ms`` of completed jobs;
* ``total``: ``completed_at − created_at`` of completed jobs.

``prompt_version_stats`` is per prompt version across all time: one grouped query over the covering index
``jobs_version_rating_idx`` for one version (the incremental path) or for all of them.
"""

from collections import defaultdict
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import Count, F, Q, Sum
from django.db.models.functions import Coalesce, TruncDate

from analytics.models import (
    FailureReasonDaily,
    JobOpsDaily,
    JobStatsFiveMinutes,
    JobStatsHourly,
    JobTimeHistogramDaily,
    PromptCostDaily,
    PromptVersionStats,
    UserCostDaily,
)
from analytics.rollups.buckets import rollup_id
from analytics.rollups.histograms import histogram
from generations.models import Job, PromptUsage
from ourvidz_admin.choices import JobStatus, RatingLabel

STAGES = ("queue_wait", "enhancement", "inference", "total")
GOOD_STARS = 4  # a "good output" (docs/metrics.md, "Costs")
_FIELDS = ("created_at", "model_type", "job_type", "enhancement_strategy", "metadata__user_tier", "content_mode",
           "status", "quality_rating", "failure_reason", "enhancement_time_ms", "inference_time_ms", "queued_at",
           "started_at", "completed_at", "quality_improvement", "enhancement_cost", "generation_cost", "user_id")
_OPS_COUNTS = ("total_jobs", "completed_jobs", "failed_jobs", "cancelled_jobs", "rated_jobs",
               "stars_1", "stars_2", "stars_3", "stars_4", "stars_5", "rating_sum")
_HOURLY_COUNTS = ("total_jobs", "completed_jobs", "failed_jobs", "rated_jobs", "rating_sum",
                  "enhancement_time_sum_ms", "enhancement_time_count", "improvement_count")


def _ms(start: datetime | None, end: datetime | None) -> int | None:
    return None if start is None or end is None else max(0, round((end - start).total_seconds() * 1000))


class _Pass:
    """Sums, counts and stage durations per key, gathered over one pass of the jobs."""

    def __init__(self):
        self.ops = defaultdict(lambda: dict.fromkeys(_OPS_COUNTS, 0) | {"enhancement_cost": Decimal(0),
                                                                        "generation_cost": Decimal(0)})
        self.times = defaultdict(list)
        self.failures = defaultdict(int)
        self.hourly = defaultdict(lambda: dict.fromkeys(_HOURLY_COUNTS, 0) | {"improvement_sum": Decimal(0)})
        self.fives = defaultdict(lambda: dict.fromkeys(_HOURLY_COUNTS, 0) | {"improvement_sum": Decimal(0)})
        self.users = defaultdict(lambda: {"jobs": 0, "good_outputs": 0, "enhancement_cost": Decimal(0),
                                          "generation_cost": Decimal(0)})

    def add(self, row: tuple) -> None:
        (created, model, job_type, strategy, tier, mode, status, stars, reason, enhancement_ms, inference_ms,
         queued, started, completed, improvement, enhancement_cost, generation_cost, user_id) = row
        created = created.astimezone(UTC)
        day = created.date()
        ops = self.ops[(day, model, job_type, strategy, tier or "", mode)]
        hour = created.replace(minute=0, second=0, microsecond=0)
        buckets = (self.hourly[(hour, model, strategy)],
                   self.fives[(hour.replace(minute=created.minute - created.minute % 5), model, strategy)])
        ops["total_jobs"] += 1
        outcome = {JobStatus.COMPLETED: "completed_jobs", JobStatus.FAILED: "failed_jobs",
                   JobStatus.CANCELLED: "cancelled_jobs"}.get(status)
        if outcome:
            ops[outcome] += 1
        if stars is not None:
            ops["rated_jobs"] += 1
            ops["rating_sum"] += stars
            ops[f"stars_{stars}"] += 1
        for bucket in buckets:
            bucket["total_jobs"] += 1
            if outcome in ("completed_jobs", "failed_jobs"):
                bucket[outcome] += 1
            if stars is not None:
                bucket["rated_jobs"] += 1
                bucket["rating_sum"] += stars
            if enhancement_ms is not None:
                bucket["enhancement_time_sum_ms"] += enhancement_ms
                bucket["enhancement_time_count"] += 1
            if improvement is not None:
                bucket["improvement_sum"] += improvement
                bucket["improvement_count"] += 1
        user = self.users[(day, user_id)]
        user["jobs"] += 1
        user["good_outputs"] += stars is not None and stars >= GOOD_STARS
        for counts in (ops, user):
            counts["enhancement_cost"] += enhancement_cost or 0
            counts["generation_cost"] += generation_cost or 0
        if status == JobStatus.FAILED:
            self.failures[(day, model, job_type, reason or "")] += 1
        key = (day, model, strategy)
        for stage, value in (("queue_wait", _ms(queued or created, started)), ("enhancement", enhancement_ms),
                             ("inference", inference_ms if status == JobStatus.COMPLETED else None),
                             ("total", _ms(created, completed) if status == JobStatus.COMPLETED else None)):
            if value is not None:
                self.times[(*key, stage)].append(value)


def _start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def _replace(model, stale, rows: list) -> int:
    stale.delete()
    model.objects.bulk_create(rows, batch_size=2_000)
    return len(rows)


def rebuild_operations(since: date | None = None, until: date | None = None) -> dict[str, int]:
    """Rebuild the day-, hour- and 5-minute-keyed operations rollups over ``[since, until)`` (None: open-ended)."""
    jobs, days, hours, fives = Job.objects.all(), Q(), Q(), Q()
    if since is not None:
        jobs, days = jobs.filter(created_at__gte=_start(since)), days & Q(date__gte=since)
        hours, fives = hours & Q(hour__gte=_start(since)), fives & Q(bucket__gte=_start(since))
    if until is not None:
        jobs, days = jobs.filter(created_at__lt=_start(until)), days & Q(date__lt=until)
        hours, fives = hours & Q(hour__lt=_start(until)), fives & Q(bucket__lt=_start(until))
    gathered = _Pass()
    for row in jobs.order_by().values_list(*_FIELDS).iterator(chunk_size=5_000):
        gathered.add(row)
    ops = [JobOpsDaily(id=rollup_id("job_ops_daily", *key), date=key[0], model_type=key[1], job_type=key[2],
                       enhancement_strategy=key[3], tier=key[4], content_mode=key[5], **counts)
           for key, counts in gathered.ops.items()]
    times = [JobTimeHistogramDaily(id=rollup_id("job_time_histogram_daily", *key), date=key[0], model_type=key[1],
                                   enhancement_strategy=key[2], stage=key[3], count=len(values), sum_ms=sum(values),
                                   bins=histogram(values))
             for key, values in gathered.times.items()]
    failures = [FailureReasonDaily(id=rollup_id("failure_reason_daily", *key), date=key[0], model_type=key[1],
                                   job_type=key[2], failure_reason=key[3], failures=count)
                for key, count in gathered.failures.items()]
    hourly = [JobStatsHourly(id=rollup_id("job_stats_hourly", *key), hour=key[0], model_type=key[1],
                             enhancement_strategy=key[2], **counts)
              for key, counts in gathered.hourly.items()]
    five_rows = [JobStatsFiveMinutes(id=rollup_id("job_stats_5min", *key), bucket=key[0], model_type=key[1],
                                     enhancement_strategy=key[2], **counts)
                 for key, counts in gathered.fives.items()]
    users = [UserCostDaily(id=rollup_id("user_cost_daily", *key), date=key[0], user_id=key[1], **figures)
             for key, figures in gathered.users.items()]
    prompts = _prompt_costs(jobs, rollup_id)
    with transaction.atomic():
        return {
            "user_cost_daily": _replace(UserCostDaily, UserCostDaily.objects.filter(days), users),
            "prompt_cost_daily": _replace(PromptCostDaily, PromptCostDaily.objects.filter(days), prompts),
            "job_ops_daily": _replace(JobOpsDaily, JobOpsDaily.objects.filter(days), ops),
            "job_time_histogram_daily": _replace(JobTimeHistogramDaily, JobTimeHistogramDaily.objects.filter(days),
                                                 times),
            "failure_reason_daily": _replace(FailureReasonDaily, FailureReasonDaily.objects.filter(days), failures),
            "job_stats_hourly": _replace(JobStatsHourly, JobStatsHourly.objects.filter(hours), hourly),
            "job_stats_5min": _replace(JobStatsFiveMinutes, JobStatsFiveMinutes.objects.filter(fives), five_rows),
        }


def _prompt_costs(jobs, rollup_id) -> list[PromptCostDaily]:
    """Per creation day and library prompt: the stage costs of ``prompt_usage`` attributed as in
    ``analytics.costs.costs_by_prompt`` (the prompt the stage ran, else the job's prompt version's prompt)."""
    groups = (PromptUsage.objects.filter(job__in=jobs.values("pk"))
              .annotate(day=TruncDate("job__created_at", tzinfo=UTC),
                        attributed=Coalesce("prompt", "job__prompt_version__prompt"))
              .values("day", "attributed")
              .annotate(jobs=Count("job", distinct=True), enhancement=Sum("cost", filter=Q(stage="enhance")),
                        generation=Sum("cost", filter=~Q(stage="enhance"))).order_by())
    return [PromptCostDaily(id=rollup_id("prompt_cost_daily", g["day"], g["attributed"]), date=g["day"],
                            prompt_id=g["attributed"], jobs=g["jobs"], enhancement_cost=g["enhancement"] or 0,
                            generation_cost=g["generation"] or 0) for g in groups]


def refresh_operations_day(created_at: datetime) -> dict[str, int]:
    """The incremental path: rebuild the operations rows of the UTC day of ``created_at``."""
    day = created_at.astimezone(UTC).date()
    return rebuild_operations(day, day + timedelta(days=1))


def _version_figures(jobs):
    return jobs.values("prompt_version").annotate(
        generation_count=Count("prompt_version"), score_sum=Sum(F("quality_rating") - 1),
        rated=Count("quality_rating"),
        excellent_count=Count("prompt_version", filter=Q(quality_rating=RatingLabel.EXCELLENT)),
        poor_count=Count("prompt_version", filter=Q(quality_rating__in=(RatingLabel.FAILED, RatingLabel.POOR))),
    ).order_by()


def _stats(row: dict) -> PromptVersionStats:
    return PromptVersionStats(prompt_version_id=row["prompt_version"], generation_count=row["generation_count"],
                              rated=row["rated"], score_sum=row["score_sum"] or 0,
                              excellent_count=row["excellent_count"], poor_count=row["poor_count"])


@transaction.atomic
def prompt_version_stats_refresh(version_id) -> None:
    """Recompute one prompt version's figures from its jobs (none left: its row is removed)."""
    found = list(_version_figures(Job.objects.filter(prompt_version_id=version_id)))
    PromptVersionStats.objects.filter(prompt_version_id=version_id).delete()
    if found:
        _stats(found[0]).save(force_insert=True)


@transaction.atomic
def rebuild_prompt_version_stats(since: datetime | None = None) -> int:
    """Recompute every prompt version's figures in one grouped query; returns the rows written.

    With ``since``, only the versions with a job created since then (the scheduler's catch-up: a version's
    older jobs are followed by the incremental refresh), each over all its jobs.
    """
    if since is None:
        rows = [_stats(row) for row in _version_figures(Job.objects.filter(prompt_version__isnull=False))]
        return _replace(PromptVersionStats, PromptVersionStats.objects.all(), rows)
    versions = list(Job.objects.filter(created_at__gte=since, prompt_version__isnull=False)
                    .values_list("prompt_version", flat=True).distinct().order_by())
    for version_id in versions:
        prompt_version_stats_refresh(version_id)
    return len(versions)
