"""/api/prompts/preview and /api/prompts/chat, and the Prompt playground admin page: shapes, per-field 400s, 503s,
who may call them. The rewrite and chat answered by a real worker are in tests/workers/test_playground.py."""

import django_rq
import pytest
from django.urls import reverse

from generations.models import Job
from generations.playground import NO_WORKER
from ourvidz_admin.middleware import UNAVAILABLE
from prompts.models import PromptLog
from tests.factories import (
    CharacterFactory,
    PromptRuleFactory,
    PromptTagFactory,
    PromptTemplateFactory,
    UserFactory,
)
from tests.generations.test_queue_outage import SwitchableRedis, outage  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db
PREVIEW, CHAT = "/api/prompts/preview", "/api/prompts/chat"


@pytest.fixture
def library(backends):
    tag = PromptTagFactory(name="portrait")
    rule = PromptRuleFactory(name="Portrait lens", content="85mm lens", priority=30)
    rule.tags.add(tag)
    return {
        "system": PromptTemplateFactory(name="SDXL system", content="{style} photograph", is_active=True),
        "rewrite": PromptTemplateFactory(name="Rewrite", template_type="rewrite", content="Rewrite it.",
                                         is_active=True),
        "chat": PromptTemplateFactory(name="Chat", model_family="qwen_instruct", use_case="chat",
                                      template_type="chat", content="Be kind.", is_active=True),
        "rule": rule, "character": CharacterFactory(name="Ava", slug="ava", base_prompt="auburn braid"),
    }


def test_preview_answers_the_resolved_prompt_without_a_job_or_a_queue_entry(api, library):
    queue = django_rq.get_queue("enhance")
    before = queue.count

    response = api.post(PREVIEW, {"model": "sdxl", "prompt": "a keeper", "strategy": "qwen", "tags": ["portrait"],
                                  "character_id": str(library["character"].pk), "variables": {"style": "noir"}},
                        format="json")

    body = response.json()
    assert response.status_code == 200, body
    assert (body["model"], body["job_type"], body["strategy"], body["content_mode"]) == (
        "SDXL", "text_to_image", "qwen", "sfw")
    assert body["system_prompt"] == "noir photograph"
    assert body["final_prompt"] == "noir photograph, auburn braid, a keeper, 85mm lens"
    assert [(rule["name"], rule["position"], rule["weight"]) for rule in body["rules"]] == [
        ("Portrait lens", "append", None)]
    assert body["character"]["slug"] == "ava" and body["rewrite_instruction"] == "Rewrite it."
    assert body["lineage"]["templates"]["system"]["id"] == str(library["system"].pk)
    assert body["lineage"]["rule_ids"] == [str(library["rule"].pk)] and body["lineage"]["character"] == "ava"
    assert body["rewrite"] is None and body["warnings"] == []
    assert (Job.objects.count(), queue.count) == (0, before)


@pytest.mark.parametrize("payload, field", [
    ({}, "model"),
    ({"model": "FLUX", "prompt": "x"}, "model"),
    ({"model": "SDXL", "prompt": "x"}, "variables"),  # the system template needs {style}
    ({"model": "SDXL", "prompt": "x", "variables": {"style": "a"}, "template_id": "{chat}"}, "template_id"),
    ({"model": "SDXL", "prompt": "x", "template_id": "00000000-0000-0000-0000-000000000000"}, "template_id"),
    ({"model": "SDXL", "prompt": "x", "character_id": "00000000-0000-0000-0000-000000000000"}, "character_id"),
    ({"model": "WAN", "prompt": "x", "job_type": "text_to_image"}, "job_type"),
    ({"model": "SDXL", "prompt": ""}, "prompt"),
    ({"model": "SDXL", "prompt": "x", "colour": "red"}, "colour"),
    ({"model": "SDXL", "prompt": "x", "variables": {"1bad": "y"}}, "variables"),
])
def test_preview_400s_name_the_field(api, library, payload, field):
    payload = {key: value.format(chat=library["chat"].pk) if isinstance(value, str) else value
               for key, value in payload.items()}

    response = api.post(PREVIEW, payload, format="json")

    assert response.status_code == 400
    assert list(response.json()) == [field], response.json()


def test_rewrite_and_chat_answer_503_when_the_queue_is_down_or_no_worker_listens(api, library, outage):  # noqa: F811
    preview = {"model": "SDXL", "prompt": "a keeper", "strategy": "qwen", "variables": {"style": "noir"},
               "rewrite": True}
    chat = {"message": "hello", "template_id": str(library["chat"].pk)}

    outage.down()
    down = [api.post(PREVIEW, preview, format="json"), api.post(CHAT, chat, format="json")]
    outage.up()
    idle = [api.post(PREVIEW, preview, format="json"), api.post(CHAT, chat, format="json")]

    assert [(r.status_code, r.json()) for r in down] == [(503, {"detail": UNAVAILABLE})] * 2
    assert [(r.status_code, r.json()) for r in idle] == [(503, {"detail": NO_WORKER})] * 2
    assert (Job.objects.count(), PromptLog.objects.count(), outage.queued_ids("enhance")) == (0, 0, [])


@pytest.mark.parametrize("payload, field", [
    ({}, "message"),
    ({"message": "hi", "use_case": "poetry"}, "use_case"),
    ({"message": "hi", "use_case": "roleplay"}, "character_id"),
    ({"message": "hi", "template_id": "{system}"}, "template_id"),
    ({"message": "hi", "conversation_id": "not-a-uuid"}, "conversation_id"),
])
def test_chat_400s_name_the_field(api, library, payload, field):
    payload = {key: value.format(system=library["system"].pk) if isinstance(value, str) else value
               for key, value in payload.items()}

    response = api.post(CHAT, payload, format="json")

    assert response.status_code == 400
    assert list(response.json()) == [field], response.json()


@pytest.mark.parametrize("role, status", [("viewer", 403), ("moderator", 403), ("admin", 400)])
def test_only_staff_who_may_add_jobs_use_the_playground(role_client, anon, role, status):
    client = role_client(role)

    answers = {client.post(url, {}, format="json").status_code for url in (PREVIEW, CHAT)}

    assert answers == {status}
    assert {anon.post(url, {}, format="json").status_code for url in (PREVIEW, CHAT)} == {401}


def test_the_playground_page_is_linked_from_the_index_and_needs_the_add_job_permission(admin_client, client,
                                                                                       role_user, library):
    url = reverse("admin:generations_job_playground")

    page = admin_client.get(url)
    index = admin_client.get(reverse("admin:index"))
    client.force_login(role_user("moderator"))
    refused = client.get(url)
    client.force_login(UserFactory(username="staff-no-perms"))
    plain = client.get(url)

    assert page.status_code == 200
    html = page.content.decode()
    assert all(text in html for text in ('id="resolve"', 'id="rewrite"', 'id="chat-send"', PREVIEW, CHAT,
                                         "SDXL system v", "Chat v", "Ava"))
    assert f'href="{url}"' in index.content.decode()
    assert (refused.status_code, plain.status_code) == (403, 403)
