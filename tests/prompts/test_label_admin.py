"""The admin's "Compare with…", "Move label…" and "Roll back" pages on versions and templates."""

import pytest
from django.contrib.admin.models import LogEntry
from django.urls import reverse

from prompts.labels import label_move
from prompts.models import PromptLabel, PromptLabelMove
from tests.factories import PromptFactory, PromptTemplateFactory, PromptVersionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def templates():
    return [PromptTemplateFactory(version=n, is_active=n == 1, content=f"masterpiece, style {n}") for n in (1, 2)]


def _url(name, obj, model="prompttemplate"):
    return reverse(f"admin:prompts_{model}_{name}", args=[obj.pk])


def test_the_change_page_links_compare_and_labels(admin_client, templates):
    body = admin_client.get(_url("change", templates[0])).content.decode()

    assert _url("compare", templates[0]) in body and "Compare with…" in body
    assert _url("labels", templates[0]) in body and "Move label…" in body


def test_compare_shows_both_sides_with_the_changed_words_marked(admin_client):
    prompt = PromptFactory()
    a = PromptVersionFactory(prompt=prompt, system_prompt="Be brief.", parameters={"top_p": 0.9})
    b = PromptVersionFactory(prompt=prompt, system_prompt="Be vivid.", parameters={"top_p": 0.8})

    response = admin_client.get(_url("compare", a, "promptversion") + f"?against={b.pk}")

    body = response.content.decode()
    assert response.status_code == 200
    assert '<mark class="del">brief.</mark>' in body and '<mark class="ins">vivid.</mark>' in body
    assert "<td>top_p</td><td>changed</td>" in body
    assert f'<option value="{b.pk}" selected>' in body  # the same prompt's versions are offered


def test_compare_with_an_unknown_id_says_so(admin_client, templates):
    body = admin_client.get(_url("compare", templates[0]) + "?against=nope").content.decode()

    assert "No prompt template with id &#x27;nope&#x27;." in body


def test_moving_a_label_from_the_page_records_it_and_logs_it(admin_client, superuser, templates):
    response = admin_client.post(_url("labels", templates[1]), {
        "name": "production", "reason": "sharper", "justification_kind": "ab_test", "justification_id": "t-1"})

    move = PromptLabelMove.objects.get()
    assert response.status_code == 302 and response["Location"] == _url("labels", templates[1])
    assert (move.to_template, move.from_template, move.moved_by, move.justification_id) == (
        templates[1], templates[0], superuser, "t-1")
    assert LogEntry.objects.get().change_message == f"Label production moved here from {templates[0]}."


def test_a_bad_name_is_shown_on_the_form(admin_client, templates):
    response = admin_client.post(_url("labels", templates[1]), {"name": "Prod Label"})

    assert response.status_code == 200 and "A label name is lower-case letters" in response.content.decode()
    assert not PromptLabel.objects.exists()


def test_roll_back_from_the_page(admin_client, templates):
    label_move(target=templates[1], name="production")

    response = admin_client.post(_url("label_rollback", templates[1]), {"name": "production"})

    assert response.status_code == 302 and PromptLabel.objects.get().template == templates[0]
    assert LogEntry.objects.get().object_id == str(templates[0].pk)


def test_the_labels_page_lists_labels_and_history(admin_client, templates):
    label_move(target=templates[1], name="production", reason="sharper")

    body = admin_client.get(_url("labels", templates[0])).content.decode()

    assert '<span class="badge production">production</span>' in body and "sharper" in body
    assert "Roll back" in body and "Move label here" in body


def test_a_version_without_a_library_prompt_explains_why_it_has_no_labels(admin_client):
    version = PromptVersionFactory()

    body = admin_client.get(_url("labels", version, "promptversion")).content.decode()

    assert "belongs to no library prompt" in body and "Move label here" not in body


def test_viewers_see_the_pages_but_cannot_move_or_roll_back(client, role_user, templates):
    label_move(target=templates[1], name="production")
    client.force_login(role_user("viewer"))

    page = client.get(_url("labels", templates[0]))
    compare = client.get(_url("compare", templates[0]) + f"?against={templates[1].pk}")
    move = client.post(_url("labels", templates[0]), {"name": "production"})
    rollback = client.post(_url("label_rollback", templates[0]), {"name": "production"})

    assert (page.status_code, compare.status_code, move.status_code, rollback.status_code) == (200, 200, 403, 403)
    assert "Move label here" not in page.content.decode()
    assert PromptLabel.objects.get().template == templates[1]


def test_the_move_label_action_opens_the_page_of_the_one_selected_row(admin_client, templates):
    response = admin_client.post(reverse("admin:prompts_prompttemplate_changelist"),
                                 {"action": "move_label", "_selected_action": [str(templates[1].pk)]})

    assert response.status_code == 302 and response["Location"] == _url("labels", templates[1])


def test_the_template_list_shows_each_rows_labels(admin_client, templates):
    label_move(target=templates[1], name="staging")

    body = admin_client.get(reverse("admin:prompts_prompttemplate_changelist")).content.decode()

    assert '<td class="field-label_names">staging</td>' in body
