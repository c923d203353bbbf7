"""/api/prompts/labels (list, move, rollback, history) and /api/prompts/{versions,templates}/{a}/diff/{b}."""

import uuid

import pytest
from django.contrib.auth.models import Permission
from rest_framework.test import APIClient

from prompts.labels import label_move
from prompts.models import PromptLabel, PromptLabelMove
from prompts.services import prompt_version_soft_delete
from tests.factories import PromptFactory, PromptTemplateFactory, PromptVersionFactory, UserFactory

pytestmark = pytest.mark.django_db
FAMILY = "sdxl:text_to_image:system:any"


@pytest.fixture
def templates():
    return [PromptTemplateFactory(version=n, is_active=n == 1, content=f"system v{n}") for n in (1, 2, 3)]


def _move(client, target, name="production", target_type="template", **extra):
    return client.post("/api/prompts/labels/move", {"target_type": target_type, "target_id": str(target.pk),
                                                    "name": name, **extra}, format="json")


def test_move_points_the_label_and_answers_the_move(api, superuser, templates):
    v1, v2, _v3 = templates

    response = _move(api, v2, reason="sharper", justification_kind="run", justification_id="run-7")

    body = response.json()
    assert response.status_code == 200
    assert {key: body["label"][key] for key in ("target_type", "family", "family_name", "name", "target_id",
                                                "target_name", "updated_by_id")} == {
        "target_type": "template", "family": FAMILY, "family_name": "sdxl · text_to_image · system · any",
        "name": "production", "target_id": str(v2.pk), "target_name": str(v2), "updated_by_id": superuser.pk}
    assert body["moved"] is True
    assert {key: body["move"][key] for key in ("from_id", "to_id", "is_rollback", "undoes_id", "reason",
                                               "justification_kind", "justification_id", "moved_by_id")} == {
        "from_id": str(v1.pk), "to_id": str(v2.pk), "is_rollback": False, "undoes_id": None, "reason": "sharper",
        "justification_kind": "run", "justification_id": "run-7", "moved_by_id": superuser.pk}


def test_moving_again_to_the_same_target_changes_nothing(api, templates):
    _move(api, templates[1])

    response = _move(api, templates[1])

    assert response.status_code == 200 and (response.json()["moved"], response.json()["move"]) == (False, None)
    assert PromptLabelMove.objects.count() == 1


def test_rollback_moves_the_label_back_and_history_lists_both_newest_first(api, templates):
    v1, v2, v3 = templates
    _move(api, v2)
    _move(api, v3)

    response = api.post("/api/prompts/labels/rollback", {"target_type": "template", "family": FAMILY,
                                                         "name": "production"}, format="json")
    history = api.get(f"/api/prompts/labels/history?family={FAMILY}&name=production")

    assert response.status_code == 200
    assert (response.json()["label"]["target_id"], response.json()["move"]["is_rollback"]) == (str(v2.pk), True)
    assert [(m["from_id"], m["to_id"]) for m in history.json()["results"]] == [
        (str(v3.pk), str(v2.pk)), (str(v2.pk), str(v3.pk)), (str(v1.pk), str(v2.pk))]


def test_labels_list_filters_by_type_family_and_target(api, templates):
    version = PromptVersionFactory(prompt=PromptFactory(name="enhancer"))
    label_move(target=templates[1], name="production")
    label_move(target=version, name="staging")

    everything = api.get("/api/prompts/labels").json()["results"]
    versions = api.get("/api/prompts/labels?target_type=version").json()["results"]
    by_target = api.get(f"/api/prompts/labels?target_id={templates[1].pk}").json()["results"]

    assert [(row["target_type"], row["name"]) for row in everything] == [("template", "production"),
                                                                         ("version", "staging")]
    assert [(row["family"], row["family_name"]) for row in versions] == [(str(version.prompt_id), "enhancer")]
    assert [row["name"] for row in by_target] == ["production"]


@pytest.mark.parametrize("body, errors", [
    ({"name": "Prod"}, {"name": ["A label name is lower-case letters, digits, '-' and '_', starting with a letter "
                                 "or digit (production, staging, canary-2)."]}),
    ({"name": "x" * 41}, {"name": ["Ensure this field has no more than 40 characters."]}),
    ({"target_type": "rule"}, {"target_type": ['"rule" is not a valid choice.']}),
    ({"justification_kind": "run"}, {"justification_id": ["Give the id of the Experiment run that justified the "
                                                          "move."]}),
    ({"justification_kind": "sprint", "justification_id": "1"},
     {"justification_kind": ['"sprint" is not a valid choice.']}),
    ({"colour": "red"}, {"colour": ["Unknown field."]}),
])
def test_a_bad_move_is_a_400_naming_the_field(api, templates, body, errors):
    response = _move(api, templates[1], **body)

    assert response.status_code == 400 and response.json() == errors
    assert not PromptLabel.objects.exists()


