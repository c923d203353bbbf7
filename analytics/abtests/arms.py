"""The arms of an A/B test: what each may name, how it is checked, what it submits.

An arm is a JSON object with any of the keys in ``ARM_KEYS``; stored arms
always carry all four (unset ones as null, the strategy defaulting to
``none``), so two arms compare equal exactly when they would run the same.
Arm 0 is the baseline, arm 1 the enhanced arm, arms 2… the test's
``variants`` (each with a ``name`` as well), up to ``MAX_ARMS`` in all.
Errors are keyed ``<arm>.<setting>`` (``baseline.compel_config``,
``variants.0.prompt_version``) so forms and the API can put each message next
to its field.
"""

import uuid
from dataclasses import dataclass

from django.core.exceptions import ValidationError

from configs.models import CompelConfig, EnhancedModelConfig
from ourvidz_admin.choices import EnhancementStrategy, ModelType
from prompts.models import PromptVersion

ARM_KEYS = ("prompt_version", "enhancement_strategy", "compel_config", "model_config")
ARMS = ("baseline", "enhanced")
MAX_ARMS = 6  # baseline, enhanced and four variants: six outputs per prompt is as many as a rater compares
MAX_NAME = 40
COMPEL_STRATEGIES = (EnhancementStrategy.COMPEL, EnhancementStrategy.HYBRID)
_REFERENCES = {
    "prompt_version": (PromptVersion, "prompt version"),
    "compel_config": (CompelConfig, "Compel configuration"),
    "model_config": (EnhancedModelConfig, "model configuration"),
}


@dataclass(frozen=True)
class Arm:
    """One checked arm with the rows it names loaded."""

    enhancement_strategy: str
    prompt_version: PromptVersion | None = None
    compel_config: CompelConfig | None = None
    model_config: EnhancedModelConfig | None = None

    def as_json(self) -> dict:
        """The stored form: every key present, ids as strings."""
        def ref(row):
            return str(row.pk) if row is not None else None

        return {"prompt_version": ref(self.prompt_version), "enhancement_strategy": self.enhancement_strategy,
                "compel_config": ref(self.compel_config), "model_config": ref(self.model_config)}

    def submit_kwargs(self) -> dict:
        """The arguments of ``generations.services.job_submit`` that this arm sets."""
        return {"strategy": self.enhancement_strategy, "prompt_version": self.prompt_version,
                "compel_config": self.compel_config, "model_config": self.model_config}


def _load(setting: str, value, field: str, errors: dict):
    """The row an arm names by id, or None; a bad or unknown id becomes an error under ``field``."""
    if value in (None, ""):
        return None
    model, label = _REFERENCES[setting]
    try:
        pk = uuid.UUID(str(value))
    except ValueError:
        errors[field] = f"{value!r} is not a {label} id (a UUID)."
        return None
    row = model.objects.filter(pk=pk).first()
    if row is None:
        errors[field] = f"No {label} with id {pk}."
    return row


def _strategy(value, model_type: str, field: str, errors: dict) -> str:
    strategy = value or EnhancementStrategy.NONE
    if strategy not in EnhancementStrategy.values:
        errors[field] = f"Unknown strategy {strategy!r}; use one of: {', '.join(EnhancementStrategy.values)}."
    elif model_type == ModelType.WAN and strategy in COMPEL_STRATEGIES:
        errors[field] = "Compel weighting is SDXL-only; use none or qwen for WAN."
    return strategy


def arm_resolve(arm, *, model_type: str, name: str) -> Arm:
    """Check arm ``name`` (``baseline`` or ``enhanced``) of a ``model_type`` test and load its rows."""
    if not isinstance(arm, dict):
        raise ValidationError({name: f"An arm is an object with any of: {', '.join(ARM_KEYS)}."})
    errors = {f"{name}.{key}": f"Unknown arm setting {key!r}; use {', '.join(ARM_KEYS)}."
              for key in sorted(set(arm) - set(ARM_KEYS))}
    strategy = _strategy(arm.get("enhancement_strategy"), model_type, f"{name}.enhancement_strategy", errors)
    version = _load("prompt_version", arm.get("prompt_version"), f"{name}.prompt_version", errors)
    compel = _load("compel_config", arm.get("compel_config"), f"{name}.compel_config", errors)
    config = _load("model_config", arm.get("model_config"), f"{name}.model_config", errors)
    if version is not None and version.is_deleted:
        errors[f"{name}.prompt_version"] = f"Prompt version {version.pk} is deleted."
    if compel is not None and strategy not in COMPEL_STRATEGIES:
        errors[f"{name}.compel_config"] = "A Compel configuration applies only to the compel and hybrid strategies."
    if config is not None and config.model_type != model_type:
        errors[f"{name}.model_config"] = (
            f"{config.config_name!r} is a {config.model_type} configuration; this test runs {model_type}.")
    if errors:
        raise ValidationError(errors)
    return Arm(strategy, version, compel, config)


