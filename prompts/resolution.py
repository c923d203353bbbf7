"""Resolve the final prompts of a job from a snapshot (document 004's getPrompt and rule layering).

Order of composition for diffusion models (SDXL, WAN)::

    system preamble, prepend rules (by priority), character base prompt,
    the core prompt (original or Qwen-enhanced), append rules (by priority)

The negative prompt is the model's negative template plus the character's.
The ``rewrite`` template of the target model is the system prompt Qwen uses
to enhance prompts for that model. Parameters layer model default, then user
tier, then the character's defaults, then the character's parameter row.

Within a template's family (model, use case, type, content mode) the
``production`` label decides which version is used; a family without that
label falls back to its active row (``labelled_templates``).
"""

from dataclasses import dataclass, field

from prompts.choices import PRODUCTION, LabelKind
from prompts.snapshot import CharacterEntry, PromptSnapshot, RuleEntry, TemplateEntry

ANY_MODE = "any"


@dataclass(frozen=True)
class PromptRequest:
    """What a job asks for: target model and use case, SFW/NSFW, its tags, character and tier."""

    model_family: str
    use_case: str
    content_mode: str = "sfw"
    tags: frozenset[str] = frozenset()
    character_id: str | None = None
    user_tier: str = ""
    template_ids: tuple[str, ...] = ()


@dataclass
class ResolvedPrompt:
    """Everything a worker needs to build the final prompts, and the lineage it records."""

    system_prompt: str
    negative_prompt: str
    rewrite_prompt: str
    prepend: list[RuleEntry] = field(default_factory=list)
    append: list[RuleEntry] = field(default_factory=list)
    character: CharacterEntry | None = None
    parameters: dict = field(default_factory=dict)
    lineage: dict = field(default_factory=dict)


def labelled_templates(snapshot: PromptSnapshot, label: str = PRODUCTION) -> list[TemplateEntry]:
    """One template per family: the one ``label`` points at, else the family's active one (Langfuse's labels)."""
    targets = set(snapshot.label_targets(LabelKind.TEMPLATE, label).values())
    chosen = [t for t in snapshot.templates if t.id in targets]
    labelled_slots = {t.slot for t in chosen}
    return chosen + [t for t in snapshot.templates if t.is_active and t.slot not in labelled_slots]


def get_prompt(
    snapshot: PromptSnapshot, model_family: str, template_type: str, *, use_case: str | None = None,
    content_mode: str = "sfw", label: str = PRODUCTION,
) -> TemplateEntry | None:
    """The template for a model and type (document 004's ``getPrompt(model_id, type)``).

    In each family the ``label`` target (``production`` for workers) beats the
    active row. Among families, a template for the exact content mode beats one
    for ``any``; a use-case match beats a template of another use case of the
    same model.
    """
    candidates = [
        t for t in labelled_templates(snapshot, label)
        if t.model_family == model_family and t.template_type == template_type
        and t.content_mode in (content_mode, ANY_MODE)
    ]
    if not candidates:
        return None

    def rank(template: TemplateEntry):
        return (template.use_case == use_case, template.content_mode == content_mode, template.version)

    return max(candidates, key=rank)


def template_label(snapshot: PromptSnapshot, template: TemplateEntry, label: str = PRODUCTION) -> str | None:
    """``label`` when ``template`` is that label's target in its family, else None (it was the active row)."""
    return label if template.id in snapshot.label_targets(LabelKind.TEMPLATE, label).values() else None


def version_label_target(snapshot: PromptSnapshot, prompt_id: str, label: str = PRODUCTION) -> str | None:
    """The id of the version of library prompt ``prompt_id`` that ``label`` points at, or None (no such label)."""
    return snapshot.label_targets(LabelKind.VERSION, label).get(str(prompt_id))


def applicable_rules(snapshot: PromptSnapshot, request: PromptRequest, tags: frozenset[str]) -> list[RuleEntry]:
    """Rules for this model and content mode whose tags match (a rule without tags always applies)."""
    rules = [
        rule for rule in snapshot.rules
        if rule.model_family in ("", request.model_family)
        and rule.content_mode in (ANY_MODE, request.content_mode)
        and (not rule.tags or tags.intersection(rule.tags))
    ]
    return sorted(rules, key=lambda rule: (rule.priority, rule.name, rule.id))


