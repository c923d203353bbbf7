"""/api/jobs/: job-management filters, create, retrieve, retry and cancel."""

import pytest

from generations.models import Job
from tests.factories import JobFactory, UserFactory

pytestmark = pytest.mark.django_db
URL = "/api/jobs/"


def ids(response) -> list[str]:
    return [row["id"] for row in response.json()["results"]]


def test_job_management_filters(api):
    owner = UserFactory(username="owner")
    target = JobFactory(status="failed", failure_reason="out_of_memory", user=owner, test_series="s1",
                        quality_rating=2)
    JobFactory()

    for query in ("failure_reason=out_of_memory", f"user={owner.pk}", "test_series=s1", "rating=POOR",
                  "status=failed", "model=SDXL&status=failed", "strategy=none&status=failed"):
        assert ids(api.get(f"{URL}?{query}")) == [str(target.pk)], query


def test_create_and_retrieve(api, backends):
    created = api.post(URL, {"prompt": "a lighthouse", "model": "WAN", "frame_count": 16}, format="json")

    fetched = api.get(f"{URL}{created.json()['id']}/")

    assert created.status_code == 201 and fetched.status_code == 200
    assert (fetched.json()["model"], fetched.json()["frame_count"], fetched.json()["status"]) == ("WAN", 17, "queued")


def test_retry_requeues_a_failed_job(api):
    job = JobFactory(status="failed", failure_reason="timeout", attempts=1)

    response = api.post(f"{URL}{job.pk}/retry")

    job.refresh_from_db()
    assert response.status_code == 200 and response.json()["status"] == "queued"
    assert (job.status, job.attempts, job.failure_reason) == ("queued", 2, "")


def test_retry_of_a_completed_job_is_400_and_changes_nothing(api):
    job = JobFactory(status="completed", attempts=1)

    response = api.post(f"{URL}{job.pk}/retry")

    job.refresh_from_db()
    assert response.status_code == 400
    assert response.json() == {
        "non_field_errors": ["Only failed or cancelled jobs can be retried; this one is completed."]
    }
    assert (job.status, job.attempts) == ("completed", 1)


def test_cancel_a_queued_job(api):
    job = JobFactory(status="queued", completed_at=None)

    response = api.post(f"{URL}{job.pk}/cancel")

    job.refresh_from_db()
    assert response.status_code == 200 and job.status == "cancelled" and job.failure_reason == "cancelled"


def test_actions_reject_a_body_and_unknown_ids(api):
    job = JobFactory(status="queued", completed_at=None)

    with_body = api.post(f"{URL}{job.pk}/cancel", {"force": True}, format="json")
    missing = api.post(f"{URL}0190d7c4-0000-7000-8000-000000000000/cancel")

    assert with_body.status_code == 400 and with_body.json() == {"force": ["Unknown field."]}
    assert missing.status_code == 404
    assert Job.objects.get().status == "queued"
