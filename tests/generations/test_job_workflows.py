"""Job management in the admin: inline review, rating queue, retry/cancel, clear failed, CSV export, roles."""

import csv
import io
from datetime import timedelta

import pytest
from django.contrib.admin.models import LogEntry
from django.urls import reverse
from django.utils import timezone

from generations.export import csv_safe
from generations.models import Job
from ourvidz_admin.choices import JobStatus
from tests.factories import JobFactory, OutputFactory

pytestmark = pytest.mark.django_db
LIST = reverse("admin:generations_job_changelist")
RATE = reverse("admin:generations_job_rate")


def _review_url(job):
    return reverse("admin:generations_job_review", args=[job.pk])


def _action(client, action, jobs, url=LIST, **extra):
    data = {"action": action, "_selected_action": [str(j.pk) for j in jobs], "index": 0, **extra}
    return client.post(url, data)


def test_review_endpoint_rates_records_rater_and_logs(client, role_user):
    moderator = role_user("moderator")
    client.force_login(moderator)
    job = JobFactory()

    response = client.post(_review_url(job), {"rating": "4", "notes": "nice light"})

    job.refresh_from_db()
    assert response.status_code == 200 and response.json()["rating"] == 4
    assert (job.quality_rating, job.notes, job.rated_by) == (4, "nice light", moderator)
    assert job.rated_at is not None
    entry = LogEntry.objects.get(object_id=str(job.pk))
    assert entry.user == moderator and "quality_rating" in entry.get_change_message()


def test_review_endpoint_rejects_bad_rating_and_viewer(client, role_user, admin_client):
    job = JobFactory()

    bad = admin_client.post(_review_url(job), {"rating": "6"})
    client.force_login(role_user("viewer"))
    forbidden = client.post(_review_url(job), {"rating": "3"})

    job.refresh_from_db()
    assert bad.status_code == 400 and bad.json()["errors"] == {"quality_rating": ["A rating is 1 to 5 stars."]}
    assert forbidden.status_code == 403
    assert job.quality_rating is None


def test_inline_list_editing_saves_review_fields(admin_client, superuser):
    job = JobFactory()
    data = {
        "form-TOTAL_FORMS": "1", "form-INITIAL_FORMS": "1", "form-0-id": str(job.pk),
        "form-0-quality_rating": "5", "form-0-notes": "keeper", "form-0-failure_reason": "", "_save": "Save",
    }

    response = admin_client.post(LIST, data)

    job.refresh_from_db()
    assert response.status_code == 302
    assert (job.quality_rating, job.notes, job.rated_by) == (5, "keeper", superuser)
    assert LogEntry.objects.filter(object_id=str(job.pk)).count() == 1


def test_job_page_only_review_fields_are_editable(admin_client):
    job = JobFactory(original_prompt="a lighthouse")
    url = reverse("admin:generations_job_change", args=[job.pk])

    page = admin_client.get(url).content.decode()
    admin_client.post(url, {"quality_rating": "3", "notes": "ok", "failure_reason": "",
                            "original_prompt": "changed", "generationimageoutput_set-TOTAL_FORMS": "0"})

    job.refresh_from_db()
    assert 'name="quality_rating"' in page and 'name="original_prompt"' not in page
    assert job.original_prompt == "a lighthouse"


def test_clearing_a_failed_jobs_reason_is_a_form_error_not_a_403(admin_client):
    job = JobFactory(status=JobStatus.FAILED, failure_reason="timeout", completed_at=None)
    url = reverse("admin:generations_job_change", args=[job.pk])
    inline = {"form-TOTAL_FORMS": "1", "form-INITIAL_FORMS": "1", "form-0-id": str(job.pk),
              "form-0-quality_rating": "", "form-0-notes": "", "form-0-failure_reason": "", "_save": "Save"}

    page = admin_client.post(url, {"quality_rating": "", "notes": "", "failure_reason": "",
                                   "generationimageoutput_set-TOTAL_FORMS": "0"})
    listing = admin_client.post(LIST, inline)

    job.refresh_from_db()
    assert page.status_code == 200 and listing.status_code == 200
    assert page.context["adminform"].form.errors == {"failure_reason": ["A failed job keeps a failure reason."]}
    assert "A failed job keeps a failure reason." in listing.content.decode()
    assert job.failure_reason == "timeout"


def test_rating_queue_lists_unrated_completed_jobs_oldest_first(admin_client):
    now = timezone.now()
    newer = JobFactory(created_at=now - timedelta(hours=1), model_type="SDXL")
    older = JobFactory(created_at=now - timedelta(hours=2), model_type="SDXL")
    JobFactory(quality_rating=4)
    JobFactory(status="failed", failure_reason="timeout")
    OutputFactory(job=older)

    response = admin_client.get(RATE, {"model_type": "SDXL"})

    cards = response.context["cards"]
    assert [c["id"] for c in cards] == [str(older.pk), str(newer.pk)]
    assert cards[0]["output"] == "https://cdn.example.com/out.png"
    more = admin_client.get(reverse("admin:generations_job_rate_more"),
                            {"after": f"{cards[0]['created_at']},{cards[0]['id']}"})
    assert [c["id"] for c in more.json()["cards"]] == [str(newer.pk)]


def test_viewer_cannot_open_rating_queue(client, role_user):
    client.force_login(role_user("viewer"))

    assert client.get(RATE).status_code == 403


