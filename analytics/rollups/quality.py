"""Quality improvement and consistency: the two derived quality figures (docs/metrics.md).

``quality_improvement`` of an enhanced job is its stars minus the mean stars of
its baselines: the rated, unenhanced (strategy ``none``) jobs with the same
model, job type, original prompt and seed. The seed fixes the starting noise,
so the two outputs differ by the enhancement alone. A job with no rated
baseline has no improvement (NULL), never a guess.

``consistency_score`` of a group of rated outputs that share a prompt and a
configuration is ``1 - σ / 2``: σ is the population standard deviation of
their stars, and 2 is the largest σ a 1-5 scale allows (half 1s, half 5s),
so the score runs from 0 (as spread as possible) to 1 (all the same). It needs
at least two ratings.
"""

import math
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.db.models import Case, Count, DecimalField, OuterRef, Q, QuerySet, StdDev, Subquery, Sum, Value, When
from django.db.models.functions import Cast

from analytics.models import EnhancedPromptTest
from analytics.rollups.buckets import CENT, mean
from generations.models import Job, LiveJobTracking
from generations.models.jobs import expansion_percent
from ourvidz_admin.choices import EnhancementStrategy

NONE = EnhancementStrategy.NONE
MAX_SPREAD = 2.0  # population σ of an even split between 1 and 5 stars


def consistency_score(ratings: Iterable[int]) -> Decimal | None:
    """``1 - σ/2`` over ``ratings`` (population σ), rounded half-up to 2 places; None with fewer than two."""
    values = [float(r) for r in ratings]
    if len(values) < 2:
        return None
    mean = sum(values) / len(values)
    sigma = math.sqrt(sum((v - mean) ** 2 for v in values) / len(values))
    return Decimal(repr(1 - sigma / MAX_SPREAD)).quantize(CENT, ROUND_HALF_UP)


def _twins(job: Job) -> QuerySet:
    """Rated jobs on the same model, job type, prompt and seed as ``job`` (``jobs_seed_idx`` finds them)."""
    return Job.objects.filter(
        seed=job.seed, model_type=job.model_type, job_type=job.job_type, original_prompt=job.original_prompt,
        quality_rating__isnull=False,
    )


def baseline_quality(job: Job) -> Decimal | None:
    """Mean stars of the baselines of ``job``'s twins (``job`` itself among them if it is one), 2 places."""
    if job.seed is None:
        return None
    row = _twins(job).filter(enhancement_strategy=NONE).aggregate(total=Sum("quality_rating"), n=Count("pk"))
    return mean(row["total"], row["n"])


def _improvement(job: Job, baseline: Decimal | None) -> Decimal | None:
    if job.enhancement_strategy == NONE or job.quality_rating is None or baseline is None:
        return None
    return Decimal(job.quality_rating) - baseline


def quality_improvement(job: Job) -> tuple[Decimal | None, Decimal | None]:
    """``(baseline, improvement)`` of ``job``: improvement = stars - baseline for a rated enhanced job."""
    baseline = baseline_quality(job)
    improvement = _improvement(job, baseline)
    return (None, None) if improvement is None else (baseline, improvement)


def quality_refresh(job: Job) -> list[Job]:
    """Recompute the improvement of ``job`` and, for a baseline, of its enhanced twins.

    Writes ``jobs.quality_improvement``, the live tracking row's baseline,
    final quality and improvement, and the job's ``enhanced_prompt_tests``
    row (one per rated enhanced job with a baseline); the consistency of the
    rated outputs of the job's prompt and configuration goes to every test row
    of that group. Twins share one baseline, read once. Returns the jobs whose
    improvement changed, so the caller can refresh their rollup buckets.
    """
    affected = [job]
    if job.seed is not None and job.enhancement_strategy == NONE:
        # A baseline's stars (set or cleared) move the improvement of every rated enhanced twin.
        affected += list(_twins(job).exclude(enhancement_strategy=NONE).select_related("compel_config"))
    shared = baseline_quality(job)
    changed, groups = [], set()
    for target in affected:
        improvement = _improvement(target, shared)
        baseline = shared if improvement is not None else None
        LiveJobTracking.objects.filter(job=target).update(
            baseline_quality=baseline, final_quality=target.quality_rating, quality_improvement=improvement
        )
        if target.enhancement_strategy != NONE:
            _record_test(target, baseline, improvement)
            groups.add(_group_key(target))
        if improvement != target.quality_improvement:
            Job.objects.filter(pk=target.pk).update(quality_improvement=improvement)
            target.quality_improvement = improvement
            changed.append(target)
    for key in groups:
        _refresh_group_consistency(key)
    return changed


def _group_key(job: Job) -> tuple:
    return (job.original_prompt, job.model_type, job.enhancement_strategy, job.compel_config_id)


