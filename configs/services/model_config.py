"""Writes to model configurations: save, activate, reset to defaults, apply a preset.

Every write goes through ``_config_apply``: validate the whole row, save it
only when a value changed, and record what changed (``config_change_history``)
and the full result (``model_config_history``) in the same transaction.
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models, transaction

from configs import selectors
from configs.choices import GUIDE_MODEL_DEFAULTS, PRESET_COMPEL_FIELDS, PRESET_QWEN_FIELDS
from configs.models import ConfigChangeHistory, EnhancedModelConfig, EnhancementPreset, ModelConfigHistory
from configs.models.model_config import CONFIG_FIELDS, SETTING_FIELDS


def config_values(config: EnhancedModelConfig) -> dict:
    """Every configuration field as JSON: Decimals become floats (DECIMAL(3,1) round-trips exactly)."""
    return {name: _json_value(getattr(config, name)) for name in CONFIG_FIELDS}


def _json_value(value):
    return float(value) if isinstance(value, Decimal) else value


def _shown(value) -> str:
    return "—" if value is None or value == "" else str(value)


def _model_value(field: models.Field, value):
    # A float such as 1.2 would become Decimal("1.20") and fail DECIMAL(3,1)'s decimal-places check.
    if isinstance(field, models.DecimalField) and isinstance(value, float):
        return Decimal(repr(value))
    return value


def config_assign(config: EnhancedModelConfig, values: dict) -> None:
    """Set field values on ``config`` as the model stores them (nothing validated or saved)."""
    for name, value in values.items():
        setattr(config, name, _model_value(EnhancedModelConfig._meta.get_field(name), value))


def change_summary(old: dict, new: dict) -> str:
    """``inference_steps 20 → 25; guidance_scale 7.0 → 7.5`` over the changed fields, in field order."""
    return "; ".join(f"{name} {_shown(old.get(name))} → {_shown(value)}" for name, value in new.items())


@transaction.atomic
def _config_apply(
    *, config: EnhancedModelConfig, values: dict, changed_by, note: str = ""
) -> ConfigChangeHistory | None:
    """Set ``values`` on ``config``, validate, save and record; None (and nothing written) when nothing changed."""
    unknown = sorted(set(values) - set(CONFIG_FIELDS))
    if unknown:
        raise ValidationError({name: f"Unknown configuration field {name!r}." for name in unknown})
    stored = EnhancedModelConfig.objects.select_for_update().filter(pk=config.pk).first()
    before = None if stored is None else config_values(stored)
    if stored is None and config.created_by_id is None:
        config.created_by = changed_by
    config_assign(config, values)
    config.full_clean()
    after = config_values(config)
    if before is None:
        old, new, summary = None, after, "created"
    else:
        old = {name: before[name] for name in CONFIG_FIELDS if before[name] != after[name]}
        if not old:
            return None
        new = {name: after[name] for name in old}
        summary = change_summary(old, new)
    config.save()
    selectors.clear_cache()
    summary = f"{note}: {summary}" if note else summary
    ModelConfigHistory.objects.create(
        model_type=config.model_type, config_name=config.config_name, config_data=after,
        is_active=config.is_active, created_by=changed_by, notes=summary,
    )
    return ConfigChangeHistory.objects.create(
        config=config, model_type=config.model_type, config_name=config.config_name, old_values=old,
        new_values=new, change_summary=summary, changed_by=changed_by,
    )


def model_config_save(*, config: EnhancedModelConfig, values: dict, changed_by) -> ConfigChangeHistory | None:
    """Validate and save ``values`` (field name → value) on ``config``, new or existing.

    Out-of-range values raise ``ValidationError`` keyed by field and nothing is
    written. Returns the change record, or None when no value differs from the
    stored row (then nothing is saved or recorded).
    """
    return _config_apply(config=config, values=values, changed_by=changed_by)


def _locked(config: EnhancedModelConfig) -> EnhancedModelConfig:
    # Actions work on the stored row, never on unsaved edits the caller's instance may hold.
    config.refresh_from_db(from_queryset=EnhancedModelConfig.objects.select_for_update())
    return config


@transaction.atomic
def model_config_activate(*, config: EnhancedModelConfig, changed_by) -> list[ConfigChangeHistory]:
    """Make ``config`` the one active configuration of its model; the previously active one is deactivated.

    Both rows change in one transaction (the database allows one active row
    per model). Returns the change records written, deactivations first; empty
    when ``config`` was already active.
    """
    config = _locked(config)
    if config.is_active:
        return []
    others = (EnhancedModelConfig.objects.select_for_update()
              .filter(model_type=config.model_type, is_active=True).exclude(pk=config.pk))
    changes = [
        _config_apply(config=other, values={"is_active": False}, changed_by=changed_by,
                      note=f"Deactivated, {config.config_name} activated")
        for other in others
    ]
    changes.append(_config_apply(config=config, values={"is_active": True}, changed_by=changed_by, note="Activated"))
    return changes


def model_config_defaults(model_type: str, *, exclude_pk=None) -> tuple[dict, str]:
    """The setting values "reset to defaults" restores for ``model_type``, and where they come from.

    The model's ``is_default`` configuration when there is one (other than
    ``exclude_pk``); otherwise the field defaults, with the guide's values for
    the columns that have none (SDXL resolution, WAN motion bucket and frames).
    """
    default = (EnhancedModelConfig.objects.filter(model_type=model_type, is_default=True)
               .exclude(pk=exclude_pk).first())
    if default is not None:
        return {name: getattr(default, name) for name in SETTING_FIELDS}, f"Reset to defaults of {default.config_name}"
    fields = {name: EnhancedModelConfig._meta.get_field(name) for name in SETTING_FIELDS}
    values = {name: field.get_default() for name, field in fields.items()}
    return {**values, **GUIDE_MODEL_DEFAULTS.get(model_type, {})}, "Reset to field defaults"


@transaction.atomic
def model_config_reset_to_defaults(*, config: EnhancedModelConfig, changed_by) -> ConfigChangeHistory | None:
    """Restore every setting of ``config`` from its model's defaults (``model_config_defaults``); recorded."""
    config = _locked(config)
    values, note = model_config_defaults(config.model_type, exclude_pk=config.pk)
    return _config_apply(config=config, values=values, changed_by=changed_by, note=note)