def test_retry_and_cancel_actions(admin_client):
    failed = JobFactory(status="failed", failure_reason="timeout")
    queued = JobFactory(status="queued", completed_at=None)
    done = JobFactory(status="completed")

    _action(admin_client, "retry_selected", [failed, done])
    _action(admin_client, "cancel_selected", [queued])

    assert Job.objects.get(pk=failed.pk).status == "queued" and Job.objects.get(pk=failed.pk).attempts == 1
    assert Job.objects.get(pk=done.pk).status == "completed"
    assert Job.objects.get(pk=queued.pk).status == "cancelled"
    assert LogEntry.objects.filter(object_id__in=[str(failed.pk), str(queued.pk)]).count() == 2


def test_clear_failed_confirms_then_archives_reversibly(admin_client):
    failed = JobFactory(status="failed", failure_reason="timeout")
    ok = JobFactory(status="completed")

    confirm = _action(admin_client, "clear_failed_selected", [failed, ok])
    assert confirm.status_code == 200 and b"archives <strong>1</strong> failed job" in confirm.content
    assert Job.objects.get(pk=failed.pk).archived_at is None

    _action(admin_client, "clear_failed_selected", [failed, ok], confirm="yes")

    assert Job.objects.get(pk=failed.pk).archived_at is not None
    assert admin_client.get(LIST).context["cl"].result_count == 1
    assert admin_client.get(LIST, {"archived": "only"}).context["cl"].result_count == 1
    _action(admin_client, "restore_archived", [failed], url=f"{LIST}?archived=only")
    assert Job.objects.get(pk=failed.pk).archived_at is None
    messages = LogEntry.objects.filter(object_id=str(failed.pk)).order_by("action_time")
    assert list(messages.values_list("change_message", flat=True)) == [
        "Archived by 'Clear failed'", "Restored from the archive"
    ]


def test_moderator_can_retry_but_not_clear_failed(client, role_user):
    client.force_login(role_user("moderator"))
    failed = JobFactory(status="failed", failure_reason="timeout")

    _action(client, "clear_failed_selected", [failed], confirm="yes")
    _action(client, "retry_selected", [failed])

    job = Job.objects.get(pk=failed.pk)
    assert job.archived_at is None and job.status == "queued"


def _csv(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode()
    return list(csv.reader(io.StringIO(body)))


def test_export_streams_filtered_jobs_with_formula_escaping(admin_client):
    JobFactory(original_prompt="=HYPERLINK(\"http://evil\")", model_type="SDXL")
    JobFactory(original_prompt="+cmd", model_type="SDXL", status="failed", failure_reason="timeout")
    JobFactory(original_prompt="a wave", model_type="WAN", job_type="text_to_video")

    response = admin_client.get(reverse("admin:generations_job_export"), {"model_type__exact": "SDXL"})

    rows = _csv(response)
    prompts = sorted(row[rows[0].index("original_prompt")] for row in rows[1:])
    assert response.streaming and response["Content-Type"].startswith("text/csv")
    assert prompts == ["'+cmd", "'=HYPERLINK(\"http://evil\")"]


@pytest.mark.parametrize("value,expected", [
    ("=1+1", "'=1+1"), ("-2", "'-2"), ("@SUM(A1)", "'@SUM(A1)"), ("\tx", "'\tx"), ("\rx", "'\rx"),
    ("plain", "plain"), (None, ""), (3, "3"),
])
def test_csv_safe(value, expected):
    assert csv_safe(value) == expected


def test_viewer_cannot_export(client, role_user):
    client.force_login(role_user("viewer"))

    assert client.get(reverse("admin:generations_job_export")).status_code == 403


def test_date_range_filter(admin_client):
    day = timezone.now().replace(hour=12, minute=0, second=0, microsecond=0) - timedelta(days=10)
    inside = JobFactory(created_at=day)
    JobFactory(created_at=day - timedelta(days=2))
    JobFactory(created_at=day + timedelta(days=2))
    iso = day.date().isoformat()

    response = admin_client.get(LIST, {"created_from": iso, "created_to": iso})
    bad = admin_client.get(LIST, {"created_from": "yesterday"})

    assert [j.pk for j in response.context["cl"].result_list] == [inside.pk]
    assert 'name="created_from" value="' + iso + '"' in response.content.decode()
    assert bad.status_code == 302  # Django's answer to bad filter parameters: back with ?e=1


def test_outputs_rated_by_criterion_on_the_job_page(admin_client, superuser):
    from generations.models import GenerationImageRating

    output = OutputFactory()
    url = reverse("admin:generations_job_output_rating", args=[output.job_id])

    page = admin_client.get(reverse("admin:generations_job_change", args=[output.job_id]))
    admin_client.post(url, {"output": str(output.pk), "criteria": "composition", "rating": "3"})
    again = admin_client.post(url, {"output": str(output.pk), "criteria": "composition", "rating": "5"})
    bad = admin_client.post(url, {"output": str(output.pk), "criteria": "vibes", "rating": "5"})

    assert "Rate outputs by criterion" in page.content.decode()
    assert again.json() == {"output": str(output.pk), "criteria": "composition", "rating": 5}
    assert bad.status_code == 400
    assert list(GenerationImageRating.objects.values_list("criteria", "rating", "rated_by")) == [
        ("composition", 5, superuser.pk)]
