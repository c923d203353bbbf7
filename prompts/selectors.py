"""Reads of labels, their history, label resolution of prompt versions, and the diff of two versions or templates."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import QuerySet

from prompts.choices import PRODUCTION, LabelKind
from prompts.diff import KeyDiff, TextDiff, key_diff
from prompts.models import PromptLabel, PromptLabelMove, PromptTemplate, PromptVersion

TEMPLATE_ATTRIBUTES = ("name", "model_family", "use_case", "template_type", "content_mode", "version", "is_active",
                       "description")


def label_list() -> QuerySet[PromptLabel]:
    """Every label with its target (and a version's library prompt) and who moved it last."""
    return PromptLabel.objects.select_related("prompt_version__prompt", "template", "updated_by").order_by(
        "kind", "family", "name")


def label_get(*, kind: str, family: str, name: str) -> PromptLabel | None:
    return label_list().filter(kind=kind, family=family, name=name).first()


def label_history() -> QuerySet[PromptLabelMove]:
    """Every label move, newest first, with both ends, the label and who moved it."""
    return PromptLabelMove.objects.select_related(
        "label", "from_version", "to_version", "from_template", "to_template", "moved_by",
    ).order_by("-moved_at", "-id")


def family_labels(*, kind: str, family: str) -> list[PromptLabel]:
    """The labels of one family, production first, then by name."""
    labels = list(label_list().filter(kind=kind, family=family))
    return sorted(labels, key=lambda label: (label.name != PRODUCTION, label.name))


def family_name(label: PromptLabel) -> str:
    """A family as people read it: the library prompt's name, or ``sdxl · text_to_image · system · any``."""
    if label.kind == LabelKind.VERSION:
        prompt = label.prompt_version.prompt if label.prompt_version_id else None
        return prompt.name if prompt is not None else label.family
    return " · ".join(label.family.split(":"))


def prompt_version_resolve(*, prompt_id, label: str = PRODUCTION) -> PromptVersion | None:
    """The version of library prompt ``prompt_id`` that ``label`` points at; without that label (or if its
    version was deleted since), the prompt's newest live version, as ``label_move`` falls back."""
    row = PromptLabel.objects.filter(kind=LabelKind.VERSION, family=str(prompt_id), name=label,
                                     prompt_version__deleted_at__isnull=True).select_related("prompt_version").first()
    if row is not None:
        return row.prompt_version
    return PromptVersion.objects.active().filter(prompt_id=prompt_id).order_by("-created_at", "-id").first()


@dataclass(frozen=True)
class PromptDiff:
    """Two versions (or two templates) compared: texts line by line, parameters and attributes key by key."""

    kind: str
    a: PromptVersion | PromptTemplate
    b: PromptVersion | PromptTemplate
    texts: tuple[TextDiff, ...]
    parameters: KeyDiff
    attributes: KeyDiff

    @property
    def changed(self) -> bool:
        return any(text.changed for text in self.texts) or self.parameters.any or self.attributes.any


def _version_sides(version: PromptVersion) -> tuple[dict, dict, dict]:
    parameters = dict(version.parameters or {}) if isinstance(version.parameters, dict) else {}
    negative = parameters.pop("negative_prompt", "")
    texts = {"system_prompt": version.system_prompt, "user_prompt": version.user_prompt,
             "negative_prompt": negative if isinstance(negative, str) else str(negative)}
    attributes = {"name": version.name, "model_name": version.model_name, "description": version.description,
                  "prompt": str(version.prompt_id) if version.prompt_id else None,
                  "parent_version": str(version.parent_version_id) if version.parent_version_id else None}
    return texts, parameters, attributes


def _template_sides(template: PromptTemplate) -> tuple[dict, dict, dict]:
    return {"content": template.content}, {}, {name: getattr(template, name) for name in TEMPLATE_ATTRIBUTES}


def version_diff(a: PromptVersion | PromptTemplate, b: PromptVersion | PromptTemplate) -> PromptDiff:
    """How ``b`` differs from ``a``: any two versions, or any two templates (of any family).

    Versions: system, user and negative prompt (``parameters["negative_prompt"]``)
    as texts, the rest of ``parameters`` key by key, name/model/description/
    prompt/parent as attributes. Templates: ``content`` as text, the slot,
    version, active flag, name and description as attributes.
    """
    if type(a) is not type(b) or not isinstance(a, PromptVersion | PromptTemplate):
        raise ValidationError({"b": "Compare a version with a version, or a template with a template."})
    sides = _version_sides if isinstance(a, PromptVersion) else _template_sides
    (texts_a, parameters_a, attributes_a), (texts_b, parameters_b, attributes_b) = sides(a), sides(b)
    texts = tuple(TextDiff(name, texts_a[name], texts_b[name]) for name in texts_a
                  if name != "negative_prompt" or texts_a[name] or texts_b[name])
    return PromptDiff(
        kind=LabelKind.VERSION if isinstance(a, PromptVersion) else LabelKind.TEMPLATE, a=a, b=b, texts=texts,
        parameters=key_diff(parameters_a, parameters_b), attributes=key_diff(attributes_a, attributes_b),
    )
