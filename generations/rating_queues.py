"""Rating queues: hand the items of a test series (or any set of jobs) to raters, a share of them to two.

``rating_queue_create`` assigns every completed job of the source, in a shuffled order (a fixed seed per
queue), to the least loaded rater, and ``overlap`` × items of them to the least loaded other rater too,
so that agreement (``analytics.agreement``) has shared items and nobody gets much more than the others.
``rating_queue_jobs_for`` is what a rater has left to rate (others' ratings do not count);
``rating_queue_progress`` counts per rater.
"""

import random
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q

from generations.models import Job, JobRating, RatingAssignment, RatingQueue
from ourvidz_admin.choices import JobStatus


def _overlap(value) -> Decimal:
    try:
        share = Decimal(str(value))
    except (InvalidOperation, ValueError):
        share = None
    if share is None or not share.is_finite() or not Decimal(0) <= share <= Decimal(1):
        raise ValidationError({"overlap": "A share from 0 to 1 (0.2: one item in five is rated by two raters)."})
    return share.quantize(Decimal("0.01"))


def rating_queue_check(*, name: str, raters: list, test_series: str = "", jobs=None, overlap=0):
    """``(items, share, raters)`` of a queue these values would make; a ValidationError naming each bad one."""
    errors = {}
    name = (name or "").strip()
    if not name:
        errors["name"] = ["This field cannot be blank."]
    elif RatingQueue.objects.filter(name=name).exists():
        errors["name"] = [f"A rating queue named {name!r} exists."]
    if bool((test_series or "").strip()) == (jobs is not None):
        errors["test_series"] = ["Give a test series or the jobs to rate, one of them."]
    raters = list(dict.fromkeys(raters))
    if not raters:
        errors["raters"] = ["Assign at least one rater."]
    try:
        share = _overlap(overlap)
    except ValidationError as exc:
        errors.update(exc.message_dict)
        share = Decimal(0)
    if share and len(raters) < 2:
        errors.setdefault("overlap", []).append("Overlap needs two raters or more.")
    completed = Job.objects.filter(status=JobStatus.COMPLETED).order_by("created_at", "id")
    if jobs is not None:
        completed = completed.filter(pk__in=list(jobs))
    elif test_series:
        completed = completed.filter(test_series=test_series.strip())
    items = list(completed.values_list("pk", flat=True))
    if not items and "test_series" not in errors:
        errors["test_series"] = ["No completed job to rate in this source yet."]
    if errors:
        raise ValidationError(errors)
    return items, share, raters


@transaction.atomic
def rating_queue_create(*, name: str, raters: list, test_series: str = "", jobs=None, source: str = "",
                        overlap=0, created_by=None) -> RatingQueue:
    """Make a queue and its assignments; nothing is written when a value is refused.

    ``test_series`` takes its completed jobs; ``jobs`` (ids) any others, described by ``source``.
    """
    items, share, raters = rating_queue_check(name=name, raters=raters, test_series=test_series,
                                              jobs=jobs, overlap=overlap)
    name = name.strip()
    series = (test_series or "").strip()
    queue = RatingQueue.objects.create(name=name, test_series=series, source=source or f"series {series}",
                                       overlap=share, created_by=created_by)
    rng = random.Random(queue.pk.int)
    order = items[:]
    rng.shuffle(order)
    doubled = set(rng.sample(order, round(share * len(order))))
    rows, load = [], [0] * len(raters)
    for job_id in order:
        # The least loaded rater first (ties in turn), and for a shared item the least loaded other one.
        chosen = [min(range(len(raters)), key=lambda index: (load[index], index))]
        if job_id in doubled:
            chosen.append(min((index for index in range(len(raters)) if index != chosen[0]),
                              key=lambda index: (load[index], index)))
        for index in chosen:
            load[index] += 1
            rows.append(RatingAssignment(queue=queue, job_id=job_id, rater=raters[index]))
    RatingAssignment.objects.bulk_create(rows, batch_size=2_000)
    return queue


def _rated_by_me():
    return Exists(JobRating.objects.filter(job_id=OuterRef("job_id"), rater_id=OuterRef("rater_id"),
                                           stars__isnull=False))


def rating_queue_jobs_for(*, queue: RatingQueue, rater):
    """The jobs of ``queue`` assigned to ``rater`` that they have not rated, oldest first."""
    mine = RatingAssignment.objects.filter(queue=queue, rater=rater).annotate(done=_rated_by_me()).filter(
        done=False)
    return Job.objects.filter(pk__in=mine.values("job_id")).order_by("created_at", "id")


def rating_queue_progress(*, queue: RatingQueue) -> list[dict]:
    """Per rater: items assigned, rated, left; and the items shared by two raters."""
    rows = (RatingAssignment.objects.filter(queue=queue).annotate(done=_rated_by_me())
            .values("rater__username").annotate(assigned=Count("pk"), rated=Count("pk", filter=Q(done=True)))
            .order_by("rater__username"))
    return [{"rater": row["rater__username"], "assigned": row["assigned"], "rated": row["rated"],
             "left": row["assigned"] - row["rated"]} for row in rows]
