"""Redis down at submission, retry and cancel: the rows are the outbox, nothing is lost, nothing runs twice.

The queue connection is a real Redis (a database of its own on the test
server) or, while "down", a client pointed at a closed port: every error the
code sees is the one a stopped Redis gives.
"""

from io import StringIO

import django_rq
import pytest
import redis
from django.contrib.messages import get_messages
from django.core.management import CommandError, call_command
from django.urls import reverse
from rq import Queue
from rq.job import Job as RQJob

from generations import queueing
from generations.models import Job
from gpu.health import dispatch_pending
from ourvidz_admin import queues
from ourvidz_admin.queues import QueueUnavailable
from tests.factories import JobFactory, ModelBackendFactory

pytestmark = pytest.mark.django_db(transaction=True)
SAVED = QueueUnavailable.MESSAGE


class SwitchableRedis:
    """The queues' connection, which a test can stop and start."""

    def __init__(self):
        pool = django_rq.get_connection("default").connection_pool
        self.live = redis.Redis(connection_pool=redis.ConnectionPool(
            connection_class=pool.connection_class, **{**pool.connection_kwargs, "db": 12}
        ))
        self.dead = redis.Redis(host="127.0.0.1", port=1, socket_connect_timeout=0.5)
        self.conn = self.live

    def down(self):
        self.conn = self.dead

    def up(self):
        self.conn = self.live

    def queued_ids(self, name: str) -> list[str]:
        return Queue(name, connection=self.live).get_job_ids()


@pytest.fixture
def outage(monkeypatch):
    switch = SwitchableRedis()
    switch.live.flushdb()
    monkeypatch.setattr(queues, "connection", lambda: switch.conn)
    monkeypatch.setattr(queues, "queue", lambda name, **_: Queue(name, connection=switch.conn))
    yield switch
    switch.live.flushdb()


@pytest.fixture
def api_client_su(superuser):
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(superuser)
    return client


@pytest.fixture(autouse=True)
def backends(db):
    for family in ("qwen", "sdxl", "wan"):
        ModelBackendFactory(family=family, path=f"/models/{family}")


def _stage_ids(job) -> str:
    job.refresh_from_db()
    return queueing.rq_job_id(job, queueing.next_stage(job))


def test_api_submit_with_redis_down_is_503_json_and_the_job_runs_once_redis_is_back(outage, api_client_su):
    outage.down()

    response = api_client_su.post("/api/jobs/", {"prompt": "a lighthouse", "model": "SDXL"}, format="json")

    assert response.status_code == 503
    job = Job.objects.get()
    assert response.json() == {"detail": SAVED, "job_ids": [str(job.pk)]}  # so a client does not submit it again
    assert job.status == "queued"
    assert dispatch_pending() == 0  # still down: nothing lost, nothing raised

    outage.up()
    assert queueing.jobs_dispatch_pending(older_than_s=0) == 1
    assert queueing.jobs_dispatch_pending(older_than_s=0) == 0  # idempotent: it is on its queue now
    assert outage.queued_ids("sdxl") == [_stage_ids(job)]


def test_cli_with_redis_down_prints_the_saved_ids_and_one_line_and_they_run_later(outage):
    outage.down()
    out = StringIO()

    with pytest.raises(CommandError) as raised:
        call_command("submit_prompts", "--model", "WAN", "a wave", "a dune", "--strategy", "qwen", stdout=out)

    assert str(raised.value) == f"{SAVED} (2 job(s) saved)"
    saved = out.getvalue().split()
    assert sorted(saved) == sorted(str(pk) for pk in Job.objects.values_list("pk", flat=True))
    outage.up()
    assert queueing.jobs_dispatch_pending(older_than_s=0) == 2
    assert sorted(outage.queued_ids("enhance")) == sorted(_stage_ids(job) for job in Job.objects.all())


def test_prompt_testing_with_redis_down_says_the_jobs_are_saved(outage, admin_client):
    outage.down()
    data = {"row-TOTAL_FORMS": "1", "row-INITIAL_FORMS": "0", "row-MIN_NUM_FORMS": "0", "row-MAX_NUM_FORMS": "5",
            "test_series": "outage", "row-0-prompt": "a fox", "row-0-model_type": "SDXL", "row-0-strategy": "none"}

    response = admin_client.post(reverse("admin:generations_job_prompt_testing"), data)

    assert response.status_code == 302
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["Submitted 1 job(s).", SAVED]
    assert Job.objects.filter(test_series="outage", status="queued").count() == 1


