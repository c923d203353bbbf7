"""/api/generations/: document 001's list filters, sort, pagination, creation, detail, rating and images."""

import io
from datetime import UTC, datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from PIL import Image

from generations.models import GenerationImageInput, GenerationImageOutput, Job
from tests.factories import InputFactory, JobFactory, OutputFactory, PromptVersionFactory

pytestmark = pytest.mark.django_db
URL = "/api/generations/"


def at(day: int, hour: int = 12) -> datetime:
    return datetime(2024, 1, day, hour, tzinfo=UTC)


def ids(response) -> list[str]:
    return [row["id"] for row in response.json()["results"]]


def test_list_is_newest_first_with_images_and_estimated_count(api):
    old, new = JobFactory(created_at=at(1)), JobFactory(created_at=at(2))
    output = OutputFactory(job=new, order_index=0)

    response = api.get(URL)

    body = response.json()
    assert response.status_code == 200
    assert ids(response) == [str(new.pk), str(old.pk)]
    assert body["count"] == 2 and body["count_is_estimate"] is False
    assert body["page"] == 1 and body["limit"] == 20 and body["next"] is None and body["previous"] is None
    assert body["results"][0]["outputs"][0]["id"] == str(output.pk)
    assert body["results"][0]["outputs"][0]["url"] == "https://cdn.example.com/out.png"


@pytest.mark.parametrize("query, expected", [
    ("rating=EXCELLENT", ["five"]), ("rating=excellent", ["five"]), ("rating=5", ["five"]),
    ("rating=2", ["two"]), ("unrated=true", ["none"]), ("unrated=false", ["five", "two"]),
])
def test_rating_filters(api, query, expected):
    jobs = {"five": JobFactory(quality_rating=5, created_at=at(3)),
            "two": JobFactory(quality_rating=2, created_at=at(2)),
            "none": JobFactory(quality_rating=None, created_at=at(1))}

    response = api.get(f"{URL}?{query}")

    assert ids(response) == [str(jobs[name].pk) for name in expected]


def test_prompt_version_filter(api):
    version = PromptVersionFactory()
    mine = JobFactory(prompt_version=version)
    JobFactory()

    assert ids(api.get(f"{URL}?prompt_version_id={version.pk}")) == [str(mine.pk)]


@pytest.mark.parametrize("query, expected", [
    ("from=2024-01-02&to=2024-01-03", ["d3", "d2"]),  # a date "to" includes its whole day
    ("from=2024-01-02T13:00:00Z", ["d3"]),
    ("to=2024-01-02T12:00:00Z", ["d2", "d1"]),  # a datetime "to" is inclusive
    ("to=2024-01-01", ["d1"]),
])
def test_date_range_filters(api, query, expected):
    jobs = {f"d{day}": JobFactory(created_at=at(day)) for day in (1, 2, 3)}

    assert ids(api.get(f"{URL}?{query}")) == [str(jobs[name].pk) for name in expected]


def test_model_status_strategy_filters(api):
    wan = JobFactory(model_type="WAN", job_type="text_to_video", status="failed", failure_reason="timeout",
                     enhancement_strategy="qwen")
    JobFactory()

    for query in ("model=WAN", "model=wan", "status=failed", "strategy=qwen"):
        assert ids(api.get(f"{URL}?{query}")) == [str(wan.pk)], query


@pytest.mark.parametrize("sort, order, expected", [
    ("rating", "asc", ["r1", "r3", "r5"]), ("rating", "desc", ["r5", "r3", "r1"]),
    ("created_at", "asc", ["r3", "r1", "r5"]), ("status", "asc", ["r1", "r3", "r5"]),
    ("model", "desc", ["r5", "r1", "r3"]),
])
def test_sort_and_order(api, sort, order, expected):
    jobs = {
        "r3": JobFactory(quality_rating=3, created_at=at(1), status="completed"),
        "r1": JobFactory(quality_rating=1, created_at=at(2), status="cancelled", failure_reason="cancelled"),
        "r5": JobFactory(quality_rating=5, created_at=at(3), status="failed", failure_reason="timeout",
                         model_type="WAN", job_type="text_to_video"),
    }

    assert ids(api.get(f"{URL}?sort={sort}&order={order}")) == [str(jobs[n].pk) for n in expected]


def test_page_and_limit(api):
    jobs = [JobFactory(created_at=at(day)) for day in (1, 2, 3)]

    first = api.get(f"{URL}?limit=2").json()
    second = api.get(f"{URL}?limit=2&page=2").json()

    assert [r["id"] for r in first["results"]] == [str(jobs[2].pk), str(jobs[1].pk)]
    assert first["next"] == "http://testserver/api/generations/?limit=2&page=2"
    assert [r["id"] for r in second["results"]] == [str(jobs[0].pk)]
    assert second["next"] is None and second["previous"] == "http://testserver/api/generations/?limit=2"


def test_count_above_the_cap_is_flagged_as_estimate(api, settings):
    settings.ADMIN_COUNT_CAP = 2
    for day in (1, 2, 3, 4):
        JobFactory(created_at=at(day))

    body = api.get(URL).json()

    assert body["count_is_estimate"] is True and body["count"] >= 3
    if connection.vendor == "sqlite":  # no planner estimate there: cap + 1
        assert body["count"] == 3


