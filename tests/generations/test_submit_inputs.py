"""Input images, strength and clip skip at submission: from the service, the API and submit_prompts.

What a pipeline would not use is refused, naming the field, and nothing is written.
"""

from io import BytesIO, StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from PIL import Image

from configs.services import model_backend_set
from generations.models import Job
from generations.services import job_submit
from tests.factories import JobFactory, OutputFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def backends(tmp_path, settings):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    for family in ("qwen", "sdxl", "wan"):
        model_backend_set(family=family, path=str(tmp_path / family), model_name=family)


def _png(color="teal", size=(64, 48)) -> bytes:
    buffer = BytesIO()
    Image.new("RGB", size, color).save(buffer, format="PNG")
    return buffer.getvalue()


def _stored_output(**kwargs):
    name = default_storage.save("jobs/x/out.png", ContentFile(_png("navy", (80, 64))))
    return OutputFactory(url="", file=name, mime_type="image/png", **kwargs)


def _refused(**kwargs) -> dict:
    before = Job.objects.count()
    with pytest.raises(ValidationError) as excinfo:
        job_submit(**{"prompt": "a cat", "model_type": "SDXL", **kwargs})
    assert Job.objects.count() == before
    return excinfo.value.message_dict


def test_an_upload_with_strength_is_image_to_image_and_wan_with_one_is_image_to_video():
    sdxl = job_submit(prompt="oil paint", model_type="SDXL", strength=0.45,
                      input_files=[SimpleUploadedFile("in.png", _png())])
    wan = job_submit(prompt="it drifts", model_type="WAN", input_files=[SimpleUploadedFile("in.png", _png())])
    assert (sdxl.job_type, float(sdxl.denoise_strength)) == ("image_to_image", 0.45)
    assert (wan.job_type, wan.denoise_strength) == ("image_to_video", None)
    assert [(i.width, i.height) for i in sdxl.inputs.all()] == [(64, 48)]


def test_the_output_of_another_job_can_be_the_input():
    output = _stored_output()
    job = job_submit(prompt="the same, at night", model_type="SDXL", input_output=output)
    image = job.inputs.get()
    assert job.job_type == "image_to_image" and (image.width, image.height) == (80, 64)


@pytest.mark.parametrize("kwargs,field,message", [
    ({"strength": 0.5}, "strength", "strength applies to image-to-image: give an input image."),
    ({"model_type": "WAN", "strength": 0.5}, "strength", "WAN image-to-video has no strength"),
    ({"clip_skip": 2, "strategy": "compel"}, "clip_skip", "Compel embeds SDXL's penultimate CLIP layer"),
    ({"clip_skip": 2, "model_type": "WAN"}, "clip_skip", "clip_skip applies to SDXL only."),
    ({"clip_skip": 13}, "clip_skip", "clip_skip must be between 0 and 12, got 13."),
    ({"motion_bucket": 127, "model_type": "WAN"}, "motion_bucket", "WAN 2.x has no such input"),
])
def test_settings_the_pipeline_would_not_use_are_refused(kwargs, field, message):
    assert message in " ".join(_refused(**kwargs)[field])


def test_an_output_that_is_not_a_stored_image_is_refused():
    video = OutputFactory(url="", file="jobs/x/clip.mp4", mime_type="video/mp4")
    external = OutputFactory(url="https://cdn.example.com/a.png")
    missing = OutputFactory(url="", file="jobs/x/gone.png", mime_type="image/png")
    assert "is not a stored image" in _refused(input_output=video)["input_output"][0]
    assert "is not a stored image" in _refused(input_output=external)["input_output"][0]
    assert "its file is missing" in _refused(input_output=missing)["input_output"][0]


def test_a_file_that_is_not_an_image_is_refused_at_submission():
    errors = _refused(input_files=[SimpleUploadedFile("in.png", b"not an image at all")])
    assert "Input image #1" in errors["inputs"][0]


def test_api_takes_a_multipart_image_with_strength(api):
    response = api.post("/api/jobs/", {"prompt": "oil paint", "model": "SDXL", "strength": "0.3",
                                       "image": SimpleUploadedFile("in.png", _png())}, format="multipart")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["job_type"], body["denoise_strength"], len(body["inputs"])) == ("image_to_image", 0.3, 1)


def test_api_takes_an_existing_output_and_names_fields_in_errors(api):
    output = _stored_output()
    ok = api.post("/api/jobs/", {"prompt": "at night", "model": "SDXL", "input_output_id": str(output.pk),
                                 "clip_skip": 1}, format="json")
    assert ok.status_code == 201 and ok.json()["clip_skip"] == 1
    refused = api.post("/api/jobs/", {"prompt": "at night", "model": "SDXL", "strength": 0.5}, format="json")
    assert refused.status_code == 400
    assert refused.json() == {"strength": ["strength applies to image-to-image: give an input image."]}
    unknown = api.post("/api/jobs/", {"prompt": "x", "model": "SDXL", "input_output_id": str(JobFactory().pk)},
                       format="json")
    assert unknown.status_code == 400 and "input_output_id" in unknown.json()


def test_submit_prompts_takes_an_image_or_another_jobs_output(tmp_path):
    path = tmp_path / "in.png"
    path.write_bytes(_png())
    out = StringIO()
    call_command("submit_prompts", "--model", "SDXL", "--image", str(path), "--strength", "0.7", "--clip-skip", "1",
                 "a watercolor", stdout=out)
    job = Job.objects.get(pk=out.getvalue().strip())
    assert (job.job_type, float(job.denoise_strength), job.clip_skip) == ("image_to_image", 0.7, 1)
    output = _stored_output()
    out = StringIO()
    call_command("submit_prompts", "--model", "WAN", "--from-job", str(output.job_id), "it moves", stdout=out)
    assert Job.objects.get(pk=out.getvalue().strip()).job_type == "image_to_video"


def test_submit_prompts_names_its_options_in_messages(tmp_path):
    with pytest.raises(CommandError, match=r"^--strength: strength applies to image-to-image"):
        call_command("submit_prompts", "--model", "SDXL", "--strength", "0.5", "a cat")
    with pytest.raises(CommandError, match=r"Cannot read --image .*missing.png"):
        call_command("submit_prompts", "--model", "SDXL", "--image", str(tmp_path / "missing.png"), "a cat")
    with pytest.raises(CommandError, match="that job has no output image"):
        call_command("submit_prompts", "--model", "SDXL", "--from-job", str(JobFactory().pk), "a cat")
    assert Job.objects.count() == 1  # the JobFactory row: nothing was submitted
