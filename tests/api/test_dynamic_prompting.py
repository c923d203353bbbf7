"""Templates, rules (tags by name), characters, model parameters, /prompts/resolve and the cache refresh."""

import pytest

from prompts.models import Character, ModelParameters, PromptRule, PromptTemplate
from tests.factories import CharacterFactory, PromptTemplateFactory

pytestmark = pytest.mark.django_db


def test_template_crud(api, superuser):
    created = api.post("/api/prompt-templates/", {
        "name": "SDXL system", "model_family": "sdxl", "use_case": "text_to_image", "template_type": "system",
        "content": "masterpiece", "is_active": True}, format="json")
    url = f"/api/prompt-templates/{created.json()['id']}/"

    patched = api.patch(url, {"content": "best quality"}, format="json")
    deleted = api.delete(url)

    assert created.status_code == 201 and created.json()["created_by_id"] == superuser.pk
    assert patched.status_code == 200 and patched.json()["content"] == "best quality"
    assert deleted.status_code == 204 and PromptTemplate.objects.count() == 0


def test_second_active_template_in_a_slot_is_400(api):
    PromptTemplateFactory(is_active=True, version=1)

    response = api.post("/api/prompt-templates/", {
        "name": "again", "model_family": "sdxl", "use_case": "text_to_image", "template_type": "system",
        "content": "x", "version": 2, "is_active": True}, format="json")

    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["Another version of this template is already active."]}
    assert PromptTemplate.objects.count() == 1


def test_rule_tags_by_name(api):
    response = api.post("/api/prompt-rules/", {"name": "light", "rule_type": "append", "content": "soft light",
                                               "tags": ["portrait", "night"]}, format="json")

    rule = PromptRule.objects.get()
    assert response.status_code == 201 and response.json()["tags"] == ["night", "portrait"]
    assert sorted(t.name for t in rule.tags.all()) == ["night", "portrait"]
    assert [r["name"] for r in api.get("/api/prompt-rules/?tag=night").json()["results"]] == ["light"]


def test_character_loras_are_validated(api):
    response = api.post("/api/characters/", {"name": "Ava", "slug": "ava", "loras": [{"name": "grain", "weight": 9}]},
                        format="json")

    assert response.status_code == 400 and list(response.json()) == ["loras"]
    assert Character.objects.count() == 0


def test_model_parameters_crud_and_range(api):
    character = CharacterFactory()

    ok = api.post("/api/model-parameters/", {"model_family": "sdxl", "user_tier": "pro", "guidance_scale": 6.5,
                                             "character_id": str(character.pk)}, format="json")
    bad = api.post("/api/model-parameters/", {"model_family": "sdxl", "guidance_scale": 50}, format="json")

    assert ok.status_code == 201 and ok.json()["guidance_scale"] == 6.5
    assert bad.status_code == 400 and list(bad.json()) == ["guidance_scale"]
    assert ModelParameters.objects.count() == 1


def test_resolve_returns_the_active_template_at_once(api):
    PromptTemplateFactory(is_active=True, content="masterpiece", version=3)

    response = api.get("/api/prompts/resolve?model=sdxl&type=system&use_case=text_to_image&content_mode=sfw")

    assert response.status_code == 200
    assert (response.json()["content"], response.json()["version"], response.json()["source"]) == \
        ("masterpiece", 3, "database")


def test_resolve_404_and_400(api):
    missing = api.get("/api/prompts/resolve?model=wan&type=negative")
    bad = api.get("/api/prompts/resolve?model=dalle&type=system")

    assert missing.status_code == 404
    assert missing.json() == {"detail": "No active negative template for wan (sfw)."}
    assert bad.status_code == 400 and list(bad.json()) == ["model"]


def test_cache_refresh_broadcasts(api):
    response = api.post("/api/prompt-cache/refresh")

    assert response.status_code == 200 and response.json() == {"receivers": response.json()["receivers"]}
    assert isinstance(response.json()["receivers"], int)
