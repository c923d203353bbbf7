"""The one prompt-version write ``prompts.services`` lacks: editing a live version in place."""

from django.core.exceptions import ValidationError
from django.db import transaction

from prompts.models import PromptVersion


@transaction.atomic
def prompt_version_update(*, version: PromptVersion, tags=None, **fields) -> PromptVersion:
    """Replace a live version's editable fields (and tags when given); deleted versions are read-only."""
    if version.is_deleted:
        raise ValidationError("A deleted version cannot be edited; restore it first.")
    parent = fields.get("parent_version")
    if parent is not None and parent.is_deleted:
        raise ValidationError({"parent_version": "Cannot derive a version from a deleted version."})
    for name, value in fields.items():
        setattr(version, name, value)
    version.full_clean()
    version.save()
    if tags is not None:
        version.tags.set(list(tags))
    return version
