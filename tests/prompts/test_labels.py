"""Labels: a move is one action with history, rollback undoes moves in turn, promote records its justification."""

import pytest
from django.core.exceptions import ValidationError

from prompts.labels import label_family, label_move, label_rollback, promote
from prompts.models import PromptLabel, PromptLabelMove
from prompts.selectors import prompt_version_resolve
from prompts.services import prompt_version_soft_delete
from tests.factories import PromptFactory, PromptTemplateFactory, PromptVersionFactory, UserFactory

pytestmark = pytest.mark.django_db
FAMILY = "sdxl:text_to_image:system:any"


@pytest.fixture
def templates():
    """Three versions of one SDXL system template; v1 is the active one."""
    return [PromptTemplateFactory(version=n, is_active=n == 1, content=f"system v{n}") for n in (1, 2, 3)]


def _moves():
    return [(m.label.name, m.from_template_id, m.to_template_id, m.undoes_id is not None)
            for m in PromptLabelMove.objects.select_related("label").order_by("moved_at", "id")]


def test_first_move_creates_the_label_and_records_the_active_template_it_replaces(templates):
    v1, v2, _v3 = templates
    user = UserFactory()

    label, move = label_move(target=v2, name="production", by=user, reason="better hands")

    assert (label.kind, label.family, label.name, label.template, label.updated_by) == (
        "template", FAMILY, "production", v2, user)
    assert (move.from_template, move.to_template, move.moved_by, move.reason) == (v1, v2, user, "better hands")
    assert PromptLabel.objects.count() == 1 and PromptLabelMove.objects.count() == 1


def test_moving_to_where_the_label_already_is_writes_nothing(templates):
    label_move(target=templates[1], name="production")

    label, move = label_move(target=templates[1], name="production", reason="again")

    assert move is None and label.template == templates[1]
    assert PromptLabelMove.objects.count() == 1


def test_each_move_is_history_and_rollback_undoes_them_in_turn(templates):
    v1, v2, v3 = templates
    label_move(target=v2, name="production")
    label_move(target=v3, name="production")

    first = label_rollback(kind="template", family=FAMILY, name="production")[0].template
    second = label_rollback(kind="template", family=FAMILY, name="production")[0].template
    with pytest.raises(ValidationError) as error:
        label_rollback(kind="template", family=FAMILY, name="production")

    assert (first, second) == (v2, v1)
    assert error.value.message_dict == {"name": [
        "The production label has no earlier position to roll back to; move it instead."]}
    assert _moves() == [("production", v1.pk, v2.pk, False), ("production", v2.pk, v3.pk, False),
                        ("production", v3.pk, v2.pk, True), ("production", v2.pk, v1.pk, True)]


def test_a_move_after_a_rollback_is_the_next_one_rolled_back(templates):
    v1, v2, v3 = templates
    label_move(target=v2, name="production")
    label_rollback(kind="template", family=FAMILY, name="production")
    label_move(target=v3, name="production")

    label, move = label_rollback(kind="template", family=FAMILY, name="production")

    assert (label.template, move.from_template, move.to_template) == (v1, v3, v1)


def test_a_label_placed_on_the_active_row_has_nothing_to_roll_back_to(templates):
    label_move(target=templates[0], name="staging")

    with pytest.raises(ValidationError) as error:
        label_rollback(kind="template", family=FAMILY, name="staging")

    assert list(error.value.message_dict) == ["name"]
    assert PromptLabelMove.objects.get().from_template is None


def test_rolling_back_an_unknown_label_names_it():
    with pytest.raises(ValidationError) as error:
        label_rollback(kind="template", family=FAMILY, name="canary")

    assert error.value.message_dict == {"name": ["This family has no label named 'canary'."]}


@pytest.mark.parametrize("name, message", [
    ("Production", "A label name is lower-case letters, digits, '-' and '_', starting with a letter or digit "
                   "(production, staging, canary-2)."),
    ("x" * 41, "Ensure this value has at most 40 characters (it has 41)."),
    ("", "This field cannot be blank."),
])
def test_a_bad_label_name_is_refused_naming_the_field(templates, name, message):
    with pytest.raises(ValidationError) as error:
        label_move(target=templates[1], name=name)

    assert error.value.message_dict == {"name": [message]}
    assert not PromptLabel.objects.exists() and not PromptLabelMove.objects.exists()


@pytest.mark.parametrize("kind, ref, field", [("sprint", "1", "justification_kind"), ("", "42", "justification_kind"),
                                              ("run", "", "justification_id"), ("run", "x" * 65, "justification_id")])
def test_a_half_or_unknown_justification_is_refused_naming_the_field(templates, kind, ref, field):
    with pytest.raises(ValidationError) as error:
        label_move(target=templates[1], name="production", justification_kind=kind, justification_id=ref)

    assert list(error.value.message_dict) == [field]
    assert not PromptLabel.objects.exists()


def test_a_deleted_version_or_one_without_a_prompt_cannot_be_labelled():
    deleted = PromptVersionFactory(prompt=PromptFactory())
    prompt_version_soft_delete(version=deleted)
    loose = PromptVersionFactory()

    with pytest.raises(ValidationError) as gone:
        label_move(target=deleted, name="production")
    with pytest.raises(ValidationError) as orphan:
        label_move(target=loose, name="production")

    assert gone.value.message_dict == {"target": [f"Version “{deleted}” is deleted; restore it before a label "
                                                  "points at it."]}
    assert list(orphan.value.message_dict) == ["target"] and "belongs to no library prompt" in str(orphan.value)
    assert not PromptLabel.objects.exists()


def test_versions_are_grouped_by_their_library_prompt_and_a_labelled_one_cannot_be_deleted():
    prompt = PromptFactory()
    old, new = PromptVersionFactory(prompt=prompt), PromptVersionFactory(prompt=prompt)

    label, move = label_move(target=old, name="production")

    assert label_family(new) == ("version", str(prompt.pk))
    assert (label.prompt_version, move.from_version) == (old, new)  # newest live version was the fallback
    with pytest.raises(ValidationError, match="holds the label"):
        prompt_version_soft_delete(version=old)


def test_prompt_version_resolve_takes_the_label_then_the_newest_live_version():
    prompt = PromptFactory()
    old, new = PromptVersionFactory(prompt=prompt), PromptVersionFactory(prompt=prompt)

    before = prompt_version_resolve(prompt_id=prompt.pk)
    label_move(target=old, name="production")

    assert (before, prompt_version_resolve(prompt_id=prompt.pk)) == (new, old)
    assert prompt_version_resolve(prompt_id=prompt.pk, label="staging") == new


def test_promote_moves_production_and_records_what_justified_it(templates):
    user = UserFactory()

    label, move = promote(target=templates[2], by=user, justification_kind="ab_test", justification_id="0190-abc",
                          reason="won the A/B test")

    assert (label.name, label.template) == ("production", templates[2])
    assert (move.justification_kind, move.justification_id, move.reason, move.moved_by) == (
        "ab_test", "0190-abc", "won the A/B test", user)


def test_promote_without_a_justification_is_refused(templates):
    with pytest.raises(ValidationError) as error:
        promote(target=templates[2], by=None, justification_kind="run", justification_id=" ")

    assert list(error.value.message_dict) == ["justification_id"]
    assert not PromptLabel.objects.exists()