def test_cursor_pagination_walks_every_row_once(api):
    jobs = [JobFactory(created_at=at(day)) for day in (1, 2, 3)]

    first = api.get(f"{URL}?pagination=cursor&limit=2").json()
    second = api.get(first["next"]).json()

    assert [r["id"] for r in first["results"]] == [str(jobs[2].pk), str(jobs[1].pk)]
    assert [r["id"] for r in second["results"]] == [str(jobs[0].pk)]
    assert "count" not in first and second["next"] is None


def test_extreme_moments_are_filtered_in_utc_or_refused(api):
    JobFactory()

    far_offset = api.get(f"{URL}?from=0043-01-01T00:00:00%2B23:55")  # PostgreSQL itself refuses +23:55
    last_day = api.get(f"{URL}?to=9999-12-31")
    before_year_one = api.get(f"{URL}?from=0001-01-01T00:00:00%2B01:00")

    assert far_offset.status_code == 200 and len(far_offset.json()["results"]) == 1
    assert last_day.json() == {"to": ["Enter a date before 9999-12-31."]}
    assert before_year_one.json() == {"from": ["That moment is outside the years 1 to 9999."]}


@pytest.mark.parametrize("query, field", [
    ("limit=201", "limit"), ("limit=0", "limit"), ("page=0", "page"), ("page=x", "page"),
    ("rating=SUPERB", "rating"), ("rating=6", "rating"), ("from=yesterday", "from"), ("sort=prompt", "sort"),
    ("order=up", "order"), ("status=lost", "status"), ("model=dalle", "model"), ("unrated=maybe", "unrated"),
    ("prompt_version_id=42", "prompt_version_id"), ("page=19039789722302439424", "page"),
    ("user=99999999999999999999999", "user"), ("user=1.5", "user"),
])
def test_bad_query_parameters_are_400_naming_the_parameter(api, query, field):
    response = api.get(f"{URL}?{query}")

    assert response.status_code == 400
    assert list(response.json()) == [field]


def test_list_query_count_does_not_grow_with_rows(admin_client, django_assert_num_queries):
    # session, user, capped count, page, inputs, outputs
    for _ in range(3):
        OutputFactory(job=JobFactory())
    with django_assert_num_queries(6):
        assert admin_client.get(URL).status_code == 200

    for _ in range(12):
        InputFactory(job=OutputFactory().job)
    with django_assert_num_queries(6):
        assert len(admin_client.get(URL).json()["results"]) == 15


def test_detail_has_inputs_and_outputs(api):
    job = JobFactory(final_prompt="masterpiece, portrait")
    image_in = InputFactory(job=job, order_index=0)
    image_out = OutputFactory(job=job, order_index=0)

    body = api.get(f"{URL}{job.pk}/").json()

    assert body["final_prompt"] == "masterpiece, portrait"
    assert [i["id"] for i in body["inputs"]] == [str(image_in.pk)]
    assert [o["id"] for o in body["outputs"]] == [str(image_out.pk)]


def test_clip_scores_of_the_job_and_each_output_are_listed_and_detailed(api):
    scored, unscored = JobFactory(clip_score=24.5, created_at=at(2)), JobFactory(created_at=at(1))
    OutputFactory(job=scored, order_index=0, clip_score=22.0)
    OutputFactory(job=scored, order_index=1, clip_score=27.0)

    listed = api.get(URL).json()["results"]
    detail = api.get(f"{URL}{scored.pk}/").json()

    assert [(row["id"], row["clip_score"]) for row in listed] == [(str(scored.pk), 24.5), (str(unscored.pk), None)]
    assert [o["clip_score"] for o in listed[0]["outputs"]] == [22.0, 27.0]
    assert detail["clip_score"] == 24.5 and [o["clip_score"] for o in detail["outputs"]] == [22.0, 27.0]


def test_create_submits_a_queued_job(api, backends, superuser):
    version = PromptVersionFactory(user_prompt="portrait of {subject}")

    response = api.post(URL, {"prompt": "a fox", "model": "sdxl", "strategy": "compel", "prompt_version_id":
                              str(version.pk), "seed": 7, "steps": 20, "guidance": 6.5, "width": 1024,
                              "height": 1024, "tags": ["fur"], "test_series": "foxes"}, format="json")

    body = response.json()
    job = Job.objects.get()
    assert response.status_code == 201 and body["id"] == str(job.pk)
    assert (job.status, job.model_type, job.enhancement_strategy, job.original_prompt) == \
        ("queued", "SDXL", "compel", "portrait of a fox")
    assert (job.seed, job.num_inference_steps, float(job.guidance_scale), job.tags, job.user) == \
        (7, 20, 6.5, ["fur"], superuser)


