"""The demo seeder: reference rows, then jobs in batches, then rollups and usage figures."""

import logging
from collections.abc import Callable
from decimal import Decimal

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.utils import timezone
from redis.exceptions import RedisError
from tqdm import tqdm

from analytics.alerts.services import alerts_evaluate
from analytics.rollups.aggregates import rebuild_aggregates
from analytics.rollups.buckets import rebuild_all
from demo import configs, dynamic, experiments, library, workbench
from demo.context import DemoContext, load_context
from demo.details import build_details, insert_details
from demo.jobs import build_job
from demo.keys import DETAIL_JOBS, demo_uuid, job_uuid
from demo.media import ensure_media
from demo.users import seed_users
from generations import queueing
from generations.models import Job, JobRating, RatingQueue
from generations.rating_queues import rating_queue_create
from ourvidz_admin.choices import JobStatus
from ourvidz_admin.db import insert_rows

logger = logging.getLogger(__name__)
APP_LABELS = ("prompts", "generations", "analytics", "configs")
BATCH_SIZE = 5_000


def seed_reference_rows() -> tuple[dict, dict[str, int]]:
    """Users, prompt library, dynamic prompting, configurations and experiments, in one transaction.

    Returns ``({username: user}, {what: rows inserted})``.
    """
    with transaction.atomic():
        users = seed_users()
        staff = list(users.values())
        inserted = {**library.seed_library(staff), **dynamic.seed_dynamic(staff), **configs.seed_configs(staff),
                    **experiments.seed_experiments()}
    return users, inserted


def _existing_ids(ids: list) -> set:
    """Which of ``ids`` are already jobs, asked in chunks the database accepts (SQLite: 999 parameters)."""
    chunk = connection.features.max_query_params or len(ids) or 1
    found = set()
    for start in range(0, len(ids), chunk):
        found.update(Job.objects.filter(pk__in=ids[start:start + chunk]).values_list("pk", flat=True))
    return found


def insert_job_batch(indexes: range, seed: int, ctx: DemoContext, media) -> int:
    """Insert the jobs of ``indexes`` that do not exist yet, with their detail rows; return how many.

    One transaction per batch, so an interrupted run leaves only whole batches.
    """
    ids = {index: job_uuid(index) for index in indexes}
    existing = _existing_ids(list(ids.values()))
    todo = [index for index, pk in ids.items() if pk not in existing]
    if not todo:
        return 0
    now = timezone.now()
    jobs = [build_job(index, seed, ctx, now) for index in todo]
    pairs = [(index, job) for index, job in zip(todo, jobs) if index < DETAIL_JOBS]
    details = build_details(pairs, seed, ctx, media) if pairs else None
    ratings = _rater_ratings(todo, jobs)
    with transaction.atomic():
        insert_rows(Job, jobs)
        JobRating.objects.bulk_create(ratings, batch_size=2_000)
        if details:
            insert_details(details)
    _enqueue_queued(jobs)
    return len(jobs)


def _rater_ratings(indexes: list[int], jobs: list[Job]) -> list[JobRating]:
    """Each rated demo job's rating as its reviewer's own row; the job's mean and count to match."""
    rows = []
    for index, job in zip(indexes, jobs, strict=True):
        if job.quality_rating is None:
            continue
        job.rating_count, job.rating_mean = 1, Decimal(job.quality_rating)
        rows.append(JobRating(id=demo_uuid("job-rating", index), job_id=job.id, rater_id=job.rated_by_id,
                              stars=job.quality_rating, notes=job.notes, rated_at=job.rated_at))
    return rows


DEMO_QUEUE = "Demo review: lighting-sweep"


def _review_queue(ctx: DemoContext) -> str:
    """One rating queue over the demo's largest series, shared by the first three reviewers, 20% overlap."""
    if RatingQueue.objects.filter(name=DEMO_QUEUE).exists():
        return "Demo rating queue: present."
    raters = list(get_user_model().objects.filter(pk__in=ctx.reviewer_ids).order_by("username")[:3])
    if len(raters) < 2 or not Job.objects.filter(test_series="lighting-sweep", status=JobStatus.COMPLETED).exists():
        return "Demo rating queue: skipped (no reviewers or no completed job in the series)."
    queue = rating_queue_create(name=DEMO_QUEUE, raters=raters, test_series="lighting-sweep", overlap="0.2")
    return f"Demo rating queue: {queue.assignments.count()} assignments for {len(raters)} reviewers."


def _enqueue_queued(jobs: list[Job]) -> None:
    """Put the demo's queued jobs on their RQ queues, so the first worker runs them like real ones.

    Without Redis the rows are still inserted (the reaper and retry handle them later); the failure is logged.
    """
    queued = [job for job in jobs if job.status == JobStatus.QUEUED]
    try:
        for job in queued:
            queueing.enqueue_next_stage(job)
    except RedisError as exc:
        logger.warning("Demo jobs left out of the queues (Redis unavailable: %s).", exc)


def insert_jobs(total: int, seed: int, ctx: DemoContext, media, *, progress: bool = True,
                batch_size: int = BATCH_SIZE) -> int:
    """Insert demo jobs ``0 .. total-1`` that are missing, batch by batch, behind a tqdm bar."""
    inserted = 0
    with tqdm(total=total, unit="job", unit_scale=True, disable=not progress, desc="jobs") as bar:
        for start in range(0, total, batch_size):
            stop = min(total, start + batch_size)
            inserted += insert_job_batch(range(start, stop), seed, ctx, media)
            bar.update(stop - start)
    return inserted


def row_counts() -> dict[str, int]:
    """Rows per model of the four portal apps (``app.Model``), database views included."""
    return {
        model._meta.label: model.objects.count()
        for label in APP_LABELS for model in apps.get_app_config(label).get_models()
    }


def seed_demo(*, jobs: int, seed: int, progress: bool = True, log: Callable[[str], None] = print) -> dict:
    """Fill the database with demo data; safe to rerun (only missing rows are added).

    Returns ``{"inserted_jobs": n, "rollups": {...}, "counts": {model: rows}}``.
    """
    users, inserted = seed_reference_rows()
    log("Reference rows inserted: " + (", ".join(f"{k} {v}" for k, v in inserted.items() if v) or "none (all present)"))
    media = ensure_media()
    ctx = load_context(users)
    new_jobs = insert_jobs(jobs, seed, ctx, media, progress=progress)
    log(f"Jobs inserted: {new_jobs} of {jobs}.")
    with transaction.atomic():
        log("A/B test pairs linked to demo jobs: {ab_pairs}.".format(**experiments.seed_ab_pairs()))
        log("Experiment runs: {runs}; label moves: {label_moves}.".format(
            **workbench.seed_demo_run(experiments.AB_TESTS[0][0]), **workbench.seed_demo_labels()))
    log(_review_queue(ctx))
    if new_jobs and connection.vendor == "postgresql":
        # Fresh statistics after a bulk load: the planner's row estimates drive the admin's page counts.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    rollups = rebuild_all()
    rebuild_aggregates()
    alerts_evaluate()  # the Alerts page shows what the demo data trips (low usage, mostly)
    return {"inserted_jobs": new_jobs, "rollups": rollups, "counts": row_counts()}
