"""The two arms of an A/B test: what each may name, how it is checked, what it submits.

An arm is a JSON object with any of the keys in ``ARM_KEYS``; stored arms
always carry all four (unset ones as null, the strategy defaulting to
``none``), so two arms compare equal exactly when they would run the same.
Errors are keyed ``<arm>.<setting>`` (``baseline.compel_config``) so forms and
the API can put each message next to its field.
"""

import uuid
from dataclasses import dataclass

from django.core.exceptions import ValidationError

from configs.models import CompelConfig, EnhancedModelConfig
from ourvidz_admin.choices import EnhancementStrategy, ModelType
from prompts.models import PromptVersion

ARM_KEYS = ("prompt_version", "enhancement_strategy", "compel_config", "model_config")
ARMS = ("baseline", "enhanced")
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


def arm_summary(arm: dict) -> str:
    """One line naming an arm's settings, for admin pages (never shown to raters)."""
    parts = [f"strategy {arm.get('enhancement_strategy') or EnhancementStrategy.NONE}"]
    for setting, (model, label) in _REFERENCES.items():
        pk = arm.get(setting)
        if pk:
            row = model.objects.filter(pk=pk).first()
            parts.append(f"{label} {row if row is not None else pk}")
    return " · ".join(parts)
