"""/api/prompt-versions/: CRUD with lineage and tags; DELETE is a soft delete."""

import pytest

from prompts.models import PromptVersion
from tests.factories import PromptVersionFactory

pytestmark = pytest.mark.django_db
URL = "/api/prompt-versions/"


def test_create_with_parent_and_tags(api, superuser):
    parent = PromptVersionFactory()

    response = api.post(URL, {"name": "v2", "system_prompt": "s", "user_prompt": "u {subject}",
                              "parent_version_id": str(parent.pk), "tags": ["portrait", "sdxl"],
                              "parameters": {"steps": 20}}, format="json")

    body = response.json()
    version = PromptVersion.objects.get(pk=body["id"])
    assert response.status_code == 201
    assert (body["tags"], body["parent_version_id"], body["created_by_id"]) == (["portrait", "sdxl"], str(parent.pk),
                                                                                superuser.pk)
    assert (version.parent_version, version.parameters) == (parent, {"steps": 20})


def test_a_tag_with_a_comma_is_a_400_on_that_tag(api):
    response = api.post(URL, {"name": "v", "system_prompt": "s", "user_prompt": "u", "tags": ["ok", "red, hat"]},
                        format="json")

    assert response.status_code == 400
    assert response.json() == {"tags": {"1": ["A tag name cannot contain a comma: tag lists are comma-separated."]}}
    assert not PromptVersion.objects.exists()


def test_update_replaces_fields(api):
    version = PromptVersionFactory(name="old")

    response = api.put(f"{URL}{version.pk}/", {"name": "new", "system_prompt": "s2", "user_prompt": "u2",
                                                "tags": ["a"]}, format="json")

    version.refresh_from_db()
    assert response.status_code == 200
    assert (version.name, version.system_prompt, version.user_prompt) == ("new", "s2", "u2")
    assert [t.name for t in version.tags.all()] == ["a"]


def test_delete_is_soft_and_hidden_unless_asked(api):
    kept, deleted = PromptVersionFactory(), PromptVersionFactory()

    response = api.delete(f"{URL}{deleted.pk}/")

    deleted.refresh_from_db()
    assert response.status_code == 204 and deleted.deleted_at is not None
    assert [r["id"] for r in api.get(URL).json()["results"]] == [str(kept.pk)]
    assert {r["id"] for r in api.get(f"{URL}?include_deleted=true").json()["results"]} == {str(kept.pk),
                                                                                          str(deleted.pk)}
    assert api.get(f"{URL}{deleted.pk}/").json()["deleted_at"] is not None


def test_deleted_version_cannot_be_edited_or_parent(api):
    deleted = PromptVersionFactory(deleted_at="2024-01-01T00:00:00Z")

    edit = api.put(f"{URL}{deleted.pk}/", {"system_prompt": "s", "user_prompt": "u"}, format="json")
    child = api.post(URL, {"system_prompt": "s", "user_prompt": "u", "parent_version_id": str(deleted.pk)},
                     format="json")

    assert edit.status_code == 400 and list(edit.json()) == ["non_field_errors"]
    assert child.status_code == 400 and list(child.json()) == ["parent_version"]
    assert PromptVersion.objects.count() == 1


@pytest.mark.parametrize("body, field", [
    ({"system_prompt": "s", "user_prompt": "u", "colour": "red"}, "colour"),
    ({"system_prompt": "s"}, "user_prompt"),
    ({"system_prompt": "s", "user_prompt": ""}, "user_prompt"),
    ({"system_prompt": "s", "user_prompt": "u", "parameters": [1]}, "parameters"),
    ({"system_prompt": "s", "user_prompt": "u", "tags": "x"}, "tags"),
    ({"system_prompt": "s", "user_prompt": "u", "parent_version_id": "nope"}, "parent_version_id"),
])
def test_create_rejects_bad_input(api, body, field):
    response = api.post(URL, body, format="json")

    assert response.status_code == 400 and list(response.json()) == [field]
    assert PromptVersion.objects.count() == 0
