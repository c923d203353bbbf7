"""The bridge between job rows and RQ: which queue runs a job's next stage, cancellation flags.

A job runs in up to two stages: ``enhance`` (Qwen, on the ``enhance`` queue)
for the qwen and hybrid strategies, then ``generate`` (on the ``sdxl`` or
``wan`` queue). Each stage is a thin RQ job that takes only the job id, and
is enqueued after the transaction that made it due commits.
"""

from django.db import transaction

from ourvidz_admin.choices import EnhancementStrategy
from ourvidz_admin.queues import connection

ENHANCE = "enhance"
GENERATE = "generate"
CANCEL_KEY = "ourvidz:cancel:{job_id}"
CANCEL_TTL_S = 24 * 3600
# The RQ entry point of a stage, by dotted path: it lives with the executor in ``gpu``, above this app.
RUN_STAGE_JOB = "gpu.jobs.run_job"


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
    """Schedule the job's next stage for after the current transaction commits; return the stage."""
    stage = next_stage(job)
    transaction.on_commit(lambda: _enqueue(job, stage))
    return stage


def _enqueue(job, stage: str) -> None:
    import django_rq

    django_rq.get_queue(queue_for(job, stage)).enqueue(
        RUN_STAGE_JOB, str(job.pk), stage, job_id=rq_job_id(job, stage), job_timeout=stage_timeout_s(job, stage),
        result_ttl=3600, failure_ttl=7 * 24 * 3600,
    )


def dequeue(job) -> None:
    """Remove a cancelled job's pending RQ jobs from their queues."""
    from rq.exceptions import NoSuchJobError
    from rq.job import Job as RQJob

    for stage in (ENHANCE, GENERATE):
        try:
            RQJob.fetch(rq_job_id(job, stage), connection=connection()).cancel()
        except NoSuchJobError:
            continue


def request_cancel(job) -> None:
    """Flag a running job; its worker checks the flag between diffusion steps."""
    connection().set(CANCEL_KEY.format(job_id=job.pk), "1", ex=CANCEL_TTL_S)


def cancel_requested(job_id) -> bool:
    return bool(connection().exists(CANCEL_KEY.format(job_id=job_id)))


def clear_cancel(job_id) -> None:
    connection().delete(CANCEL_KEY.format(job_id=job_id))
