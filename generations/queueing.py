"""The bridge between job rows and RQ: which queue runs a job's next stage, cancellation flags.

A job runs in up to two stages: ``enhance`` (Qwen, on the ``enhance`` queue)
for the qwen and hybrid strategies, then ``generate`` (on the ``sdxl`` or
``wan`` queue). Each stage is a thin RQ job that takes only the job id, and
is enqueued after the transaction that made it due commits.
"""

from django.db import transaction

from ourvidz_admin import queues
from ourvidz_admin.choices import EnhancementStrategy, JobStatus
from ourvidz_admin.queues import QueueUnavailable

ENHANCE = "enhance"
GENERATE = "generate"
CANCEL_KEY = "ourvidz:cancel:{job_id}"
CANCEL_TTL_S = 24 * 3600
# The RQ entry point of a stage, by dotted path: it lives with the executor in ``gpu``, above this app.
RUN_STAGE_JOB = "gpu.jobs.run_job"
# An RQ job in one of these will still run: the dispatcher leaves its job row alone.
LIVE_RQ_STATUSES = {"queued", "started", "deferred", "scheduled"}


def connection():
    """The Redis connection of the job queues."""
    return queues.connection()


def next_stage(job) -> str:
    """``enhance`` while a qwen/hybrid job has no enhanced prompt yet, else ``generate``."""
    wants_qwen = job.enhancement_strategy in (EnhancementStrategy.QWEN, EnhancementStrategy.HYBRID)
    return ENHANCE if wants_qwen and not job.enhanced_prompt else GENERATE


def queue_for(job, stage: str) -> str:
    return ENHANCE if stage == ENHANCE else job.model_type.lower()


DEFAULT_TIMEOUT_S = 600


def stage_timeout_s(job, stage: str) -> int:
    """The RQ timeout of ``stage``: the ``job_timeout_s`` of the model backend that runs it."""
    from configs.selectors import model_backend_get

    backend = model_backend_get("qwen" if stage == ENHANCE else job.model_type.lower())
    return backend.job_timeout_s if backend else DEFAULT_TIMEOUT_S


def rq_job_id(job, stage: str) -> str:
    """One RQ id per job, attempt and stage, so a retry is a new RQ job and a redelivery is not."""
    return f"{job.pk}_{job.attempts}_{stage}"


def enqueue_next_stage(job) -> str:
    """Schedule the job's next stage for after the current transaction commits; return the stage.

    The job row (``queued``) is the durable record: if Redis is down when the
    transaction commits, the row stays queued and ``QueueUnavailable`` is
    raised to the caller after the commit; ``jobs_dispatch_pending`` (run by
    every worker's reaper and the scheduler) enqueues it once Redis is back.
    """
    stage = next_stage(job)
    transaction.on_commit(lambda: _enqueue(job, stage))
    return stage


def _enqueue(job, stage: str) -> None:
    from redis.exceptions import RedisError

    try:
        queues.queue(queue_for(job, stage)).enqueue(
            RUN_STAGE_JOB, str(job.pk), stage, job_id=rq_job_id(job, stage),
            job_timeout=stage_timeout_s(job, stage), result_ttl=3600, failure_ttl=7 * 24 * 3600,
        )
    except RedisError:
        raise QueueUnavailable(job_ids=[job.pk]) from None


def jobs_dispatch_pending(*, older_than_s: int = 30, limit: int = 500) -> int:
    """Enqueue queued jobs whose next stage is on no RQ queue (Redis was down, or restarted empty).

    The transactional outbox's dispatcher: a ``queued`` row is the durable
    "to enqueue" record. Idempotent: a stage whose RQ job (``rq_job_id``) is
    waiting or running is left alone, and a stage delivered twice is dropped
    by ``lifecycle.job_start``. Rows changed in the last ``older_than_s``
    seconds are skipped: their own enqueue is on its way. Returns how many
    stages were enqueued; raises ``QueueUnavailable`` while Redis is down.
    """
    from datetime import timedelta

    from django.utils import timezone
    from redis.exceptions import RedisError
    from rq.exceptions import NoSuchJobError
    from rq.job import Job as RQJob

    from generations.models import Job

    cutoff = timezone.now() - timedelta(seconds=older_than_s)
    pending = (Job.objects.filter(status=JobStatus.QUEUED, updated_at__lt=cutoff)
               .only("pk", "attempts", "enhancement_strategy", "enhanced_prompt", "model_type")
               .order_by("updated_at")[:limit])
    dispatched = 0
    for job in pending:
        stage = next_stage(job)
        try:
            if RQJob.fetch(rq_job_id(job, stage), connection=queues.connection()).get_status() in LIVE_RQ_STATUSES:
                continue
        except NoSuchJobError:
            pass
        except RedisError:
            raise QueueUnavailable() from None
        _enqueue(job, stage)
        dispatched += 1
    # Cancellations asked for while Redis was down: the flag is idempotent, so send it again.
    for job in Job.objects.filter(status=JobStatus.PROCESSING, cancel_requested_at__isnull=False).only("pk")[:limit]:
        request_cancel(job)
    return dispatched


def dequeue(job) -> None:
    """Remove a cancelled job's pending RQ jobs from their queues.

    Best effort: with Redis down the entry stays, and a worker that picks it
    up later drops it (the job is no longer queued).
    """
    from redis.exceptions import RedisError
    from rq.exceptions import NoSuchJobError
    from rq.job import Job as RQJob

    for stage in (ENHANCE, GENERATE):
        try:
            RQJob.fetch(rq_job_id(job, stage), connection=queues.connection()).cancel()
        except NoSuchJobError:
            continue
        except RedisError:
            return


def request_cancel(job) -> None:
    """Flag a running job; its worker checks the flag between diffusion steps."""
    from redis.exceptions import RedisError

    try:
        queues.connection().set(CANCEL_KEY.format(job_id=job.pk), "1", ex=CANCEL_TTL_S)
    except RedisError:
        raise QueueUnavailable(QueueUnavailable.CANCEL_MESSAGE) from None


def cancel_requested(job_id) -> bool:
    """Whether a stop was asked for; False while Redis is unreachable (the dispatcher re-sends the flag)."""
    from redis.exceptions import RedisError

    try:
        return bool(queues.connection().exists(CANCEL_KEY.format(job_id=job_id)))
    except RedisError:
        return False


def clear_cancel(job_id) -> None:
    """Drop a finished job's stop flag; with Redis down it expires on its own (``CANCEL_TTL_S``)."""
    from redis.exceptions import RedisError

    try:
        queues.connection().delete(CANCEL_KEY.format(job_id=job_id))
    except RedisError:
        pass
