"""Writes to labels: move one (with history), roll one back, promote a version or template to production.

Every change is one transaction that moves the pointer and writes a
``PromptLabelMove``; after commit the prompt cache is dropped here and a
refresh is broadcast to the workers, so the next job resolves the new target.
"""

import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from redis.exceptions import RedisError

from prompts.choices import PRODUCTION, LabelJustification, LabelKind
from prompts.models import PromptLabel, PromptLabelMove, PromptTemplate, PromptVersion

logger = logging.getLogger(__name__)

MAX_REASON = 2000
MAX_JUSTIFICATION_ID = 64


def template_family(model_family: str, use_case: str, template_type: str, content_mode: str) -> str:
    """The family key of a template slot: ``sdxl:text_to_image:system:any``."""
    return ":".join((model_family, use_case, template_type, content_mode))


def label_family(target: PromptVersion | PromptTemplate) -> tuple[str, str]:
    """``(kind, family)`` of a version (its library prompt's id) or a template (its slot)."""
    if isinstance(target, PromptVersion):
        if target.prompt_id is None:
            raise ValidationError({"target": f"Version “{target}” belongs to no library prompt; labels name one "
                                             "version per prompt, so set its prompt first."})
        return LabelKind.VERSION, str(target.prompt_id)
    if isinstance(target, PromptTemplate):
        return LabelKind.TEMPLATE, template_family(target.model_family, target.use_case, target.template_type,
                                                   target.content_mode)
    raise TypeError(f"Labels point at prompt versions and templates, not {type(target).__name__}.")


def family_fallback(kind: str, family: str) -> PromptVersion | PromptTemplate | None:
    """What a family resolves to without a label: the active template of the slot, or the prompt's newest live
    version (versions have no active flag; ``deleted_at IS NULL`` is what "active" means for them)."""
    if kind == LabelKind.VERSION:
        return PromptVersion.objects.active().filter(prompt_id=family).order_by("-created_at", "-id").first()
    model_family, use_case, template_type, content_mode = family.split(":")
    return PromptTemplate.objects.active().filter(model_family=model_family, use_case=use_case,
                                                  template_type=template_type, content_mode=content_mode).first()


def _check_target(target) -> None:
    if isinstance(target, PromptVersion) and target.is_deleted:
        raise ValidationError({"target": f"Version “{target}” is deleted; restore it before a label points at it."})


def _check_note(reason: str, justification_kind: str, justification_id: str) -> None:
    errors = {}
    if len(reason) > MAX_REASON:
        errors["reason"] = f"Keep the reason under {MAX_REASON} characters (it has {len(reason)})."
    if justification_kind and justification_kind not in LabelJustification.values:
        errors["justification_kind"] = (f"Unknown justification kind {justification_kind!r}; use one of: "
                                        f"{', '.join(LabelJustification.values)}.")
    elif justification_id and not justification_kind:
        errors["justification_kind"] = ("Say what the id refers to (" + ", ".join(LabelJustification.values) +
                                        ") when you give justification_id.")
    elif justification_kind and not justification_id:
        errors["justification_id"] = f"Give the id of the {LabelJustification(justification_kind).label} that " \
                                     "justified the move."
    if len(justification_id) > MAX_JUSTIFICATION_ID:
        errors["justification_id"] = f"An id is at most {MAX_JUSTIFICATION_ID} characters."
    if errors:
        raise ValidationError(errors)


def _point(label: PromptLabel, target) -> None:
    if isinstance(target, PromptVersion):
        label.prompt_version, label.template = target, None
    else:
        label.template, label.prompt_version = target, None


def _record(label, source, target, *, by, reason="", justification_kind="", justification_id="",
            undoes=None) -> PromptLabelMove:
    field = "version" if label.kind == LabelKind.VERSION else "template"
    move = PromptLabelMove(label=label, moved_by=by, reason=reason, justification_kind=justification_kind,
                           justification_id=justification_id, undoes=undoes,
                           **{f"from_{field}": source, f"to_{field}": target})
    move.full_clean()
    move.save()
    return move


def _refresh_prompt_cache() -> None:
    """Drop this process's cache and tell the workers; without Redis they pick the change up at their TTL."""
    from prompts.services import prompt_cache_refresh

    try:
        prompt_cache_refresh()
    except (RedisError, OSError) as exc:
        logger.warning("label moved; the prompt cache refresh broadcast failed (%s): workers see the change "
                       "when their cache expires", exc)