def preset_values(preset: EnhancementPreset) -> dict:
    """The configuration values ``preset`` sets: its three switches, Compel weights and Qwen settings."""
    values = {"enable_qwen": preset.enable_qwen, "enable_compel": preset.enable_compel,
              "auto_enhancement": preset.auto_enhancement}
    errors = []
    for label, data, columns in (("Compel weight", preset.compel_weights, PRESET_COMPEL_FIELDS),
                                 ("Qwen setting", preset.qwen_settings, PRESET_QWEN_FIELDS)):
        if data is not None and not isinstance(data, dict):
            errors.append(f"Preset {preset.preset_name}: {label}s must be an object.")
            continue
        for key, value in (data or {}).items():
            if key not in columns:
                errors.append(f"Preset {preset.preset_name}: unknown {label} {key!r}; use {', '.join(columns)}.")
            else:
                values[columns[key]] = value
    if errors:
        raise ValidationError(errors)
    return values


@transaction.atomic
def preset_apply(*, preset: EnhancementPreset, config: EnhancedModelConfig, changed_by) -> ConfigChangeHistory | None:
    """Apply ``preset`` to ``config`` (switches, Compel weights, Qwen settings).

    The change is recorded with the preset named in its summary; a preset that
    changes nothing records no change. The preset's ``usage_count`` counts the
    jobs run with it (``analytics.rollups.aggregates``), not applications.
    """
    config = _locked(config)
    return _config_apply(config=config, values=preset_values(preset), changed_by=changed_by,
                         note=f"Preset {preset.preset_name}")
