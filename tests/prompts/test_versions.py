"""Prompt versions: soft delete keeps history, lineage follows parents, tags attach."""

import pytest
from django.core.exceptions import ValidationError

from generations.models import Job
from prompts.models import PromptVersion
from prompts.services import prompt_version_create, prompt_version_restore, prompt_version_soft_delete
from tests.factories import JobFactory, PromptTagFactory

pytestmark = pytest.mark.django_db


def _version(**kwargs):
    return prompt_version_create(system_prompt="sys", user_prompt="portrait of {subject}", **kwargs)


def test_soft_delete_hides_version_but_keeps_row_and_jobs():
    version = _version(name="v1")
    job = JobFactory(prompt_version=version)

    prompt_version_soft_delete(version=version)

    assert list(PromptVersion.objects.active()) == []
    assert PromptVersion.objects.get(pk=version.pk).deleted_at is not None
    assert Job.objects.get(pk=job.pk).prompt_version_id == version.pk


def test_restore_undoes_soft_delete():
    version = prompt_version_soft_delete(version=_version())

    prompt_version_restore(version=version)

    assert list(PromptVersion.objects.active()) == [version]


def test_lineage_lists_ancestors_newest_first():
    v1 = _version(name="v1")
    v2 = _version(name="v2", parent=v1)
    v3 = _version(name="v3", parent=v2)

    assert [v.name for v in v3.lineage()] == ["v3", "v2", "v1"]
    assert list(v1.children.all()) == [v2]


def test_cannot_derive_from_deleted_version():
    parent = prompt_version_soft_delete(version=_version(name="old"))

    with pytest.raises(ValidationError) as excinfo:
        _version(name="new", parent=parent)

    assert excinfo.value.message_dict == {"parent_version": ["Cannot derive a new version from a deleted version."]}
    assert PromptVersion.objects.count() == 1


def test_empty_user_prompt_is_rejected():
    with pytest.raises(ValidationError):
        prompt_version_create(system_prompt="sys", user_prompt="")

    assert PromptVersion.objects.count() == 0


def test_tags_attach_through_join_table():
    red, blue = PromptTagFactory(name="red"), PromptTagFactory(name="blue")

    version = _version(tags=[red, blue])

    assert sorted(version.tags.values_list("name", flat=True)) == ["blue", "red"]


def test_a_tag_name_cannot_hold_a_comma_because_tag_lists_are_comma_separated():
    from django.db import IntegrityError, transaction

    from prompts.models import PromptTag

    with pytest.raises(ValidationError) as excinfo:
        PromptTag(name="red, hat").full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        PromptTag.objects.create(name="red, hat")

    assert excinfo.value.message_dict["name"] == [
        "A tag name cannot contain a comma: tag lists are comma-separated."]
    assert not PromptTag.objects.filter(name="red, hat").exists()
