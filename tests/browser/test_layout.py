"""Every working page fits a 1440 × 900 laptop screen, in Chromium, on the demo data.

One test walks every page the portal index links (each changelist and custom page) plus the object pages
people work on, and measures each one: no horizontal overflow of the page, the content box or a results
table; the named key controls inside the viewport; every link and button readable (WCAG AA contrast) in
the light and the dark theme. A screenshot of every page is written to ``test-results/layout/`` whether
the test passes or fails, for a person to look at. Problems are collected over all pages and reported
together, so one run names every page that needs work.
"""

import re

import pytest
from django.core.management import call_command

from analytics.models import PromptABTest
from generations.models import Job
from tests.browser.conftest import RESULTS
from tests.factories import UserFactory

pytestmark = pytest.mark.slow
VIEWPORT = {"width": 1440, "height": 900}
SHOTS = RESULTS / "layout"
AA = 4.5  # WCAG 2 AA, normal-size text

# Overflow in CSS pixels: of the page (a sideways scrollbar), of the content box (anything in it that
# ends past the right edge of the window, hidden or not) and of each table or module box (a scrollbar of
# its own, or content running out of it).
MEASURE = """() => {
  const width = document.documentElement.clientWidth;
  const right = Math.max(0, ...[...document.querySelectorAll('#content *')].map(
    (el) => el.getBoundingClientRect().right));
  const over = (el) => Math.max(0, el.scrollWidth - el.clientWidth);
  const boxes = [...document.querySelectorAll('.results, #dashboard, .module')];
  return {page: Math.max(0, document.documentElement.scrollWidth - width), content: Math.max(0, right - width),
          table: Math.max(0, ...boxes.map(over))};
}"""
# The admin animates background colours: a theme switch is measured with transitions off.
NO_TRANSITIONS = "*, *::before, *::after { transition: none !important; animation: none !important; }"

# Links and buttons in the content whose text contrast with their background is under ``aa``.
CONTRAST = """(aa) => {
  const rgba = (text) => { const m = text.match(/[\\d.]+/g) || [0, 0, 0, 0];
    return [+m[0], +m[1], +m[2], m[3] === undefined ? 1 : +m[3]]; };
  const lum = ([r, g, b]) => { const c = [r, g, b].map((v) => { v /= 255;
    return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
    return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2]; };
  const background = (el) => {
    const layers = [];
    for (let node = el; node; node = node.parentElement) {
      const colour = rgba(getComputedStyle(node).backgroundColor);
      if (colour[3] > 0) { layers.push(colour); if (colour[3] >= 1) break; }
    }
    let result = [255, 255, 255];
    for (const [r, g, b, a] of layers.reverse()) result = [r * a + result[0] * (1 - a),
      g * a + result[1] * (1 - a), b * a + result[2] * (1 - a)];
    return result;
  };
  const bad = [];
  for (const el of document.querySelectorAll(
      '#content a, #content button, #content input[type=submit], #content input[type=button]')) {
    const box = el.getBoundingClientRect();
    const text = (el.innerText || el.value || '').trim();
    if (!text || box.width === 0 || box.height === 0 || el.disabled) continue;
    const style = getComputedStyle(el);
    if (style.visibility === 'hidden' || +style.opacity === 0) continue;
    const back = background(el);
    const [r, g, b, a] = rgba(style.color);
    const fore = [r * a + back[0] * (1 - a), g * a + back[1] * (1 - a), b * a + back[2] * (1 - a)];
    const [hi, lo] = [lum(fore), lum(back)].sort((x, y) => y - x);
    const ratio = (hi + 0.05) / (lo + 0.05);
    if (ratio < aa) bad.push(`"${text.slice(0, 30)}" ${ratio.toFixed(2)}:1`);
  }
  return [...new Set(bad)].slice(0, 5);
}"""

# Controls that must be on screen without scrolling sideways, per page.
KEY_CONTROLS = {
    "/admin/generations/job/": ("td.field-prompt_excerpt", "td.field-status", "td.field-quality_rating select",
                                "td.field-notes textarea, td.field-notes input",
                                "td.field-failure_reason select"),
    "/admin/configs/configchangehistory/": tuple(f"th.column-{name}" for name in (
        "jobs_before_after", "success_before_after", "rating_before_after", "time_before_after",
        "quality_impact", "performance_impact")),
    "/admin/configs/enhancedmodelconfig/": ("th.column-is_active", "td.field-is_active"),
}
VISIBLE = """(selector) => { const el = document.querySelector(selector); if (!el) return 'missing';
  const box = el.getBoundingClientRect();
  return box.width > 0 && box.left >= 0 && box.right <= window.innerWidth ? 'ok'
    : `at ${Math.round(box.left)}-${Math.round(box.right)} px`; }"""


def _log_in(page, base_url):
    page.goto(base_url + "/admin/login/")
    page.fill("#id_username", "boss")
    page.fill("#id_password", "pw")
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/")


