"""Reads of A/B tests: the filtered list, and the blind view of a test's pairs.

The blind view is what raters get, in the admin and through the API: per pair
the original prompt and its outputs labelled A, B (C, … with more arms) in the
pair's blind order (``pair_arm_order``). It carries no arm, strategy, configuration, enhanced prompt, job id or
file name; media is served by label (``analytics.abtests.media``).
"""

from dataclasses import dataclass
from uuid import UUID

from django.db.models import Prefetch, Q, Subquery
from django.db.models.functions import Coalesce

from analytics.abtests.filters import ABTestFilterSet
from analytics.models import ABTestArmJob, ABTestPair, PromptABTest
from generations.models import GenerationImageOutput, Job, JobRating
from ourvidz_admin.choices import ACTIVE_STATUSES, JobStatus

LABELS = ("A", "B", "C", "D", "E", "F")  # one per arm, at most MAX_ARMS
NOT_STARTED = "not_started"


@dataclass(frozen=True)
class BlindSide:
    """One output of a pair as a rater sees it."""

    label: str
    state: str  # the job's status, or "not_started"
    rating: int | None
    output: GenerationImageOutput | None

    @property
    def ready(self) -> bool:
        """Completed with an output: the only state that can be rated."""
        return self.state == JobStatus.COMPLETED and self.output is not None

    @property
    def is_video(self) -> bool:
        return bool(self.output and self.output.is_video)


@dataclass(frozen=True)
class BlindPair:
    """A pair as a rater sees it: its prompt and outputs A, B, …"""

    id: UUID
    position: int
    prompt: str
    sides: tuple[BlindSide, ...]

    @property
    def rated(self) -> bool:
        return all(side.rating is not None for side in self.sides)


def ab_test_list(*, filters: dict | None = None):
    """Tests, newest first, without the long columns; ``filters`` as ``ABTestFilterSet`` takes them."""
    queryset = PromptABTest.objects.defer("results", "description").order_by("-created_at", "-id")
    return ABTestFilterSet(filters or {}, queryset=queryset).qs


def _side(label: str, job: Job | None, mine: dict | None) -> BlindSide:
    if job is None:
        return BlindSide(label, NOT_STARTED, None, None)
    stars = job.quality_rating if mine is None else mine.get(job.pk)
    return BlindSide(label, job.status, stars, next(iter(job.outputs.all()), None))


def rater_stars(rater, jobs) -> dict | None:
    """``{job id: stars}`` of ``rater``'s own ratings of ``jobs`` (None without a rater: the jobs' means).

    Raters see their own stars only: another rater's opinion never shows on a blind page.
    """
    if rater is None:
        return None
    ids = [job.pk for job in jobs if job is not None]
    return dict(JobRating.objects.filter(rater=rater, job_id__in=ids, stars__isnull=False)
                .values_list("job_id", "stars"))


def pair_arm_order(pair: ABTestPair) -> list[int]:
    """The arms of ``pair`` (0 baseline, 1 enhanced, 2… variants) in the order raters see them."""
    if pair.arm_order:
        return list(pair.arm_order)
    return [1, 0] if pair.enhanced_first else [0, 1]


def pair_arm_jobs(pair: ABTestPair) -> dict[int, Job | None]:
    """``{arm: job}`` of a pair, every arm of its test (variants from the prefetched ``arm_jobs``)."""
    jobs = {0: pair.baseline_job, 1: pair.enhanced_job}
    if pair.arm_order:
        jobs |= {row.arm: row.job for row in pair.arm_jobs.all()}
        jobs |= {arm: None for arm in pair.arm_order if arm not in jobs}
    return jobs


def pair_jobs_by_label(pair: ABTestPair) -> dict[str, Job | None]:
    """The jobs of ``pair`` by blind label (A first), in the pair's blind order."""
    jobs = pair_arm_jobs(pair)
    return {label: jobs[arm] for label, arm in zip(LABELS, pair_arm_order(pair))}


def blind_pair(pair: ABTestPair, rater=None, mine: dict | None = None) -> BlindPair:
    """``pair`` with its jobs as A and B (A is the enhanced job when ``enhanced_first``); with ``rater``,
    each side's stars are that rater's own (``mine`` when already read)."""
    jobs = pair_jobs_by_label(pair)
    if rater is not None and mine is None:
        mine = rater_stars(rater, jobs.values())
    sides = tuple(_side(label, job, mine) for label, job in jobs.items())
    return BlindPair(pair.pk, pair.position, pair.prompt_text, sides)


