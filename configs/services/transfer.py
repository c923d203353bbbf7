"""Model configurations as JSON: export one, import one or many (all or nothing)."""

import copy

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models, transaction

from configs.models import ConfigChangeHistory, EnhancedModelConfig
from configs.models.model_config import IDENTITY_FIELDS, SETTING_FIELDS
from configs.services.model_config import _config_apply, config_assign, config_values

EXPORT_FIELDS = (*IDENTITY_FIELDS, *SETTING_FIELDS)


def model_config_export(*, config: EnhancedModelConfig) -> dict:
    """``config`` as a JSON object: its model, name and every setting (not whether it is active or default).

    Decimals are written as numbers; ``model_config_import`` of the result
    reproduces the configuration exactly.
    """
    values = config_values(config)
    return {name: values[name] for name in EXPORT_FIELDS}


def _type_error(field: models.Field, value) -> str | None:
    """Why ``value`` is the wrong JSON type for ``field`` (ranges are the model's business), or None."""
    if value is None:
        return None if field.null else "This field cannot be null."
    if isinstance(field, models.BooleanField):
        return None if isinstance(value, bool) else f"Must be true or false, got {value!r}."
    if isinstance(value, bool):
        return f"Must be a number, got {value!r}."
    if isinstance(field, models.DecimalField):
        return None if isinstance(value, (int, float)) else f"Must be a number, got {value!r}."
    if isinstance(field, models.IntegerField):
        return None if isinstance(value, int) else f"Must be a whole number, got {value!r}."
    return None if isinstance(value, str) else f"Must be text, got {value!r}."


def _add_model_errors(errors: dict, config: EnhancedModelConfig, values: dict) -> None:
    """Add the range/choice errors of the well-typed ``values`` to ``errors``, so one pass lists them all."""
    probe = copy.copy(config)
    config_assign(probe, values)
    try:
        probe.full_clean(exclude=set(errors))
    except ValidationError as error:
        for field, messages in error.update_error_dict({}).items():
            errors.setdefault(field, []).extend(messages)


def _import_one(data, changed_by) -> tuple[EnhancedModelConfig, bool, ConfigChangeHistory | None]:
    if not isinstance(data, dict):
        raise ValidationError("A configuration must be a JSON object of field names and values.")
    errors = {name: [f"Unknown field {name!r}; known fields: {', '.join(EXPORT_FIELDS)}."]
              for name in data if name not in EXPORT_FIELDS}
    for name in IDENTITY_FIELDS:
        if data.get(name) in (None, ""):
            errors.setdefault(name, []).append("This field is required.")
    for name in set(data) & set(EXPORT_FIELDS):
        problem = _type_error(EnhancedModelConfig._meta.get_field(name), data[name])
        if problem:
            errors.setdefault(name, []).append(problem)
    config = None
    if not {"model_type", "config_name"} & set(errors):
        config = EnhancedModelConfig.objects.filter(model_type=data["model_type"],
                                                    config_name=data["config_name"]).first()
    created = config is None
    config = config or EnhancedModelConfig()
    if errors:
        _add_model_errors(errors, config, {name: data[name] for name in set(data) & set(EXPORT_FIELDS) - set(errors)})
        raise ValidationError(errors)
    change = _config_apply(config=config, values=data, changed_by=changed_by, note="Imported")
    return config, created, change


@transaction.atomic
def model_config_import(*, data: dict, changed_by) -> EnhancedModelConfig:
    """Create or update the configuration named by ``data``'s (model_type, config_name) from an export.

    Every field is checked (unknown keys, JSON types, ranges, choices); any
    error raises ``ValidationError`` keyed by field and nothing is written.
    Fields left out keep their current (or default) values.
    """
    return _import_one(data, changed_by)[0]


@transaction.atomic
def model_config_import_many(
    *, items: list, changed_by
) -> list[tuple[EnhancedModelConfig, bool, ConfigChangeHistory | None]]:
    """Import each object of ``items`` (an export list); all or nothing.

    Returns (configuration, created, change record or None if unchanged) per item. Errors of every item are
    collected and raised together, keyed ``#<item number> <field>``; then
    nothing at all is written.
    """
    results, errors = [], {}
    for number, data in enumerate(items, start=1):
        try:
            with transaction.atomic():
                results.append(_import_one(data, changed_by))
        except ValidationError as error:
            for field, messages in error.update_error_dict({}).items():
                key = f"#{number}" if field == NON_FIELD_ERRORS else f"#{number} {field}"
                errors.setdefault(key, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    return results
