"""The portal as a person uses it: a real browser, a live server and a real worker on the tiny models."""

import csv
import io

import pytest

from configs.services import model_backend_set
from generations.models import Job
from tests.factories import PromptVersionFactory, UserFactory
from tests.workers.conftest import wait_for

pytestmark = pytest.mark.slow
SERIES = "browser-batch"


def _log_in(browser, username="boss", password="pw"):
    page = browser.visit("/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/")
    browser.snap("index")
    return page


def test_submit_watch_rate_and_export_a_batch(browser, workers, tiny_models):
    UserFactory(username="boss", is_superuser=True)
    model_backend_set(family="sdxl", path=str(tiny_models["sdxl"]), model_name="tiny-sdxl", max_side=64)
    workers.start(burst=False)
    page = _log_in(browser)

    page = browser.visit(f"/admin/generations/job/prompt-testing/?series={SERIES}")
    page.fill("input[name=test_series]", SERIES)
    for row in range(5):
        page.fill(f"textarea[name=row-{row}-prompt]", f"browser prompt {row}, soft light")
    page.click("input[value='Submit batch']")
    page.wait_for_selector("text=Submitted 5 job(s).")
    for row in page.query_selector_all("#results tr[data-job]"):
        job_id = row.get_attribute("data-job")
        page.wait_for_selector(f"tr[data-job='{job_id}'] .status-completed", timeout=120_000)
    browser.snap("batch-completed")

    page = browser.visit(f"/admin/generations/job/rate/?test_series={SERIES}")
    first = page.inner_text("#position")
    page.keyboard.press("4")
    page.wait_for_function("(first) => document.querySelector('#position').innerText !== first", arg=first)
    page.keyboard.press("5")
    wait_for(lambda: Job.objects.filter(test_series=SERIES, quality_rating__isnull=False).count() == 2, timeout=10)
    browser.snap("rated")

    page = browser.visit(f"/admin/generations/job/prompt-testing/?series={SERIES}")
    with page.expect_download() as download:
        page.click("text=Export CSV")
    rows = list(csv.DictReader(io.StringIO(open(download.value.path()).read())))

    jobs = Job.objects.filter(test_series=SERIES)
    assert jobs.count() == 5 and set(jobs.values_list("status", flat=True)) == {"completed"}
    assert sorted(jobs.exclude(quality_rating=None).values_list("quality_rating", flat=True)) == [4, 5]
    assert sorted(r["original_prompt"] for r in rows) == [f"browser prompt {n}, soft light" for n in range(5)]
    assert sorted(r["quality_rating"] for r in rows) == ["", "", "", "4", "5"]


def test_change_a_configuration_and_find_it_in_the_history(browser):
    from tests.factories import EnhancedModelConfigFactory

    UserFactory(username="boss", is_superuser=True)
    config = EnhancedModelConfigFactory(config_name="SDXL default", inference_steps=20, is_active=True)
    _log_in(browser)

    page = browser.visit(f"/admin/configs/enhancedmodelconfig/{config.pk}/change/")
    page.fill("input[name=inference_steps]", "30")
    page.click("input[name=_save]")
    page.wait_for_selector("ul.messagelist")
    browser.snap("saved")
    page = browser.visit("/admin/configs/configchangehistory/")

    assert page.is_visible("text=inference_steps 20 → 30")
    config.refresh_from_db()
    assert config.inference_steps == 30


def test_moderator_cannot_change_configuration_or_users(browser):
    from django.contrib.auth.models import Group

    from tests.factories import EnhancedModelConfigFactory

    moderator = UserFactory(username="mod")
    moderator.groups.add(Group.objects.get(name="moderator"))
    config = EnhancedModelConfigFactory(config_name="SDXL default", inference_steps=20)
    _log_in(browser, "mod")

    page = browser.visit(f"/admin/configs/enhancedmodelconfig/{config.pk}/change/")
    editable = page.query_selector("input[name=inference_steps]")
    users = browser.visit("/admin/auth/user/")

    assert editable is None
    assert "403" in users.title() or users.is_visible("text=403 Forbidden")


def test_prompt_testing_runs_image_to_image_with_strength_and_a_lora(browser, workers, tiny_models, tmp_path):
    import os

    from PIL import Image

    from configs.models import LoRA
    from gpu.outputs import parse_a1111_parameters, read_png_parameters

    UserFactory(username="boss", is_superuser=True)
    model_backend_set(family="sdxl", path=str(tiny_models["sdxl"]), model_name="tiny-sdxl", max_side=64)
    LoRA.objects.create(name="tiny_style", path=str(tiny_models["sdxl_lora"]), model_family="sdxl")
    version = PromptVersionFactory(user_prompt="a {animal} in {style}", model_name="SDXL")
    source = tmp_path / "source.png"
    Image.new("RGB", (64, 64), "teal").save(source)
    workers.start(burst=False)
    page = _log_in(browser)

    page = browser.visit("/admin/generations/job/prompt-testing/?series=browser-inputs")
    page.fill("input[name=test_series]", "browser-inputs")
    page.fill("textarea[name=row-0-prompt]", "the same square, oil paint")
    page.set_input_files("input[name=row-0-image]", str(source))
    page.fill("input[name=row-0-strength]", "0.35")
    page.fill("textarea[name=row-1-prompt]", "a teal square <lora:tiny_style:0.6>")
    page.select_option("select[name=row-2-prompt_version]", str(version.pk))
    assert page.inner_text(".needs[data-row='2']") == "this version needs: animal, style"
    page.fill("input[name=row-2-variables]", "animal=heron; style=ink")
    if os.environ.get("BROWSER_SHOTS"):
        page.screenshot(path=f"{os.environ['BROWSER_SHOTS']}/prompt-testing-filled.png")
    page.click("input[value='Submit batch']")
    page.wait_for_selector("text=Submitted 3 job(s).")
    for row in page.query_selector_all("#results tr[data-job]"):
        page.wait_for_selector(f"tr[data-job='{row.get_attribute('data-job')}'] .status-completed", timeout=120_000)
    browser.snap("inputs-completed")

    image_job = Job.objects.get(test_series="browser-inputs", job_type="image_to_image")
    lora_job = Job.objects.get(test_series="browser-inputs", job_type="text_to_image", prompt_version=None)
    assert Job.objects.get(test_series="browser-inputs", prompt_version=version).original_prompt == "a heron in ink"
    assert image_job.lineage["call"]["strength"] == 0.35 and image_job.inputs.count() == 1
    assert parse_a1111_parameters(read_png_parameters(image_job.outputs.get().file.read()))["Denoising strength"] \
        == "0.35"
    assert lora_job.original_prompt == "a teal square" and lora_job.lineage["call"]["loras"][0]["weight"] == 0.6
