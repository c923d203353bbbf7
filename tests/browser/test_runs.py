"""The grid page as a prompt engineer uses it: a 2 × 2 × 2 run made from the command line, run by a real
worker on the tiny models, rated from the grid with the keyboard, exported as a contact sheet."""

import io

import pytest
from django.core.management import call_command
from PIL import Image

from configs.services import model_backend_set
from generations.models import ExperimentRun, Job
from tests.factories import UserFactory
from tests.workers.conftest import wait_for

pytestmark = pytest.mark.slow


def test_a_grid_from_the_command_line_runs_and_is_rated_from_its_page(browser, workers, tiny_models, capsys):
    UserFactory(username="boss", is_superuser=True)
    model_backend_set(family="sdxl", path=str(tiny_models["sdxl"]), model_name="tiny-sdxl", max_side=64)
    call_command("run_grid", "--model", "SDXL", "--prompt", "a lighthouse at dusk", "--axis", "strategy=none,compel",
                 "--axis", "steps=2,3", "--axis", "cfg=5,7", "--name", "browser grid")
    run = ExperimentRun.objects.get(pk=capsys.readouterr().out.strip())
    workers.start(burst=True)
    wait_for(lambda: Job.objects.filter(test_series=run.test_series, status="completed").count() == 8, timeout=240)

    page = browser.visit("/admin/login/")
    page.fill("#id_username", "boss")
    page.fill("#id_password", "pw")
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/")
    page = browser.visit(f"/admin/generations/experimentrun/{run.pk}/grid/")
    headers = page.eval_on_selector_all(".run-grid thead th", "els => els.map(e => e.textContent.trim())")
    rows = page.eval_on_selector_all(".run-grid tbody th", "els => els.map(e => e.textContent.trim())")
    titles = page.eval_on_selector_all("#content h2", "els => els.map(e => e.textContent.trim())")
    page.click("div.cell img.thumb >> nth=0")
    enlarged = page.is_visible("#lightbox img")
    page.keyboard.press("Escape")
    page.keyboard.press("4")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("2")
    wait_for(lambda: Job.objects.filter(test_series=run.test_series, rating_count=1).count() == 2, timeout=10)
    browser.snap("grid-rated")
    with page.expect_download() as download:
        page.click("text=Contact sheet (PNG)")
    sheet = Image.open(io.BytesIO(open(download.value.path(), "rb").read()))

    assert headers[1:3] == ["none", "compel"] and headers[0].startswith("steps")
    assert rows[:2] == ["2", "3"] and titles == ["a lighthouse at dusk · cfg = 5.0", "a lighthouse at dusk · cfg = 7.0"]
    assert page.locator("div.cell img.thumb").count() == 8 and enlarged
    rated = dict(Job.objects.filter(test_series=run.test_series, rating_count=1).values_list("enhancement_strategy",
                                                                                            "quality_rating"))
    assert rated == {"none": 4, "compel": 2}
    assert sheet.format == "PNG" and sheet.width > 2 * 192
