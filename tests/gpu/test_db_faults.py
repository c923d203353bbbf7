"""A worker that loses its database connection mid-job: the write is retried, or the job fails; never stuck.

The connection is really lost: PostgreSQL terminates the worker's backend
(``pg_terminate_backend`` from a second connection), as a restart or a
failover would.
"""

from datetime import timedelta

import pytest
from django.db import InterfaceError, OperationalError, connection, connections
from django.utils import timezone

from generations import lifecycle
from generations.models import Job
from gpu.db_retry import db_retry
from gpu.executor import execute_stage
from gpu.health import reap_orphans
from tests.factories import JobFactory, WorkerHeartbeatFactory

postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="terminates a PostgreSQL backend")


def _lose_connection():
    """Terminate this thread's database session from another one."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    finally:
        other.close()


@pytest.fixture
def quick_retry(settings):
    settings.WORKER_DB_RETRY_S = 10


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_write_on_a_lost_connection_is_retried_on_a_new_one(quick_retry):
    job = JobFactory(status="processing", completed_at=None, worker_name="w1")
    _lose_connection()
    with pytest.raises((OperationalError, InterfaceError)):  # without the retry, the write is lost
        lifecycle.job_fail(job_id=job.pk, reason="internal_error", message="first try")
    _lose_connection()
    assert db_retry(lifecycle.job_fail, job_id=job.pk, reason="internal_error", message="retried") is not None
    job.refresh_from_db()
    assert (job.status, job.failure_reason, job.error_message) == ("failed", "internal_error", "retried")


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_stage_that_loses_the_database_fails_its_job_with_internal_error(quick_retry, monkeypatch):
    import gpu.stages

    # given a queued job whose stage loses the connection halfway
    job = JobFactory(status="queued", completed_at=None)

    def stage(job, on_step):
        _lose_connection()
        Job.objects.filter(pk=job.pk).update(progress=0.5)

    monkeypatch.setattr(gpu.stages, "generate", stage)
    # when the worker runs it
    with pytest.raises((OperationalError, InterfaceError)):  # re-raised: RQ keeps the traceback
        execute_stage(str(job.pk), "generate")
    # then the failure was still recorded, on a new connection
    job.refresh_from_db()
    assert (job.status, job.failure_reason) == ("failed", "internal_error")


@pytest.mark.django_db
def test_the_reaper_fails_a_job_its_live_worker_no_longer_runs(settings):
    settings.WORKER_HEARTBEAT_S = 5
    now = timezone.now()
    abandoned, running, claimed = (JobFactory(status="processing", completed_at=None, worker_name="w1",
                                              started_at=now - timedelta(minutes=1)) for _ in range(3))
    Job.objects.filter(pk__in=[abandoned.pk, running.pk]).update(updated_at=now - timedelta(minutes=1))
    Job.objects.filter(pk=claimed.pk).update(updated_at=now - timedelta(seconds=3))  # its heartbeat may lag
    # given w1, alive, reporting it runs ``running``
    WorkerHeartbeatFactory(name="w1", current_job=running, last_seen=now)
    # when the reaper runs
    assert reap_orphans() == 1
    # then only the job w1 left behind is failed
    statuses = dict(Job.objects.values_list("pk", "status"))
    assert (statuses[abandoned.pk], statuses[running.pk], statuses[claimed.pk]) == \
        ("failed", "processing", "processing")
    abandoned.refresh_from_db()
    assert abandoned.failure_reason == "internal_error" and "database connection was lost" in abandoned.error_message