def ab_test_pairs(*, ab_test: PromptABTest):
    """The pairs of a test in position order, with only the job columns the blind view needs (3 queries,
    5 with variants)."""
    outputs = GenerationImageOutput.objects.order_by("order_index")
    job_columns = [f"{arm}_job__{name}" for arm in ("baseline", "enhanced") for name in ("id", "status",
                                                                                           "quality_rating")]
    variant_jobs = (ABTestArmJob.objects.select_related("job").only("id", "pair_id", "arm", *(
        f"job__{name}" for name in ("id", "status", "quality_rating"))).prefetch_related(
        Prefetch("job__outputs", queryset=outputs)))
    return (
        ABTestPair.objects.filter(ab_test_id=ab_test.pk).order_by("position")
        .select_related("baseline_job", "enhanced_job")
        .only("id", "ab_test_id", "position", "prompt_text", "enhanced_first", "arm_order", *job_columns)
        .prefetch_related(Prefetch("baseline_job__outputs", queryset=outputs),
                          Prefetch("enhanced_job__outputs", queryset=outputs),
                          Prefetch("arm_jobs", queryset=variant_jobs))
    )


def ab_test_blind_pairs(*, ab_test: PromptABTest, rater=None) -> list[BlindPair]:
    """Every pair of a test as ``rater`` sees it (their own stars only; one more query)."""
    pairs = list(ab_test_pairs(ab_test=ab_test))
    mine = rater_stars(rater, [job for pair in pairs for job in pair_arm_jobs(pair).values()])
    return [blind_pair(pair, rater, mine) for pair in pairs]


def ab_test_pair_get(*, ab_test: PromptABTest, pair_id) -> ABTestPair | None:
    """One pair of the test with its jobs, or None."""
    return ab_test_pairs(ab_test=ab_test).filter(pk=pair_id).first()


def ab_test_blind_side(*, ab_test: PromptABTest, pair_id, label: str) -> BlindSide | None:
    """Output ``label`` of one pair of the test as raters see it, or None (no such label or pair)."""
    if label not in LABELS:
        return None
    pair = ab_test_pair_get(ab_test=ab_test, pair_id=pair_id)
    sides = {} if pair is None else {side.label: side for side in blind_pair(pair).sides}
    return sides.get(label)


def ab_test_distinct_prompts(*, ab_test: PromptABTest) -> int:
    """How many different prompt texts the pairs use (fewer than pairs when prompts were cycled)."""
    return ABTestPair.objects.filter(ab_test_id=ab_test.pk).order_by().values("prompt_text").distinct().count()


def ab_test_unfinished_jobs(*, ab_test: PromptABTest):
    """The queued or processing jobs of a test's pairs (what cancelling the test stops), by id.

    Ordered by id so that two sessions locking them one by one take the locks in the same order.
    """
    pairs = ABTestPair.objects.filter(ab_test_id=ab_test.pk)
    variants = ABTestArmJob.objects.filter(pair__ab_test_id=ab_test.pk)
    return (Job.objects.filter(Q(pk__in=pairs.values("baseline_job_id")) | Q(pk__in=pairs.values("enhanced_job_id"))
                               | Q(pk__in=variants.values("job_id")), status__in=ACTIVE_STATUSES).order_by("pk"))


def ab_test_job_ids(*, ab_test: PromptABTest) -> list:
    """The ids of every started job of a test, all arms (what agreement, queues and correlations read)."""
    pairs = ABTestPair.objects.filter(ab_test_id=ab_test.pk).order_by("position")
    ids = [job for row in pairs.values_list("baseline_job_id", "enhanced_job_id") for job in row]
    ids += ABTestArmJob.objects.filter(pair__ab_test_id=ab_test.pk).order_by("pair__position", "arm").values_list(
        "job_id", flat=True)
    return [job for job in ids if job is not None]


def ab_test_id_for_job(job_id):
    """The id of the test one of whose arms ran job ``job_id``, or None.

    One query, as it runs on every job change: the pair lookup (baseline or enhanced arm), else the variant-arm
    lookup, as two scalar subqueries of one statement. Each job belongs to one pair or one variant arm at most.
    """
    pair = ABTestPair.objects.filter(Q(baseline_job_id=job_id) | Q(enhanced_job_id=job_id)).order_by()
    arm = ABTestArmJob.objects.filter(job_id=job_id).order_by()
    test = Coalesce(Subquery(pair.values("ab_test_id")[:1]), Subquery(arm.values("pair__ab_test_id")[:1]))
    return PromptABTest.objects.filter(pk=test).values_list("pk", flat=True).first()