def test_an_input_cannot_be_added_to_a_text_job_or_one_on_its_way(api):
    text = JobFactory()
    queued = JobFactory(job_type="image_to_image", status="queued", completed_at=None)
    body = {"url": "https://cdn.example.com/ref.png"}

    refused_text = api.post(f"{URL}{text.pk}/inputs", body, format="json")
    refused_queued = api.post(f"{URL}{queued.pk}/inputs", body, format="json")

    assert refused_text.status_code == 400 and "it takes no input image" in refused_text.json()["job"][0]
    assert refused_queued.status_code == 400 and "once it has ended" in refused_queued.json()["job"][0]
    assert GenerationImageInput.objects.count() == 0


@pytest.mark.parametrize("body, field", [
    ({"prompt": "x", "model": "SDXL", "colour": "red"}, "colour"),
    ({"prompt": "x", "model": "MJ"}, "model"),
    ({"prompt": "x", "model": "SDXL", "steps": 500}, "steps"),
    ({"prompt": "x", "model": "SDXL", "steps": "many"}, "steps"),
    ({"prompt": "x", "model": "SDXL", "width": 1001}, "width"),  # the service: not a multiple of 8
    ({"prompt": "(x", "model": "SDXL", "strategy": "compel"}, "prompt"),  # the service: malformed Compel
    ({"prompt": "x", "model": "WAN", "strategy": "compel"}, "strategy"),
    ({"prompt": "", "model": "SDXL"}, "prompt"),
    ({"prompt": "x", "model": "SDXL", "prompt_version_id": "0190d7c4-0000-7000-8000-000000000000"},
     "prompt_version_id"),
])
def test_create_rejects_bad_input_and_writes_nothing(api, backends, body, field):
    response = api.post(URL, body, format="json")

    assert response.status_code == 400, response.json()
    assert list(response.json()) == [field]
    assert Job.objects.count() == 0


@pytest.mark.parametrize("given, stars, label", [(4, 4, "GOOD"), ("GOOD", 4, "GOOD"), ("excellent", 5, "EXCELLENT"),
                                                  ("1", 1, "FAILED")])
def test_rating_by_number_or_label(api, superuser, given, stars, label):
    job = JobFactory()

    response = api.patch(f"{URL}{job.pk}/rating", {"rating": given, "notes": "sharp"}, format="json")

    job.refresh_from_db()
    assert response.status_code == 200
    assert (response.json()["rating"], response.json()["rating_label"]) == (stars, label)
    assert (job.quality_rating, job.notes, job.rated_by) == (stars, "sharp", superuser)


@pytest.mark.parametrize("body, field", [
    ({"rating": 6}, "rating"), ({"rating": "SUPERB"}, "rating"), ({"rating": True}, "rating"),
    ({}, "rating"), ({"rating": 3, "stars": 3}, "stars"), ({"failure_reason": "gremlins"}, "failure_reason"),
])
def test_rating_rejects_bad_input(api, body, field):
    job = JobFactory()

    response = api.patch(f"{URL}{job.pk}/rating", body, format="json")

    job.refresh_from_db()
    assert response.status_code == 400 and list(response.json()) == [field]
    assert job.quality_rating is None


def _png(name="out.png", size=(8, 6)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, "navy").save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="text/html")  # the client's type is ignored


def test_add_input_by_url_and_output_by_upload(api):
    job = JobFactory(job_type="image_to_image")
    upload = _png()

    by_url = api.post(f"{URL}{job.pk}/inputs", {"url": "https://cdn.example.com/ref.png"}, format="json")
    by_file = api.post(f"{URL}{job.pk}/outputs", {"file": upload, "width": 64}, format="multipart")

    assert by_url.status_code == 201 and by_url.json()["url"] == "https://cdn.example.com/ref.png"
    assert by_file.status_code == 201 and by_file.json()["mime_type"] == "image/png"
    output = GenerationImageOutput.objects.get()
    assert (output.order_index, output.width, output.height) == (0, 64, 6)
    assert output.file.name.startswith("uploads/") and output.file_size_bytes == output.file.size
    assert GenerationImageInput.objects.get().order_index == 0


@pytest.mark.parametrize("body, field", [
    ({}, "file"), ({"url": "not a url"}, "url"), ({"url": "https://x.example/a.png", "caption": "x"}, "caption"),
])
def test_add_image_rejects_bad_input(api, body, field):
    job = JobFactory()

    response = api.post(f"{URL}{job.pk}/inputs", body, format="json")

    assert response.status_code == 400 and list(response.json()) == [field]
    assert GenerationImageInput.objects.count() == 0


def test_add_image_at_a_taken_position_is_400(api):
    job = JobFactory()
    OutputFactory(job=job, order_index=0)

    response = api.post(f"{URL}{job.pk}/outputs", {"url": "https://x.example/b.png", "order_index": 0},
                        format="json")

    assert response.status_code == 400 and list(response.json()) == ["non_field_errors"]
    assert GenerationImageOutput.objects.count() == 1


def test_delete_image_by_id(api):
    image_in, image_out = InputFactory(), OutputFactory()

    assert api.delete(f"/api/images/{image_in.pk}").status_code == 204
    assert api.delete(f"/api/images/{image_out.pk}").status_code == 204
    assert api.delete(f"/api/images/{image_out.pk}").status_code == 404
    assert GenerationImageInput.objects.count() == GenerationImageOutput.objects.count() == 0
