"""Writes to prompt versions: create with lineage and tags, soft delete, restore."""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from prompts.models import PromptTag, PromptVersion


@transaction.atomic
def prompt_version_create(
    *,
    system_prompt: str,
    user_prompt: str,
    name: str = "",
    description: str = "",
    model_name: str = "",
    parameters: dict | None = None,
    parent: PromptVersion | None = None,
    tags: Iterable[PromptTag] = (),
    created_by=None,
) -> PromptVersion:
    """Create a version, optionally derived from ``parent`` (lineage), with ``tags``.

    A deleted version cannot be the parent of a new one: evolve from what is live.
    """
    if parent is not None and parent.is_deleted:
        raise ValidationError({"parent_version": "Cannot derive a new version from a deleted version."})
    version = PromptVersion(
        system_prompt=system_prompt, user_prompt=user_prompt, name=name, description=description,
        model_name=model_name, parameters=parameters, parent_version=parent, created_by=created_by,
    )
    version.full_clean()
    version.save()
    version.tags.set(list(tags))
    return version


@transaction.atomic
def prompt_version_soft_delete(*, version: PromptVersion) -> PromptVersion:
    """Mark ``version`` deleted; its row, its jobs and its children keep pointing at it.

    A version a label points at stays live: move the label first (``prompts.labels.label_move``).
    """
    names = sorted(version.labels.values_list("name", flat=True)) if version.pk else []
    if names:
        raise ValidationError(f"Version “{version}” holds the label(s) {', '.join(names)}; move them to another "
                              "version before deleting it.")
    if version.deleted_at is None:
        version.deleted_at = timezone.now()
        version.save(update_fields=["deleted_at"])
    return version


@transaction.atomic
def prompt_version_restore(*, version: PromptVersion) -> PromptVersion:
    """Undo a soft delete."""
    if version.deleted_at is not None:
        version.deleted_at = None
        version.save(update_fields=["deleted_at"])
    return version


def prompt_cache_refresh() -> int:
    """Broadcast "Update Prompt Cache" (document 004); returns how many workers were listening."""
    from ourvidz_admin.queues import connection
    from prompts.cache import PROMPT_CACHE, broadcast_refresh

    PROMPT_CACHE.invalidate()
    return broadcast_refresh(connection())


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
