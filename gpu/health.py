"""Liveness of workers and jobs: which workers are alive, and reaping jobs orphaned by dead ones."""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from generations import queueing
from generations.lifecycle import jobs_reap_orphans
from gpu.models import WorkerHeartbeat

TIMEOUT_GRACE = timedelta(seconds=60)


def live_worker_names() -> set[str]:
    """Workers whose heartbeat is younger than ``WORKER_STALE_AFTER_S``."""
    cutoff = timezone.now() - timedelta(seconds=settings.WORKER_STALE_AFTER_S)
    return set(WorkerHeartbeat.objects.filter(last_seen__gte=cutoff).values_list("name", flat=True))


def _timeout_for(job) -> int:
    return queueing.stage_timeout_s(job, queueing.next_stage(job))


def abandoned_job_ids() -> set:
    """Processing jobs whose live worker has moved on: its heartbeats, two or more after it claimed the job,
    name another job or none (the worker could not write the job's end: its database connection was lost).
    """
    from generations.models import Job

    settle = timedelta(seconds=2 * settings.WORKER_HEARTBEAT_S)
    beats = WorkerHeartbeat.objects.filter(
        last_seen__gte=timezone.now() - timedelta(seconds=settings.WORKER_STALE_AFTER_S)
    ).values_list("name", "current_job_id", "last_seen")
    abandoned = set()
    for name, current, last_seen in beats:
        stale = Job.objects.filter(status="processing", worker_name=name, updated_at__lt=last_seen - settle)
        abandoned |= set(stale.exclude(pk=current).values_list("pk", flat=True) if current
                         else stale.values_list("pk", flat=True))
    return abandoned


def reap_orphans() -> int:
    """Fail processing jobs of dead workers (``worker_died``), jobs their live worker no longer runs
    (``internal_error``) and jobs past timeout plus a minute of grace.

    A job whose worker is killed ends failed within ``WORKER_STALE_AFTER_S``
    plus ``WORKER_REAP_EVERY_S`` seconds while any other worker runs, and at
    the latest when a worker next starts or ``manage.py reap_jobs`` runs.
    """
    WorkerHeartbeat.objects.filter(last_seen__lt=timezone.now() - timedelta(hours=1)).delete()
    return jobs_reap_orphans(live_workers=live_worker_names(), timeout_for=_timeout_for, grace=TIMEOUT_GRACE,
                             abandoned=abandoned_job_ids())


def dispatch_pending() -> int:
    """Enqueue saved jobs that are on no queue (Redis was down at submission, or restarted empty).

    0 while Redis is still unreachable: the rows wait, and the next call retries.
    """
    from ourvidz_admin.queues import QueueUnavailable

    try:
        return queueing.jobs_dispatch_pending(older_than_s=settings.JOB_DISPATCH_AFTER_S)
    except QueueUnavailable:
        return 0
