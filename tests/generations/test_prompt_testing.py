"""The Prompt Testing page: batch submission (all or nothing), recent results, filters, export, roles."""

import pytest
from django.urls import reverse

from generations.models import Job
from tests.factories import CharacterFactory, JobFactory, ModelBackendFactory, PromptVersionFactory

pytestmark = pytest.mark.django_db
URL = reverse("admin:generations_job_prompt_testing")


@pytest.fixture(autouse=True)
def backends():
    for family in ("qwen", "sdxl", "wan"):
        ModelBackendFactory(family=family, path=f"/models/{family}")


def _batch(rows: list[dict], series="batch-1") -> dict:
    data = {"row-TOTAL_FORMS": "5", "row-INITIAL_FORMS": "0", "row-MIN_NUM_FORMS": "0", "row-MAX_NUM_FORMS": "5",
            "test_series": series}
    for index in range(5):
        row = rows[index] if index < len(rows) else {}
        data.update({f"row-{index}-{key}": value for key, value in
                     {"prompt": "", "model_type": "SDXL", "strategy": "none", **row}.items()})
    return data


def test_batch_of_five_creates_five_jobs(admin_client, superuser):
    version = PromptVersionFactory(user_prompt="portrait of {subject}, golden hour")
    character = CharacterFactory()
    rows = [{"prompt": f"prompt {n}", "strategy": s} for n, s in enumerate(["none", "qwen", "compel", "hybrid"])]
    rows.append({"prompt": "a fox", "model_type": "WAN", "prompt_version": str(version.pk),
                 "character": str(character.pk)})

    response = admin_client.post(URL, _batch(rows))

    jobs = Job.objects.filter(test_series="batch-1")
    assert response.status_code == 302 and response["Location"] == f"{URL}?series=batch-1"
    assert jobs.count() == 5 and set(jobs.values_list("user", flat=True)) == {superuser.pk}
    wan = jobs.get(model_type="WAN")
    assert (wan.original_prompt, wan.character, wan.prompt_version) == ("portrait of a fox, golden hour",
                                                                        character, version)
    assert sorted(jobs.values_list("enhancement_strategy", flat=True)) == ["compel", "hybrid", "none", "none",
                                                                           "qwen"]


def test_one_bad_row_writes_nothing_and_shows_the_error(admin_client):
    rows = [{"prompt": "fine"}, {"prompt": "(broken", "strategy": "compel"}]

    response = admin_client.post(URL, _batch(rows))

    assert response.status_code == 200
    assert "Malformed Compel expression" in response.content.decode()
    assert Job.objects.count() == 0


def test_results_show_last_jobs_of_the_series_with_filters(admin_client):
    JobFactory(test_series="s1", model_type="SDXL", quality_rating=5, original_prompt="five stars")
    JobFactory(test_series="s1", model_type="WAN", job_type="text_to_video", original_prompt="a wave")
    JobFactory(test_series="other", original_prompt="elsewhere")

    page = admin_client.get(URL, {"series": "s1"})
    filtered = admin_client.get(URL, {"series": "s1", "rating": "5"})

    assert [j.original_prompt for j in page.context["results"]] == ["a wave", "five stars"]
    assert [j.original_prompt for j in filtered.context["results"]] == ["five stars"]


def test_export_of_results(admin_client):
    JobFactory(test_series="s1", original_prompt="=cmd")

    response = admin_client.get(reverse("admin:generations_job_prompt_testing_export"), {"series": "s1"})

    body = b"".join(response.streaming_content).decode()
    assert "'=cmd" in body and body.count("\n") == 2


def test_viewer_sees_results_but_cannot_submit(client, role_user):
    client.force_login(role_user("viewer"))

    page = client.get(URL)
    post = client.post(URL, _batch([{"prompt": "a cat"}]))

    assert page.status_code == 200 and 'id="batch-form"' not in page.content.decode()
    assert post.status_code == 403 and Job.objects.count() == 0


def test_index_links_the_custom_pages(admin_client):
    sections = {s["name"]: [m["admin_url"] for m in s["models"]] for s in
                admin_client.get(reverse("admin:index")).context["app_list"]}

    assert sections["Prompt Testing"][0] == URL
    assert sections["Jobs"][0] == reverse("admin:generations_job_rate")


def test_a_row_can_pick_a_template(admin_client):
    from tests.factories import PromptTemplateFactory

    template = PromptTemplateFactory(is_active=True, model_family="sdxl")
    wan_template = PromptTemplateFactory(is_active=True, model_family="wan", use_case="text_to_video")

    admin_client.post(URL, _batch([{"prompt": "a fox", "template": str(template.pk)}]))
    bad = admin_client.post(URL, _batch([{"prompt": "a fox", "template": str(wan_template.pk)}], series="b2"))

    assert Job.objects.get(test_series="batch-1").metadata["template_ids"] == [str(template.pk)]
    assert "is not an active or labelled SDXL template" in bad.content.decode()
    assert not Job.objects.filter(test_series="b2")


def _png() -> bytes:
    from io import BytesIO

    from PIL import Image

    buffer = BytesIO()
    Image.new("RGB", (40, 32), "teal").save(buffer, format="PNG")
    return buffer.getvalue()


def test_rows_take_an_upload_or_a_recent_output_with_strength(admin_client, settings, tmp_path):
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.factories import OutputFactory

    settings.MEDIA_ROOT = str(tmp_path)
    output = OutputFactory(url="", file=default_storage.save("jobs/a/out.png", ContentFile(_png())),
                           job=JobFactory(original_prompt="the source render"))
    page = admin_client.get(URL).content.decode()
    assert 'enctype="multipart/form-data"' in page and "the source render" in page  # the picker lists it
    data = _batch([{"prompt": "oil paint", "strength": "0.4", "clip_skip": "1"},
                   {"prompt": "it moves", "model_type": "WAN", "input_output": str(output.pk)}])
    data["row-0-image"] = SimpleUploadedFile("in.png", _png())
    response = admin_client.post(URL, data)
    assert response.status_code == 302
    sdxl, wan = (Job.objects.get(test_series="batch-1", model_type=m) for m in ("SDXL", "WAN"))
    assert (sdxl.job_type, float(sdxl.denoise_strength), sdxl.clip_skip, sdxl.inputs.count()) == \
        ("image_to_image", 0.4, 1, 1)
    assert (wan.job_type, wan.inputs.count()) == ("image_to_video", 1)


def test_a_row_with_strength_and_no_image_is_refused_by_name(admin_client):
    response = admin_client.post(URL, _batch([{"prompt": "oil paint", "strength": "0.4"}]))
    assert response.status_code == 200
    assert "strength: strength applies to image-to-image: give an input image." in response.content.decode()
    assert not Job.objects.filter(test_series="batch-1").exists()


def test_a_service_error_on_no_form_field_is_shown_on_its_row(admin_client):
    response = admin_client.post(URL, _batch([{"prompt": "a portrait <lora:nope:1>"}]))
    assert response.status_code == 200
    assert "loras: LoRA &#x27;nope&#x27; (from the prompt) is not registered" in response.content.decode()
    assert not Job.objects.filter(test_series="batch-1").exists()


def test_a_row_with_an_image_but_no_prompt_is_not_skipped_silently(admin_client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = _batch([])
    data["row-0-image"] = SimpleUploadedFile("in.png", _png())
    response = admin_client.post(URL, data)
    assert response.status_code == 200 and "The prompt cannot be empty." in response.content.decode()
