"""The diff of two prompt versions or templates: unified text diffs, parameters key by key, side-by-side rows."""

import pytest
from django.core.exceptions import ValidationError

from prompts.diff import Row, Segment, key_diff, side_by_side
from prompts.selectors import version_diff
from tests.factories import PromptTemplateFactory, PromptVersionFactory

pytestmark = pytest.mark.django_db


def test_two_versions_differ_by_text_line_and_parameter_key():
    a = PromptVersionFactory(name="v1", system_prompt="You write prompts.\nBe brief.", user_prompt="a {subject}",
                             parameters={"temperature": 0.7, "top_p": 0.9, "negative_prompt": "blurry"})
    b = PromptVersionFactory(name="v2", system_prompt="You write prompts.\nBe vivid.", user_prompt="a {subject}",
                             parameters={"temperature": 0.8, "max_new_tokens": 256, "negative_prompt": "blurry, text"})

    diff = version_diff(a, b)

    texts = {text.field: text for text in diff.texts}
    assert (diff.kind, diff.changed) == ("version", True)
    assert list(texts) == ["system_prompt", "user_prompt", "negative_prompt"]
    assert texts["system_prompt"].unified == ["--- a/system_prompt", "+++ b/system_prompt", "@@ -1,2 +1,2 @@",
                                              " You write prompts.", "-Be brief.", "+Be vivid."]
    assert (texts["user_prompt"].changed, texts["user_prompt"].unified) == (False, [])
    assert texts["negative_prompt"].unified[-2:] == ["-blurry", "+blurry, text"]
    assert diff.parameters == key_diff({"temperature": 0.7, "top_p": 0.9}, {"temperature": 0.8, "max_new_tokens": 256})
    assert (diff.parameters.added, diff.parameters.removed, diff.parameters.changed) == (
        {"max_new_tokens": 256}, {"top_p": 0.9}, {"temperature": (0.7, 0.8)})
    assert diff.attributes.changed == {"name": ("v1", "v2")}


def test_versions_without_a_negative_prompt_have_no_negative_text_and_identical_ones_no_change():
    a = PromptVersionFactory(parameters=None)

    diff = version_diff(a, a)

    assert [text.field for text in diff.texts] == ["system_prompt", "user_prompt"]
    assert diff.changed is False and diff.parameters.any is False


def test_two_templates_differ_by_content_and_attributes():
    a = PromptTemplateFactory(version=1, content="masterpiece, best quality", is_active=True)
    b = PromptTemplateFactory(version=2, content="masterpiece, sharp focus")

    diff = version_diff(a, b)

    assert diff.kind == "template" and [text.field for text in diff.texts] == ["content"]
    assert diff.texts[0].unified[-2:] == ["-masterpiece, best quality", "+masterpiece, sharp focus"]
    assert diff.attributes.changed == {"version": (1, 2), "is_active": (True, False)}
    assert diff.parameters.any is False


def test_a_version_and_a_template_cannot_be_compared():
    with pytest.raises(ValidationError) as error:
        version_diff(PromptVersionFactory(), PromptTemplateFactory())

    assert error.value.message_dict == {"b": ["Compare a version with a version, or a template with a template."]}


def test_side_by_side_marks_the_changed_words_of_a_replaced_line_and_numbers_each_side():
    rows = side_by_side("masterpiece, best quality\nsoft light", "masterpiece, sharp focus\nsoft light\nfilm grain")

    assert rows[0] == Row("replace",
                          (Segment("masterpiece, "), Segment("best quality", True)),
                          (Segment("masterpiece, "), Segment("sharp focus", True)), 1, 1)
    assert rows[1] == Row("equal", (Segment("soft light"),), (Segment("soft light"),), 2, 2)
    assert rows[2] == Row("insert", None, (Segment("film grain", True),), None, 3)
