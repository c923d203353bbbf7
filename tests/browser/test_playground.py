"""The Prompt playground in a real browser: resolve a prompt, read its system prompt, rules and lineage."""

import pytest

from generations.models import Job
from tests.browser.test_layout import MEASURE, VIEWPORT, _log_in
from tests.factories import PromptRuleFactory, PromptTagFactory, PromptTemplateFactory, UserFactory

pytestmark = pytest.mark.slow


def test_resolve_a_prompt_and_see_its_system_prompt_rules_and_lineage(browser):
    UserFactory(username="boss", is_superuser=True)
    system = PromptTemplateFactory(name="SDXL system", content="{style} photograph", is_active=True)
    PromptRuleFactory(name="Portrait lens", content="85mm lens", priority=30).tags.add(
        PromptTagFactory(name="portrait"))
    page = browser.page
    page.set_viewport_size(VIEWPORT)
    _log_in(page, browser.base_url)

    page = browser.visit("/admin/generations/job/playground/")
    page.click("#resolve")  # nothing typed: the API's 400 names the field on the page
    page.wait_for_selector("#preview-errors:has-text('prompt: The prompt cannot be empty.')")
    page.fill("textarea[name=prompt]", "a lighthouse keeper at dusk")
    page.fill("input[name=tags]", "portrait")
    page.fill("input[name=variables]", "style=noir")
    page.click("#resolve")
    page.wait_for_selector("#out-system:has-text('noir photograph')")
    browser.snap("resolved")

    assert page.inner_text("#out-final") == "noir photograph, a lighthouse keeper at dusk, 85mm lens"
    assert page.inner_text("#out-rules tbody td:nth-child(2)") == "Portrait lens"
    lineage = page.inner_text("#out-lineage")
    assert str(system.pk) in lineage and '"rule_ids"' in lineage
    assert page.is_hidden("#preview-errors")
    assert {box: px for box, px in page.evaluate(MEASURE).items() if px > 1} == {}
    assert Job.objects.count() == 0
