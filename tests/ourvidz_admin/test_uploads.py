"""Uploads are images or nothing; media is served with its stored type; files live while any row uses them."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from PIL import Image
from rest_framework.test import APIClient

from configs.services import model_backend_set
from generations.models import GenerationImageInput, GenerationImageOutput, Job
from generations.services import generation_image_delete, job_submit
from ourvidz_admin.uploads import image_store, image_upload_check
from tests.factories import JobFactory, OutputFactory, UserFactory

pytestmark = pytest.mark.django_db

HTML = b"<!doctype html><script>alert(document.cookie)</script>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect width="10" height="10"/></svg>'


def _image_bytes(fmt="PNG", size=(16, 12), mode="RGB", color="navy") -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, size, color if mode != "CMYK" else (0, 0, 0, 0)).save(buffer, format=fmt)
    return buffer.getvalue()


def _upload(data: bytes, name="in.png", content_type="image/png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


@pytest.fixture
def backends(tmp_path):
    for family in ("qwen", "sdxl", "wan"):
        model_backend_set(family=family, path=str(tmp_path / family), model_name=family)


@pytest.fixture
def api():
    client = APIClient()
    client.force_authenticate(UserFactory(is_staff=True, is_superuser=True))
    return client


@pytest.mark.parametrize("data, name, message", [
    (HTML, "evil.html", "The file is not an image; upload a PNG, JPEG or WebP image."),
    (SVG, "evil.svg", "The file is not an image; upload a PNG, JPEG or WebP image."),
    (b"", "empty.png", "The file is empty."),
    (_image_bytes("GIF"), "anim.gif", "The file is a GIF file; upload a PNG, JPEG or WebP image."),
    (_image_bytes()[:60], "cut.png", "The file is damaged or truncated and cannot be read as an image."),
    (_image_bytes("JPEG", mode="CMYK"), "print.jpg",
     "The file uses the CMYK colour mode; save it as RGB or RGBA and try again."),
])
def test_what_is_not_a_fit_image_is_refused_with_one_sentence(data, name, message):
    with pytest.raises(ValidationError) as refused:
        image_upload_check(_upload(data, name), label="The file")

    assert refused.value.messages == [message]


@override_settings(UPLOAD_MAX_BYTES=1000, UPLOAD_MAX_PIXELS=100 * 100)
@pytest.mark.parametrize("data, message", [
    (b"\x89PNG" + b"\0" * 2000, "The file is 2,004 bytes; the limit is 1,000."),
    (_image_bytes(size=(200, 200)), "The file is 200×200 pixels; the limit is 10,000 pixels."),
])
def test_size_and_pixel_limits(data, message):
    with pytest.raises(ValidationError) as refused:
        image_upload_check(_upload(data), label="The file")

    assert refused.value.messages == [message]


def test_a_polyglot_keeps_only_its_pixels_under_a_content_name():
    polyglot = _image_bytes() + HTML

    stored = image_store(image_upload_check(_upload(polyglot, "evil.png.html", "text/html")))

    with default_storage.open(stored.name, "rb") as handle:
        content = handle.read()
    assert HTML not in content and content.startswith(b"\x89PNG")
    assert stored.name.startswith("uploads/") and stored.name.endswith(".png") and "evil" not in stored.name
    assert (stored.mime_type, stored.width, stored.height) == ("image/png", 16, 12)


def test_the_same_image_uploaded_twice_is_one_file():
    first = image_store(image_upload_check(_upload(_image_bytes(), "a.png")))
    second = image_store(image_upload_check(_upload(_image_bytes(), "b.png")))

    assert first.name == second.name


def test_submission_refuses_a_bad_input_image_and_writes_nothing(backends):
    with pytest.raises(ValidationError) as refused:
        job_submit(prompt="a cat", model_type="SDXL", input_files=[_upload(_image_bytes()), _upload(SVG, "x.svg")])

    assert refused.value.message_dict == {"inputs": ["Input image #2 is not an image; upload a PNG, JPEG or WebP "
                                                     "image."]}
    assert (Job.objects.count(), GenerationImageInput.objects.count()) == (0, 0)


def test_submission_stores_the_re_encoded_input(backends):
    job = job_submit(prompt="a cat", model_type="SDXL", input_files=[_upload(_image_bytes("WEBP"), "in.webp")])

    image = job.inputs.get()
    assert (job.job_type, image.mime_type, image.width, image.height) == ("image_to_image", "image/webp", 16, 12)
    assert image.file.name.endswith(".webp") and image.file_size_bytes == image.file.size


@pytest.mark.parametrize("data, name", [(HTML, "evil.html"), (SVG, "evil.svg")])
def test_the_api_refuses_pages_as_images(api, data, name):
    job = JobFactory()

    response = api.post(f"/api/generations/{job.pk}/inputs", {"file": _upload(data, name, "image/png")},
                        format="multipart")

    assert response.status_code == 400
    assert response.json() == {"file": ["The file is not an image; upload a PNG, JPEG or WebP image."]}
    assert GenerationImageInput.objects.count() == 0


@override_settings(SERVE_MEDIA=True)
def test_media_is_served_with_its_type_nosniff_and_a_sandbox(client):
    stored = image_store(image_upload_check(_upload(_image_bytes())))
    default_storage.save("jobs/evil.html", io.BytesIO(HTML))

    image = client.get(f"/media/{stored.name}")
    page = client.get("/media/jobs/evil.html")

    assert (image.status_code, image["Content-Type"], image["X-Content-Type-Options"]) == (200, "image/png", "nosniff")
    assert "sandbox" in image["Content-Security-Policy"] and image["Content-Disposition"].startswith("inline")
    assert (page["Content-Type"], page["Content-Disposition"]) == ("application/octet-stream",
                                                                   'attachment; filename="evil.html"')
    assert client.get("/media/jobs/missing.png").status_code == 404
    assert client.get("/media/../settings.py").status_code == 404


def test_a_shared_file_stays_until_its_last_row_is_deleted(django_capture_on_commit_callbacks):
    name = default_storage.save("jobs/shared.png", io.BytesIO(_image_bytes()))
    first, second = OutputFactory(file=name, url=""), OutputFactory(file=name, url="")

    with django_capture_on_commit_callbacks(execute=True):
        generation_image_delete(image=first)
    kept = default_storage.exists(name)
    with django_capture_on_commit_callbacks(execute=True):
        generation_image_delete(image=second)

    assert kept is True
    assert default_storage.exists(name) is False
    assert GenerationImageOutput.objects.count() == 0


def test_a_thumbnail_shared_with_another_output_stays(django_capture_on_commit_callbacks):
    thumb = default_storage.save("thumbs/shared.png", io.BytesIO(_image_bytes()))
    own = default_storage.save("jobs/own.png", io.BytesIO(_image_bytes(color="red")))
    doomed = OutputFactory(file=own, url="", thumbnail=thumb)
    OutputFactory(file="jobs/other.png", url="", thumbnail=thumb)

    with django_capture_on_commit_callbacks(execute=True):
        generation_image_delete(image=doomed)

    assert (default_storage.exists(own), default_storage.exists(thumb)) == (False, True)
