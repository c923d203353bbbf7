"""The Redis connection every app's queue work goes through, and coalesced enqueueing on ``default``."""


def connection():
    """The Redis connection the RQ queues use (``REDIS_URL``, or the embedded server)."""
    import django_rq

    return django_rq.get_connection("default")


def enqueue_coalesced(func, *args, rq_id: str, timeout: int = 300) -> None:
    """Queue ``func(*args)`` on ``default`` under ``rq_id`` unless that job is already waiting there.

    For idempotent recomputations: a burst of requests for one key needs only
    the one still queued.
    """
    import django_rq
    from rq.exceptions import NoSuchJobError
    from rq.job import Job as RQJob
    from rq.job import JobStatus as RQStatus

    try:
        if RQJob.fetch(rq_id, connection=connection()).get_status() == RQStatus.QUEUED:
            return
    except NoSuchJobError:
        pass
    django_rq.get_queue("default").enqueue(func, *args, job_id=rq_id, job_timeout=timeout, result_ttl=60)