def _pages(page, base_url) -> list[str]:
    """What the index links (every list and custom page the superuser sees) and the object pages."""
    links = page.eval_on_selector_all("#content-main th a, #content-main td a:not(.addlink):not(.changelink)",
                                      "els => els.map(e => e.getAttribute('href'))")
    test = PromptABTest.objects.filter(status="running").first()
    job = Job.objects.filter(status="completed").first()
    arms = PromptABTest.objects.exclude(variants=[]).first()  # the demo's four-arm draft
    extra = ["/admin/", f"/admin/generations/job/{job.pk}/change/", f"/admin/analytics/promptabtest/{test.pk}/change/",
             f"/admin/analytics/promptabtest/{test.pk}/rate/", f"/admin/analytics/promptabtest/{test.pk}/queue/",
             f"/admin/analytics/promptabtest/{arms.pk}/change/", f"/admin/analytics/promptabtest/{arms.pk}/rate/",
             "/admin/analytics/promptabtest/add/", "/admin/prompts/prompt/import/"]
    return list(dict.fromkeys([*extra, *(link for link in links if link and link.startswith("/admin/"))]))


def _shot_name(path: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", path.lower()).strip("-")[:90] or "index"


def test_every_page_fits_1440_by_900_with_its_key_controls_and_readable_links(browser):
    call_command("seed_demo", jobs="300", no_progress=True)
    UserFactory(username="boss", is_superuser=True)
    page = browser.page
    page.set_viewport_size(VIEWPORT)
    _log_in(page, browser.base_url)
    SHOTS.mkdir(parents=True, exist_ok=True)
    problems: dict[str, list[str]] = {}

    paths = _pages(page, browser.base_url)
    for index, path in enumerate(paths):
        response = page.goto(browser.base_url + path)
        found = problems.setdefault(path, [])
        if response is None or response.status >= 400:
            found.append(f"HTTP {response.status if response else '?'}")
            continue
        page.add_style_tag(content=NO_TRANSITIONS)
        page.screenshot(path=SHOTS / f"{index:02d}-{_shot_name(path)}.png", full_page=True)
        overflow = page.evaluate(MEASURE)
        found += [f"{box} overflows by {px} px" for box, px in overflow.items() if px > 1]
        for selector in KEY_CONTROLS.get(path, ()):
            where = page.evaluate(VISIBLE, selector)
            if where != "ok":
                found.append(f"{selector} {where}")
        for theme in ("light", "dark"):
            page.evaluate("(theme) => document.documentElement.dataset.theme = theme", theme)
            found += [f"{theme} theme: {item}" for item in page.evaluate(CONTRAST, AA)]
    failures = {path: items for path, items in problems.items() if items}

    assert len(paths) >= 40, paths  # every changelist and custom page of the index, not a few
    assert set(KEY_CONTROLS) <= set(paths)
    assert not failures, "\n".join(f"{path}: {'; '.join(items)}" for path, items in failures.items())


def test_prompt_testing_gives_the_prompt_the_width_and_submits_with_ctrl_enter(browser):
    UserFactory(username="boss", is_superuser=True)
    page = browser.page
    page.set_viewport_size(VIEWPORT)
    _log_in(page, browser.base_url)

    page.goto(browser.base_url + "/admin/generations/job/prompt-testing/")
    widths = page.eval_on_selector_all(
        "#batch tbody tr:first-child :is(textarea, select, input)",
        "els => els.map(e => [e.name, Math.round(e.getBoundingClientRect().width)])")
    focused = page.evaluate("document.activeElement.name")
    page.keyboard.press("Tab")
    after_tab = page.evaluate("document.activeElement.name")
    for _ in range(4):  # prompts 3 to 5, then Submit batch; every other control follows in page order
        page.keyboard.press("Tab")
    after_last_prompt = page.evaluate("document.activeElement.value")
    series = page.input_value("input[name=test_series]")
    browser.snap("prompt-testing")

    prompt_width = dict(widths)["row-0-prompt"]
    assert all(prompt_width > width for name, width in widths if name != "row-0-prompt"), widths
    assert prompt_width > VIEWPORT["width"] / 3
    assert (focused, after_tab, series) == ("row-0-prompt", "row-1-prompt", "prompt-testing")
    assert after_last_prompt == "Submit batch"
    page.fill("textarea[name=row-0-prompt]", "")
    page.keyboard.press("Control+Enter")  # an empty batch: the page answers without creating anything
    page.wait_for_selector("text=Type at least one prompt.")
    assert Job.objects.count() == 0


@pytest.mark.parametrize("path", ["/api/docs/", "/api/redoc/"])
def test_the_api_docs_ask_nothing_of_other_hosts(browser, path):
    """Fonts, scripts, images: a fresh install serves its API docs with no network beyond itself."""
    UserFactory(username="boss", is_superuser=True)
    page = browser.page
    _log_in(page, browser.base_url)
    requests, errors = [], []
    page.on("request", lambda request: requests.append(request.url))
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)

    page.goto(browser.base_url + path, wait_until="networkidle")
    page.wait_for_selector("text=OurVidz Admin API")
    browser.snap()

    outside = [url for url in requests if not url.startswith((browser.base_url, "blob:", "data:"))]
    assert not outside and not errors, (outside, errors)
