"""An immutable snapshot of everything dynamic prompting needs: active and labelled templates, rules, parameters,
characters, and the labels (production, staging, free names) of templates and prompt versions.

Workers resolve prompts from a snapshot, never from live queries, so a job
sees one consistent set and the database is read once per cache period.
Snapshots serialise to JSON: the bundled fallback set is one.
"""

import time
from dataclasses import asdict, dataclass, field


@dataclass(frozen=True)
class TemplateEntry:
    id: str
    name: str
    model_family: str
    use_case: str
    template_type: str
    content_mode: str
    content: str
    version: int
    is_active: bool = True  # a labelled template is in the snapshot even when inactive

    @property
    def slot(self) -> tuple[str, str, str, str]:
        """The template's family: one active row and one target per label name."""
        return self.model_family, self.use_case, self.template_type, self.content_mode


@dataclass(frozen=True)
class LabelEntry:
    """A label: ``kind`` (version or template), its family key, its name and the id it points at."""

    kind: str
    family: str
    name: str
    target_id: str


@dataclass(frozen=True)
class RuleEntry:
    id: str
    name: str
    rule_type: str
    content: str
    model_family: str
    content_mode: str
    priority: int
    weight_group: str = ""
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class ParameterEntry:
    id: str
    model_family: str
    user_tier: str
    character_id: str | None
    values: dict = field(default_factory=dict)


@dataclass(frozen=True)
class CharacterEntry:
    id: str
    slug: str
    name: str
    base_prompt: str
    negative_prompt: str
    content_mode: str
    defaults: dict = field(default_factory=dict)
    loras: tuple = ()
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class PromptSnapshot:
    templates: tuple[TemplateEntry, ...]
    rules: tuple[RuleEntry, ...]
    parameters: tuple[ParameterEntry, ...]
    characters: tuple[CharacterEntry, ...]
    labels: tuple[LabelEntry, ...] = ()
    source: str = "database"
    loaded_at: float = field(default_factory=time.time)

    def character(self, character_id: str | None) -> CharacterEntry | None:
        if character_id is None:
            return None
        return next((c for c in self.characters if c.id == str(character_id)), None)

    def label_targets(self, kind: str, name: str) -> dict[str, str]:
        """``{family: target id}`` of the labels called ``name`` on ``kind`` (``"template"`` or ``"version"``)."""
        return {label.family: label.target_id for label in self.labels if label.kind == kind and label.name == name}

    def to_dict(self) -> dict:
        data = asdict(self)
        data.pop("loaded_at")
        return data

    @classmethod
    def from_dict(cls, data: dict, *, source: str) -> "PromptSnapshot":
        """Build a snapshot from ``to_dict`` output (the fallback file); unknown keys are an error."""
        return cls(
            templates=tuple(TemplateEntry(**t) for t in data.get("templates", ())),
            rules=tuple(RuleEntry(**{**r, "tags": tuple(r.get("tags", ()))}) for r in data.get("rules", ())),
            parameters=tuple(ParameterEntry(**p) for p in data.get("parameters", ())),
            characters=tuple(
                CharacterEntry(**{**c, "tags": tuple(c.get("tags", ())), "loras": tuple(c.get("loras", ()))})
                for c in data.get("characters", ())
            ),
            labels=tuple(LabelEntry(**label) for label in data.get("labels", ())),
            source=source,
        )


def _jsonable(value):
    """Decimals from the database become floats in snapshots (parameters go to JSON and to pipelines)."""
    from decimal import Decimal

    return float(value) if isinstance(value, Decimal) else value


def load_snapshot() -> PromptSnapshot:
    """Read the active or labelled templates, rules, parameters, characters and labels (five queries, plus the
    tags of rules and characters)."""
    from django.db.models import Q

    from prompts.models import Character, ModelParameters, PromptLabel, PromptRule, PromptTemplate

    labels = tuple(
        LabelEntry(kind, family, name, str(version_id or template_id))
        for kind, family, name, version_id, template_id in PromptLabel.objects.order_by("kind", "family", "name")
        .values_list("kind", "family", "name", "prompt_version_id", "template_id")
    )
    labelled = [label.target_id for label in labels if label.kind == "template"]
    templates = tuple(
        TemplateEntry(str(t.pk), t.name, t.model_family, t.use_case, t.template_type, t.content_mode, t.content,
                      t.version, t.is_active)
        for t in PromptTemplate.objects.filter(Q(is_active=True) | Q(pk__in=labelled))
    )
    rules = tuple(
        RuleEntry(str(r.pk), r.name, r.rule_type, r.content, r.model_family, r.content_mode, r.priority,
                  r.weight_group, tuple(sorted(tag.name for tag in r.tags.all())))
        for r in PromptRule.objects.active().prefetch_related("tags")
    )
    parameters = tuple(
        ParameterEntry(str(p.pk), p.model_family, p.user_tier, str(p.character_id) if p.character_id else None,
                       {k: _jsonable(v) for k, v in p.overrides().items()})
        for p in ModelParameters.objects.filter(is_active=True)
    )
    characters = tuple(
        CharacterEntry(str(c.pk), c.slug, c.name, c.base_prompt, c.negative_prompt, c.content_mode, c.defaults,
                       tuple(c.loras), tuple(sorted(tag.name for tag in c.tags.all())))
        for c in Character.objects.active().prefetch_related("tags")
    )
    return PromptSnapshot(templates, rules, parameters, characters, labels, source="database")