def resolve_parameters(snapshot: PromptSnapshot, request: PromptRequest, character: CharacterEntry | None):
    """Merge parameter layers; return the values and the ids of the rows that contributed, in order."""
    family = [p for p in snapshot.parameters if p.model_family == request.model_family]
    layers = [p for p in family if p.character_id is None and p.user_tier == ""]
    if request.user_tier:
        layers += [p for p in family if p.character_id is None and p.user_tier == request.user_tier]
    values, sources = {}, []
    for layer in layers:
        values.update(layer.values)
        sources.append(layer.id)
    if character is not None:
        values.update(character.defaults)
        for layer in family:
            if layer.character_id == character.id and layer.user_tier in ("", request.user_tier):
                values.update(layer.values)
                sources.append(layer.id)
    return values, sources


def resolve(snapshot: PromptSnapshot, request: PromptRequest) -> ResolvedPrompt:
    """Resolve templates, rules, character and parameters for ``request``; record the lineage."""
    character = snapshot.character(request.character_id)
    tags = frozenset(request.tags) | frozenset(character.tags if character else ())
    templates = {
        kind: get_prompt(snapshot, request.model_family, kind, use_case=request.use_case,
                         content_mode=request.content_mode)
        for kind in ("system", "negative", "rewrite")
    }
    labels = {kind: template_label(snapshot, t) for kind, t in templates.items() if t is not None}
    # A template picked for this job (Prompt Testing) replaces the resolved one of its type.
    for template in snapshot.templates:
        if template.id in request.template_ids and template.model_family == request.model_family:
            templates[template.template_type] = template
            labels[template.template_type] = None
    rules = applicable_rules(snapshot, request, tags)
    parameters, parameter_sources = resolve_parameters(snapshot, request, character)
    negative = ", ".join(
        part for part in ((templates["negative"].content if templates["negative"] else ""),
                          character.negative_prompt if character else "") if part
    )
    return ResolvedPrompt(
        system_prompt=templates["system"].content if templates["system"] else "",
        negative_prompt=negative,
        rewrite_prompt=templates["rewrite"].content if templates["rewrite"] else "",
        prepend=[r for r in rules if r.rule_type == "prepend"],
        append=[r for r in rules if r.rule_type == "append"],
        character=character,
        parameters=parameters,
        lineage={
            "prompt_source": snapshot.source,
            "templates": {kind: {"id": t.id, "name": t.name, "version": t.version, "label": labels.get(kind)}
                          for kind, t in templates.items() if t is not None},
            "rule_ids": [r.id for r in rules],
            "character": character.slug if character else None,
            "loras": list(character.loras) if character else [],
            "parameter_rows": parameter_sources,
            "parameters": parameters,
            "content_mode": request.content_mode,
            "tags": sorted(tags),
        },
    )


def _weighted(text: str, weight: float | None) -> str:
    if weight is None or abs(weight - 1.0) < 1e-9:
        return text
    return f"({text}){weight:g}"


def compose(resolved: ResolvedPrompt, core_prompt: str, compel_weights: dict[str, float] | None = None) -> str:
    """The final positive prompt; with Compel weights, each rule is weighted by its ``weight_group``.

    The core prompt is inserted verbatim, so a user's own Compel syntax
    ("(red hat)1.3", "sunset++") reaches Compel untouched.
    """
    weights = compel_weights or {}

    def rule_text(rule: RuleEntry) -> str:
        return _weighted(rule.content, weights.get(rule.weight_group)) if weights else rule.content

    parts = [resolved.system_prompt]
    parts += [rule_text(rule) for rule in resolved.prepend]
    parts.append(resolved.character.base_prompt if resolved.character else "")
    parts.append(core_prompt)
    parts += [rule_text(rule) for rule in resolved.append]
    return ", ".join(part.strip().strip(",") for part in parts if part and part.strip())


def resolved_fill(resolved: ResolvedPrompt, variables: dict[str, str]) -> ResolvedPrompt:
    """The templates of ``resolved`` with their ``{name}`` placeholders filled (``placeholders.fill``).

    ``MissingVariables`` (a ValueError) names the template and the variables it lacks.
    """
    from dataclasses import replace

    from prompts.placeholders import fill

    names = {kind: entry.get("name", kind) for kind, entry in resolved.lineage.get("templates", {}).items()}
    return replace(
        resolved,
        system_prompt=fill(resolved.system_prompt, variables, where=f"Template {names.get('system', 'system')!r}"),
        negative_prompt=fill(resolved.negative_prompt, variables,
                             where=f"Template {names.get('negative', 'negative')!r}"),
        rewrite_prompt=fill(resolved.rewrite_prompt, variables,
                            where=f"Template {names.get('rewrite', 'rewrite')!r}"),
    )
