"""Run one stage of a job in this worker: claim it, do the work, record success or a classified failure."""

import logging
from datetime import UTC, datetime

from django.core.exceptions import ValidationError

from generations import lifecycle, queueing
from gpu.db_retry import db_retry
from gpu.errors import ContentFilterError, JobCancelled, MalformedPromptError, ModelLoadError, PromptTooLongError
from gpu.worker import STATE
from ourvidz_admin.choices import FailureReason

logger = logging.getLogger(__name__)


def classify(exc: BaseException) -> str:
    """Map an exception raised while running a job to one of the ten failure reasons."""
    from rq.timeouts import JobTimeoutException

    from gpu.devices import is_out_of_memory

    if isinstance(exc, JobCancelled):
        return FailureReason.CANCELLED
    if isinstance(exc, MalformedPromptError):
        return FailureReason.MALFORMED_PROMPT
    if isinstance(exc, PromptTooLongError):
        return FailureReason.PROMPT_TOO_LONG
    if isinstance(exc, ContentFilterError):
        return FailureReason.CONTENT_FILTER
    if isinstance(exc, ModelLoadError):
        return FailureReason.MODEL_LOAD_ERROR
    if isinstance(exc, JobTimeoutException):
        return FailureReason.TIMEOUT
    if is_out_of_memory(exc):
        return FailureReason.OUT_OF_MEMORY
    if isinstance(exc, (KeyboardInterrupt, SystemExit)):
        return FailureReason.WORKER_DIED
    if isinstance(exc, (ValueError, ValidationError)):
        return FailureReason.INVALID_PARAMETERS
    return FailureReason.INTERNAL_ERROR


def progress_callback(job_id):
    """A diffusers step callback: publish progress, stop between steps when cancellation was requested."""

    def on_step(step_index: int, total_steps: int) -> None:
        STATE.progress = (step_index + 1) / max(total_steps, 1)
        if queueing.cancel_requested(job_id):
            raise JobCancelled(f"Cancelled during step {step_index + 1} of {total_steps}.")

    return on_step


def _record_overhead() -> None:
    """Put "dequeue to committed result" on the RQ job's meta, for bench/worker_overhead.py."""
    from rq import get_current_job

    rq_job = get_current_job()
    if rq_job is None or rq_job.started_at is None:
        return
    started = rq_job.started_at if rq_job.started_at.tzinfo else rq_job.started_at.replace(tzinfo=UTC)
    rq_job.meta["dequeue_to_commit_ms"] = (datetime.now(UTC) - started).total_seconds() * 1000
    rq_job.save_meta()


def execute_stage(job_id: str, stage: str) -> str:
    """Run ``stage`` of ``job_id``; return 'skipped', 'done' or the failure reason.

    Expected failures (bad parameters, cancellation, out of memory, ...) end
    the job with their reason and return normally; anything unexpected is
    recorded as ``internal_error`` and re-raised so RQ keeps the traceback.
    """
    from gpu.stages import enhance, generate

    job = lifecycle.job_start(job_id=job_id, stage=stage, worker_name=STATE.worker_name or "inline")
    if job is None:
        return "skipped"
    STATE.job_id, STATE.stage, STATE.progress = str(job.pk), stage, 0.0
    try:
        if queueing.cancel_requested(job.pk):
            raise JobCancelled("Cancelled before it started.")
        (enhance if stage == queueing.ENHANCE else generate)(job, progress_callback(job.pk))
        _record_overhead()
        return "done"
    except BaseException as exc:
        reason = classify(exc)
        message = str(exc) or type(exc).__name__
        db_retry(lifecycle.job_fail, job_id=job.pk, reason=reason, message=message)
        if reason in (FailureReason.INTERNAL_ERROR, FailureReason.WORKER_DIED):
            raise
        logger.info("job %s failed: %s (%s)", job.pk, reason, message)
        return reason
    finally:
        STATE.job_id, STATE.stage = None, ""
        STATE.jobs_done += 1
        queueing.clear_cancel(job.pk)
