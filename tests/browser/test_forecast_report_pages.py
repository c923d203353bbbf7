"""The Forecasts and Reports pages fit 1440 × 900 with a forecast for each model, in both themes."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.browser.conftest import RESULTS
from tests.browser.test_layout import AA, CONTRAST, MEASURE, NO_TRANSITIONS, VIEWPORT, _log_in
from tests.factories import ModelPerformanceLogFactory, UserFactory

pytestmark = pytest.mark.slow


def test_forecast_and_report_pages_fit_the_screen(browser):
    UserFactory(username="boss", is_superuser=True)
    today = timezone.now().date()
    for model, days, volume in (("SDXL", 40, 30), ("WAN", 12, 8)):
        for back in range(1, days):
            total, successful = volume + back % 7, volume - 5 + back % 5
            ModelPerformanceLogFactory(model_type=model, date=today - timedelta(days=back), total_generations=total,
                                       successful_generations=successful, failed_generations=total - successful)
    page = browser.page
    page.set_viewport_size(VIEWPORT)
    _log_in(page, browser.base_url)
    problems, folder = {}, RESULTS / "forecasts-reports"
    folder.mkdir(parents=True, exist_ok=True)
    for index, path in enumerate(["/admin/analytics/modelperformancelog/forecasts/",
                                  "/admin/analytics/modelperformancelog/reports/",
                                  "/admin/analytics/modelperformancelog/reports/?period=&since=2026-02-02"
                                  "&until=2026-01-01&audience=executive&download=1"]):
        response = page.goto(browser.base_url + path)
        page.add_style_tag(content=NO_TRANSITIONS)
        page.screenshot(path=folder / f"{index:02d}.png", full_page=True)
        found = [f"HTTP {response.status}"] if response.status >= 400 and "download" not in path else []
        found += [f"{box} overflows by {px} px" for box, px in page.evaluate(MEASURE).items() if px > 1]
        for theme in ("light", "dark"):
            page.evaluate("(theme) => document.documentElement.dataset.theme = theme", theme)
            found += [f"{theme} theme: {item}" for item in page.evaluate(CONTRAST, AA)]
        if found:
            problems[path] = found

    assert page.locator("text=since (2026-02-02) is after until (2026-01-01).").count() == 1
    assert problems == {}
