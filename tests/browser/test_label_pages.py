"""The compare and labels pages of versions and templates fit 1440 × 900 with long prompts, in both themes."""

import pytest

from prompts.labels import label_move
from tests.browser.conftest import RESULTS
from tests.browser.test_layout import AA, CONTRAST, MEASURE, NO_TRANSITIONS, VIEWPORT, _log_in
from tests.factories import PromptFactory, PromptTemplateFactory, PromptVersionFactory, UserFactory

pytestmark = pytest.mark.slow
LONG = ", ".join(f"detail{n} with a rather long descriptive phrase" for n in range(60))


def test_compare_and_labels_pages_fit_the_screen(browser):
    UserFactory(username="boss", is_superuser=True)
    prompt = PromptFactory(name="sdxl-prompt-enhancer")
    a = PromptVersionFactory(prompt=prompt, name="enhancer v1", system_prompt=LONG + "\nline two",
                             parameters={"temperature": 0.7, "negative_prompt": LONG, "notes": LONG})
    b = PromptVersionFactory(prompt=prompt, name="enhancer v2", system_prompt=LONG.replace("detail7", "x") + "\n2",
                             parameters={"temperature": 0.8, "negative_prompt": LONG[:300]})
    one = PromptTemplateFactory(version=1, is_active=True, content=LONG)
    two = PromptTemplateFactory(version=2, content=LONG.replace("detail3", "sharper"))
    for target in (b, two):
        label_move(target=target, name="production", reason=LONG[:500], justification_kind="ab_test",
                   justification_id="0190c4c2-aaaa-bbbb-cccc-123456789abc")
    page = browser.page
    page.set_viewport_size(VIEWPORT)
    _log_in(page, browser.base_url)
    paths = [f"/admin/prompts/promptversion/{a.pk}/compare/?against={b.pk}",
             f"/admin/prompts/promptversion/{a.pk}/labels/", f"/admin/prompts/promptversion/{a.pk}/change/",
             f"/admin/prompts/prompttemplate/{one.pk}/compare/?against={two.pk}",
             f"/admin/prompts/prompttemplate/{one.pk}/labels/"]
    problems = {}
    (RESULTS / "labels").mkdir(parents=True, exist_ok=True)
    for index, path in enumerate(paths):
        response = page.goto(browser.base_url + path)
        page.add_style_tag(content=NO_TRANSITIONS)
        page.screenshot(path=RESULTS / "labels" / f"{index:02d}.png", full_page=True)
        found = [f"HTTP {response.status}"] if response.status >= 400 else []
        found += [f"{box} overflows by {px} px" for box, px in page.evaluate(MEASURE).items() if px > 1]
        for theme in ("light", "dark"):
            page.evaluate("(theme) => document.documentElement.dataset.theme = theme", theme)
            found += [f"{theme} theme: {item}" for item in page.evaluate(CONTRAST, AA)]
        if found:
            problems[path] = found

    assert problems == {}