def _refresh_group_consistency(key: tuple) -> None:
    """Set the consistency of one prompt-and-configuration group on every enhancement test row of the group."""
    prompt, model, strategy, compel_config = key
    group = Job.objects.filter(original_prompt=prompt, model_type=model, enhancement_strategy=strategy,
                               compel_config=compel_config, quality_rating__isnull=False)
    score = consistency_score(group.values_list("quality_rating", flat=True))
    EnhancedPromptTest.objects.filter(job__in=group.values("pk")).exclude(consistency_score=score).update(
        consistency_score=score
    )


def _record_test(job: Job, baseline: Decimal | None, improvement: Decimal | None) -> None:
    """Keep ``job``'s enhancement experiment row in step: present while it has a baseline, gone otherwise.

    Its ``consistency_score`` is set for the whole group by ``_refresh_group_consistency``.
    """
    if improvement is None:
        EnhancedPromptTest.objects.filter(job=job).delete()
        return
    enhanced = job.enhanced_prompt or job.final_prompt or job.original_prompt
    original = job.original_prompt
    EnhancedPromptTest.objects.update_or_create(job=job, defaults=dict(
        original_prompt=original, enhanced_prompt=enhanced, enhancement_strategy=job.enhancement_strategy,
        model_type=job.model_type, job_type=job.job_type, original_length=len(original),
        enhanced_length=len(enhanced), expansion_percentage=expansion_percent(original, enhanced) or 0,
        enhancement_time_ms=job.enhancement_time_ms, compel_weights=job.compel_weights,
        weight_config_hash=job.compel_config.config_hash if job.compel_config else "",
        baseline_quality=baseline, enhanced_quality=Decimal(job.quality_rating), quality_improvement=improvement,
        generation_time_ms=job.inference_time_ms, success=True, test_series=job.test_series, notes=job.notes,
        tested_by_id=job.rated_by_id,
    ))


def prompt_consistency(jobs: QuerySet) -> Decimal | None:
    """Mean over prompts (with at least two rated jobs in ``jobs``) of ``1 - σ/2``, rounded half-up to 2 places.

    One grouped query: σ is ``StdDev(population)`` of the stars per original prompt and model.
    """
    groups = (jobs.filter(quality_rating__isnull=False).values("original_prompt", "model_type")
              .annotate(n=Count("pk"), sigma=StdDev("quality_rating")).filter(n__gte=2)
              .order_by().values_list("sigma", flat=True))
    scores = [1 - float(sigma) / MAX_SPREAD for sigma in groups]
    if not scores:
        return None
    return Decimal(repr(sum(scores) / len(scores))).quantize(CENT, ROUND_HALF_UP)


def _baseline_subquery(aggregate) -> Subquery:
    rated_baselines = Job.objects.filter(
        seed=OuterRef("seed"), model_type=OuterRef("model_type"), job_type=OuterRef("job_type"),
        original_prompt=OuterRef("original_prompt"), enhancement_strategy=NONE, quality_rating__isnull=False,
    ).order_by().values("seed")
    return Subquery(rated_baselines.annotate(v=aggregate).values("v"))


def quality_rebuild(progress=None) -> int:
    """Set ``quality_improvement`` of every job from the definition; returns the jobs changed.

    The exact rebuild behind ``rollup_metrics``: a rated enhanced job gets its
    stars minus the mean stars of its rated baselines (half-up to 2 places),
    every other job NULL. Sums and counts come from the database, the
    division and rounding from ``Decimal``, as in the incremental path.
    """
    candidates = Job.objects.filter(
        Q(quality_rating__isnull=False, seed__isnull=False) & ~Q(enhancement_strategy=NONE)
        | Q(quality_improvement__isnull=False)
    ).annotate(base_sum=_baseline_subquery(Sum("quality_rating")), base_n=_baseline_subquery(Count("pk")))
    rows = candidates.values_list("pk", "enhancement_strategy", "quality_rating", "quality_improvement",
                                  "base_sum", "base_n")
    batch, changed = {}, 0
    for pk, strategy, stars, current, base_sum, base_n in rows.iterator(chunk_size=2000):
        baseline = expected = None
        if strategy != NONE and stars is not None and base_n:
            baseline = mean(base_sum, base_n)
            expected = Decimal(stars) - baseline
        if expected != current:
            batch[pk] = (baseline, expected)
        if len(batch) >= 1000:
            changed += _write_improvements(batch)
        if progress is not None:
            progress.update(1)
    return changed + _write_improvements(batch)


def _write_improvements(batch: dict) -> int:
    """Write ``{job id: (baseline, improvement)}`` to jobs and live tracking in two statements, then clear it."""
    if not batch:
        return 0
    field = DecimalField(max_digits=3, decimal_places=2)

    def case(key: str, index: int) -> Case:
        return Case(*(When(**{key: pk}, then=Cast(Value(values[index]), field))
                      for pk, values in batch.items()), output_field=field)

    with transaction.atomic():
        count = Job.objects.filter(pk__in=list(batch)).update(quality_improvement=case("pk", 1))
        LiveJobTracking.objects.filter(job_id__in=list(batch)).update(
            baseline_quality=case("job_id", 0), quality_improvement=case("job_id", 1)
        )
    batch.clear()
    return count