def test_a_deleted_version_is_a_400_on_target_id_and_an_unknown_one_a_404(api):
    version = PromptVersionFactory(prompt=PromptFactory())
    prompt_version_soft_delete(version=version)

    deleted = _move(api, version, target_type="version")
    unknown = api.post("/api/prompts/labels/move", {"target_type": "version", "target_id": str(uuid.uuid4()),
                                                    "name": "production"}, format="json")

    assert deleted.status_code == 400
    assert deleted.json() == {"target_id": [f"Version “{version}” is deleted; restore it before a label points "
                                            "at it."]}
    assert unknown.status_code == 404 and unknown.json()["detail"].startswith("No prompt version with id")


def test_rollback_of_an_unknown_label_is_404_and_without_history_400(api, templates):
    label_move(target=templates[0], name="staging")

    unknown = api.post("/api/prompts/labels/rollback", {"target_type": "template", "family": FAMILY,
                                                        "name": "canary"}, format="json")
    nowhere = api.post("/api/prompts/labels/rollback", {"target_type": "template", "family": FAMILY,
                                                        "name": "staging"}, format="json")

    assert unknown.status_code == 404
    assert nowhere.status_code == 400 and list(nowhere.json()) == ["name"]


def test_version_diff_gives_unified_texts_and_parameter_keys(api):
    a = PromptVersionFactory(system_prompt="Be brief.", parameters={"temperature": 0.7, "top_p": 0.9})
    b = PromptVersionFactory(system_prompt="Be vivid.", parameters={"temperature": 0.8})

    response = api.get(f"/api/prompts/versions/{a.pk}/diff/{b.pk}")

    body = response.json()
    assert response.status_code == 200
    assert (body["target_type"], body["a"], body["b"], body["changed"]) == ("version", str(a.pk), str(b.pk), True)
    assert body["texts"][0] == {"field": "system_prompt", "changed": True, "unified": [
        "--- a/system_prompt", "+++ b/system_prompt", "@@ -1 +1 @@", "-Be brief.", "+Be vivid."]}
    assert body["parameters"] == {"added": {}, "removed": {"top_p": 0.9}, "unchanged": [],
                                  "changed": {"temperature": {"before": 0.7, "after": 0.8}}}


def test_template_diff_and_404s(api, templates):
    ok = api.get(f"/api/prompts/templates/{templates[0].pk}/diff/{templates[1].pk}")
    missing = api.get(f"/api/prompts/templates/{templates[0].pk}/diff/{uuid.uuid4()}")
    wrong_kind = api.get(f"/api/prompts/versions/{templates[0].pk}/diff/{templates[1].pk}")

    assert ok.status_code == 200 and ok.json()["texts"][0]["unified"][-2:] == ["-system v1", "+system v2"]
    assert missing.status_code == 404 and wrong_kind.status_code == 404


def test_resolve_previews_a_label_and_says_which_one_chose(api, templates):
    label_move(target=templates[2], name="staging")

    production = api.get("/api/prompts/resolve?model=sdxl&type=system&use_case=text_to_image").json()
    staging = api.get("/api/prompts/resolve?model=sdxl&type=system&use_case=text_to_image&label=staging").json()

    assert (production["version"], production["label"], production["is_active"]) == (1, None, True)
    assert (staging["version"], staging["label"], staging["is_active"]) == (3, "staging", False)


def test_viewers_read_labels_history_and_diffs_but_move_nothing(role_client, templates):
    label_move(target=templates[1], name="production")
    viewer = role_client("viewer")

    reads = [viewer.get(url).status_code for url in (
        "/api/prompts/labels", "/api/prompts/labels/history",
        f"/api/prompts/templates/{templates[0].pk}/diff/{templates[1].pk}")]
    move = _move(viewer, templates[2])
    rollback = viewer.post("/api/prompts/labels/rollback", {"target_type": "template", "family": FAMILY,
                                                            "name": "production"}, format="json")

    assert reads == [200, 200, 200]
    assert (move.status_code, rollback.status_code) == (403, 403)
    assert PromptLabelMove.objects.count() == 1


def test_moderators_cannot_move_and_anonymous_callers_are_refused(role_client, anon, templates):
    assert _move(role_client("moderator"), templates[1]).status_code == 403
    assert anon.get("/api/prompts/labels").status_code == 401
    assert _move(anon, templates[1]).status_code == 401


def test_moving_needs_the_change_permission_of_what_is_labelled(templates):
    user = UserFactory(username="template-editor")
    user.user_permissions.add(Permission.objects.get(codename="change_prompttemplate"))
    client = APIClient()
    client.force_authenticate(user)

    template = _move(client, templates[1])
    version = _move(client, PromptVersionFactory(prompt=PromptFactory()), target_type="version")

    assert (template.status_code, version.status_code) == (200, 403)
    assert version.json() == {"detail": "You need prompts.change_promptversion to move this label."}