def arms_resolve(*, baseline, enhanced, model_type: str) -> tuple[Arm, Arm]:
    """Check both arms (all errors at once) and that they differ in at least one setting."""
    arms, errors = {}, {}
    for name, arm in zip(ARMS, (baseline, enhanced)):
        try:
            arms[name] = arm_resolve(arm, model_type=model_type, name=name)
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    if arms["baseline"].as_json() == arms["enhanced"].as_json():
        raise ValidationError({"enhanced": "The two arms are identical; change at least one setting."})
    return arms["baseline"], arms["enhanced"]


def _variant_name(value, index: int, taken: set, errors: dict) -> str:
    name = str(value if value is not None else "").strip() or f"variant {index + 2}"
    field = f"variants.{index}.name"
    if len(name) > MAX_NAME:
        errors[field] = f"A variant name has at most {MAX_NAME} characters."
    elif name.lower() in taken:
        errors[field] = f"Another arm is already called {name!r}; give each arm its own name."
    taken.add(name.lower())
    return name


def variants_resolve(variants, *, model_type: str, taken=ARMS) -> list[tuple[str, Arm]]:
    """Check the test's further arms (all errors at once): ``[(name, Arm), …]`` in arm order from 2."""
    if variants in (None, ""):
        return []
    if not isinstance(variants, list | tuple):
        raise ValidationError({"variants": "Give a list of arms, each an object with a name and its settings."})
    if len(variants) > MAX_ARMS - 2:
        raise ValidationError({"variants": f"At most {MAX_ARMS - 2} variants: {MAX_ARMS} arms with the baseline "
                                           "and the enhanced arm."})
    names, resolved, errors = {name.lower() for name in taken}, [], {}
    for index, variant in enumerate(variants):
        field = f"variants.{index}"
        if not isinstance(variant, dict):
            errors[field] = f"An arm is an object with a name and any of: {', '.join(ARM_KEYS)}."
            continue
        name = _variant_name(variant.get("name"), index, names, errors)
        try:
            resolved.append((name, arm_resolve({k: v for k, v in variant.items() if k != "name"},
                                               model_type=model_type, name=field)))
        except ValidationError as exc:
            errors.update({key: messages[0] if len(messages) == 1 else messages
                           for key, messages in exc.message_dict.items()})
    if errors:
        raise ValidationError(errors)
    return resolved


def arms_all_resolve(*, baseline, enhanced, variants, model_type: str) -> list[tuple[str, Arm]]:
    """Every arm of a test checked together, in arm order, and no two of them alike."""
    errors, arms = {}, []
    try:
        arms = list(zip(ARMS, arms_resolve(baseline=baseline, enhanced=enhanced, model_type=model_type)))
    except ValidationError as exc:
        errors.update(exc.message_dict)
    try:
        more = variants_resolve(variants, model_type=model_type)
    except ValidationError as exc:
        errors.update(exc.message_dict)
        more = []
    if errors:
        raise ValidationError(errors)
    seen = {}
    for index, (name, arm) in enumerate([*arms, *more]):
        key = str(sorted(arm.as_json().items()))
        if key in seen:
            errors[f"variants.{index - 2}"] = f"Arm {name!r} runs the same settings as {seen[key]!r}."
        seen.setdefault(key, name)
    if errors:
        raise ValidationError(errors)
    return [*arms, *more]


def test_arms(test) -> list[tuple[str, dict]]:
    """``[(name, stored arm), …]`` of a test in arm order: baseline, enhanced, then its variants."""
    return [("baseline", test.baseline_config), ("enhanced", test.enhanced_config),
            *((variant["name"], {key: value for key, value in variant.items() if key != "name"})
              for variant in test.variants or [])]


def arm_summary(arm: dict) -> str:
    """One line naming an arm's settings, for admin pages (never shown to raters)."""
    parts = [f"strategy {arm.get('enhancement_strategy') or EnhancementStrategy.NONE}"]
    for setting, (model, label) in _REFERENCES.items():
        pk = arm.get(setting)
        if pk:
            row = model.objects.filter(pk=pk).first()
            parts.append(f"{label} {row if row is not None else pk}")
    return " · ".join(parts)
