"""The Redis connection every app's queue work goes through, and coalesced enqueueing on ``default``."""

import logging

logger = logging.getLogger(__name__)


class QueueUnavailable(Exception):
    """Redis could not be reached. Raised after the caller's rows were saved: they run once it is back."""

    MESSAGE = "The job queue is unavailable; the job is saved and will run when it is back."
    CANCEL_MESSAGE = "The job queue is unavailable; the cancellation is saved and reaches the worker when it is back."

    def __init__(self, message: str = MESSAGE, *, job_ids=()):
        super().__init__(message)
        self.message = message
        self.job_ids = [str(pk) for pk in job_ids]  # the saved rows waiting for the queue, for the caller

    def __str__(self):
        return self.message


def connection():
    """The Redis connection the RQ queues use (``REDIS_URL``, or the embedded server)."""
    import django_rq

    return django_rq.get_connection("default")


def queue(name: str, *, at_commit: bool = True):
    """The RQ queue ``name`` (``enhance``, ``sdxl``, ``wan``, ``default``) on that connection.

    Its enqueues wait for the open transaction to commit (``RQ["COMMIT_MODE"]``);
    ``at_commit=False`` enqueues at once, so a Redis error reaches the caller.
    """
    import django_rq

    return django_rq.get_queue(name) if at_commit else django_rq.get_queue(name, commit_mode="auto")


def enqueue_coalesced(func, *args, rq_id: str, timeout: int = 300) -> None:
    """Queue ``func(*args)`` on ``default`` under ``rq_id`` unless that job is already waiting there.

    For idempotent recomputations: a burst of requests for one key needs only
    the one still queued. With Redis down the recomputation is skipped with a
    warning (the next change, or the scheduled refresh, recomputes it).
    """
    from redis.exceptions import RedisError
    from rq.exceptions import NoSuchJobError
    from rq.job import Job as RQJob
    from rq.job import JobStatus as RQStatus

    try:
        try:
            if RQJob.fetch(rq_id, connection=connection()).get_status() == RQStatus.QUEUED:
                return
        except NoSuchJobError:
            pass
        queue("default").enqueue(func, *args, job_id=rq_id, job_timeout=timeout, result_ttl=60)
    except RedisError as exc:
        logger.warning("Queue unavailable; %s not enqueued (%s)", rq_id, exc)