def test_retry_with_redis_down_saves_the_new_attempt_and_dispatches_it(outage, api_client_su):
    job = JobFactory(status="failed", failure_reason="timeout", attempts=1)
    outage.down()

    response = api_client_su.post(f"/api/jobs/{job.pk}/retry")

    assert (response.status_code, response.json()) == (503, {"detail": SAVED, "job_ids": [str(job.pk)]})
    job.refresh_from_db()
    assert (job.status, job.attempts) == ("queued", 2)
    outage.up()
    assert queueing.jobs_dispatch_pending(older_than_s=0) == 1
    assert outage.queued_ids("sdxl") == [f"{job.pk}_2_generate"]


def test_admin_retry_action_with_redis_down_reports_the_retry_and_the_outage(outage, admin_client):
    job = JobFactory(status="failed", failure_reason="timeout", attempts=1)
    outage.down()

    response = admin_client.post(reverse("admin:generations_job_changelist"),
                                 {"action": "retry_selected", "_selected_action": [str(job.pk)]})

    assert response.status_code == 302
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["Retried 1 job(s).", SAVED]
    assert Job.objects.get(pk=job.pk).attempts == 2


def test_cancel_of_a_running_job_with_redis_down_reaches_the_worker_when_redis_is_back(outage, api_client_su):
    job = JobFactory(status="processing", worker_name="gpu-a")
    outage.down()

    response = api_client_su.post(f"/api/jobs/{job.pk}/cancel")

    assert (response.status_code, response.json()) == (503, {"detail": QueueUnavailable.CANCEL_MESSAGE})
    assert Job.objects.get(pk=job.pk).cancel_requested_at is not None
    assert queueing.cancel_requested(job.pk) is False  # the worker keeps running while Redis is down
    outage.up()
    queueing.jobs_dispatch_pending(older_than_s=0)
    assert queueing.cancel_requested(job.pk) is True


def test_a_job_whose_rq_entry_vanished_is_dispatched_again_and_a_fresh_one_is_left_alone(outage):
    job = JobFactory(status="queued")
    queueing._enqueue(job, queueing.GENERATE)
    assert queueing.jobs_dispatch_pending(older_than_s=0) == 0  # on its queue already

    outage.live.flushdb()  # Redis restarted without persistence
    assert queueing.jobs_dispatch_pending() == 0  # changed seconds ago: its own enqueue may be on its way
    assert queueing.jobs_dispatch_pending(older_than_s=0) == 1
    assert outage.queued_ids("sdxl") == [_stage_ids(job)]


def test_a_stage_that_failed_in_rq_while_its_row_stayed_queued_is_dispatched_again(outage):
    job = JobFactory(status="queued")
    queueing._enqueue(job, queueing.GENERATE)
    rq_job = RQJob.fetch(_stage_ids(job), connection=outage.live)
    rq_job.set_status("failed")

    assert queueing.jobs_dispatch_pending(older_than_s=0) == 1


def test_reap_jobs_command_dispatches_and_says_when_redis_is_down(outage):
    JobFactory(status="queued")
    out = StringIO()
    outage.down()
    with pytest.raises(CommandError, match="The job queue is unavailable"):
        call_command("reap_jobs", "--dispatch-after", "0", stdout=out)

    outage.up()
    call_command("reap_jobs", "--dispatch-after", "0", stdout=out)
    assert "Enqueued 1 saved job stage(s)" in out.getvalue()


def test_an_admin_page_that_hits_redis_while_it_is_down_answers_503_not_500(rf):
    from ourvidz_admin.middleware import UNAVAILABLE, QueueUnavailableMiddleware

    middleware = QueueUnavailableMiddleware(lambda request: None)
    response = middleware.process_exception(rf.get("/admin/"), redis.exceptions.ConnectionError("refused"))

    assert (response.status_code, response.content.decode()) == (503, UNAVAILABLE)


def test_an_api_call_that_hits_redis_while_it_is_down_answers_503_json():
    from ourvidz_admin.api.exceptions import exception_handler
    from ourvidz_admin.middleware import UNAVAILABLE

    response = exception_handler(redis.exceptions.ConnectionError("Error 111 connecting to 127.0.0.1:1"), {})

    assert (response.status_code, response.data) == (503, {"detail": UNAVAILABLE})