@transaction.atomic
def label_move(
    *, target: PromptVersion | PromptTemplate, name: str, by=None, reason: str = "",
    justification_kind: str = "", justification_id: str = "",
) -> tuple[PromptLabel, PromptLabelMove | None]:
    """Point the label ``name`` of ``target``'s family at ``target``, creating the label if needed.

    One action: the pointer moves and a history row records from where (the
    earlier target, or on a first placement the row the family fell back to),
    who, why and what justified it. Already there: nothing is written and the
    move is None. A deleted version cannot be labelled; an inactive template
    can (a label outranks the active flag). Returns ``(label, move)``.
    """
    reason, justification_id = reason.strip(), justification_id.strip()
    _check_note(reason, justification_kind, justification_id)
    kind, family = label_family(target)
    _check_target(target)
    label = PromptLabel.objects.select_for_update().filter(kind=kind, family=family, name=name).first()
    if label is not None and label.target_id == target.pk:
        return label, None
    source = label.target if label is not None else family_fallback(kind, family)
    if source is not None and source.pk == target.pk:
        source = None
    now = timezone.now()
    label = label or PromptLabel(kind=kind, family=family, name=name, created_at=now)
    _point(label, target)
    label.updated_by, label.updated_at = by, now
    label.full_clean()
    label.save()
    move = _record(label, source, target, by=by, reason=reason, justification_kind=justification_kind,
                   justification_id=justification_id)
    transaction.on_commit(_refresh_prompt_cache)
    return label, move


def _move_to_undo(label: PromptLabel) -> PromptLabelMove | None:
    """The newest move not yet undone; rollbacks undo in turn, like an undo stack."""
    undone = set()
    for move in label.moves.select_related("from_version", "from_template").order_by("-moved_at", "-id"):
        if move.undoes_id is not None:
            undone.add(move.undoes_id)
        elif move.pk not in undone:
            return move
    return None


@transaction.atomic
def label_rollback(*, kind: str, family: str, name: str, by=None, reason: str = "") -> tuple[PromptLabel,
                                                                                              PromptLabelMove]:
    """Move the label back to where it was before its last move (not yet undone), recording the rollback.

    Rolling back again undoes the move before that one. ``ValidationError``
    when the label does not exist or has no earlier position.
    """
    reason = reason.strip()
    _check_note(reason, "", "")
    label = PromptLabel.objects.select_for_update().filter(kind=kind, family=family, name=name).first()
    if label is None:
        raise ValidationError({"name": f"This family has no label named {name!r}."})
    undo = _move_to_undo(label)
    previous = undo.source if undo is not None else None
    if previous is None:
        raise ValidationError({"name": f"The {name} label has no earlier position to roll back to; move it "
                                       "instead."})
    try:
        _check_target(previous)
    except ValidationError as exc:
        raise ValidationError({"name": f"Cannot roll back: {exc.message_dict['target'][0]}"}) from None
    current = label.target
    _point(label, previous)
    label.updated_by, label.updated_at = by, timezone.now()
    label.full_clean()
    label.save()
    move = _record(label, current, previous, by=by, undoes=undo,
                   reason=reason or f"Rollback of the move of {undo.moved_at:%Y-%m-%d %H:%M} UTC.")
    transaction.on_commit(_refresh_prompt_cache)
    return label, move


def promote(
    *, target: PromptVersion | PromptTemplate, by, justification_kind: str, justification_id: str,
    reason: str = "",
) -> tuple[PromptLabel, PromptLabelMove | None]:
    """Move ``production`` to ``target`` because a run or an A/B test showed it better.

    ``justification_kind`` is ``"run"`` (an ``ExperimentRun``) or ``"ab_test"``
    (a ``PromptABTest``) and ``justification_id`` that row's id (``str(pk)``);
    both are required and recorded on the move. Returns ``label_move``'s
    ``(label, move)``; the move is None when production was already there.
    """
    if not justification_kind or not str(justification_id).strip():
        raise ValidationError({"justification_kind" if not justification_kind else "justification_id":
                               "A promotion records the run or A/B test that justified it."})
    return label_move(target=target, name=PRODUCTION, by=by, reason=reason, justification_kind=justification_kind,
                      justification_id=str(justification_id))
