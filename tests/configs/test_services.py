"""Model configuration services: save with history, activate, reset, presets, JSON export and import."""

import json
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from configs.models import ConfigChangeHistory, EnhancedModelConfig, EnhancementPreset, ModelConfigHistory
from configs.services import (
    model_config_activate,
    model_config_export,
    model_config_import,
    model_config_import_many,
    model_config_reset_to_defaults,
    model_config_save,
    preset_apply,
)
from tests.factories import EnhancedModelConfigFactory, EnhancementPresetFactory, UserFactory

pytestmark = pytest.mark.django_db

WAN = {"model_type": "WAN", "resolution": "", "motion_bucket": 127, "frame_count": 64}
EXPORT_KEYS = [
    "model_type", "config_name", "inference_steps", "guidance_scale", "resolution", "motion_bucket", "frame_count",
    "compel_quality_weight", "compel_detail_weight", "compel_nsfw_weight", "compel_style_weight",
    "qwen_max_time_ms", "qwen_expansion_target", "qwen_quality_focus", "qwen_auto_enable",
    "enable_qwen", "enable_compel", "auto_enhancement",
]


def _settings(config) -> dict:
    """Every export field of ``config`` as stored in the database."""
    config.refresh_from_db()
    return {name: getattr(config, name) for name in EXPORT_KEYS}


def test_save_records_changed_fields_summary_and_snapshot():
    user = UserFactory()
    config = EnhancedModelConfigFactory(config_name="Baseline", inference_steps=20, guidance_scale=Decimal("7.0"))

    change = model_config_save(config=config, values={"inference_steps": 25, "guidance_scale": 7.5}, changed_by=user)

    config.refresh_from_db()
    assert (config.inference_steps, config.guidance_scale) == (25, Decimal("7.5"))
    assert change.change_summary == "inference_steps 20 → 25; guidance_scale 7.0 → 7.5"
    assert change.old_values == {"inference_steps": 20, "guidance_scale": 7.0}
    assert change.new_values == {"inference_steps": 25, "guidance_scale": 7.5}
    assert (change.config, change.model_type, change.config_name, change.changed_by) == (
        config, "SDXL", "Baseline", user)
    assert (change.jobs_affected, change.quality_impact, change.performance_impact) == (0, None, None)
    snapshot = ModelConfigHistory.objects.get()
    assert snapshot.config_data == {
        "model_type": "SDXL", "config_name": "Baseline", "inference_steps": 25, "guidance_scale": 7.5,
        "resolution": "1024x1024", "motion_bucket": None, "frame_count": None, "compel_quality_weight": 1.2,
        "compel_detail_weight": 1.0, "compel_nsfw_weight": 0.8, "compel_style_weight": 1.1,
        "qwen_max_time_ms": 15000, "qwen_expansion_target": 2500, "qwen_quality_focus": "high",
        "qwen_auto_enable": True, "enable_qwen": True, "enable_compel": True, "auto_enhancement": True,
        "is_active": False, "is_default": False,
    }
    assert (snapshot.created_by, snapshot.notes, snapshot.is_active) == (user, change.change_summary, False)


def test_save_without_a_change_writes_nothing():
    config = EnhancedModelConfigFactory(inference_steps=20, guidance_scale=Decimal("7.5"))
    updated_at = config.updated_at

    change = model_config_save(config=config, values={"inference_steps": 20, "guidance_scale": "7.5"},
                               changed_by=UserFactory())

    config.refresh_from_db()
    assert change is None
    assert config.updated_at == updated_at
    assert ConfigChangeHistory.objects.count() == 0
    assert ModelConfigHistory.objects.count() == 0


@pytest.mark.parametrize(
    "field,value,message",
    [
        ("guidance_scale", 25, "guidance_scale must be between 1.0 and 20.0."),
        ("inference_steps", 60, "inference_steps must be between 10 and 50."),
        ("compel_nsfw_weight", 2.5, "compel_nsfw_weight must be between 0.0 and 2.0."),
        ("resolution", "640x640", "Value '640x640' is not a valid choice."),
    ],
)
def test_out_of_range_value_is_rejected_on_its_field_and_nothing_written(field, value, message):
    config = EnhancedModelConfigFactory()
    before = _settings(config)

    with pytest.raises(ValidationError) as excinfo:
        model_config_save(config=config, values={field: value}, changed_by=UserFactory())

    assert excinfo.value.message_dict == {field: [message]}
    assert _settings(config) == before
    assert ConfigChangeHistory.objects.count() == 0
    assert ModelConfigHistory.objects.count() == 0


def test_save_rejects_unknown_fields_and_a_second_active_config():
    EnhancedModelConfigFactory(is_active=True)
    config = EnhancedModelConfigFactory()

    with pytest.raises(ValidationError) as unknown:
        model_config_save(config=config, values={"sharpness": 3}, changed_by=None)
    with pytest.raises(ValidationError) as active:
        model_config_save(config=config, values={"is_active": True}, changed_by=None)

    assert unknown.value.message_dict == {"sharpness": ["Unknown configuration field 'sharpness'."]}
    assert active.value.message_dict == {"is_active": ["Another configuration of this model is already active."]}
    assert ConfigChangeHistory.objects.count() == 0


def test_save_creates_a_new_config_with_a_creation_record():
    user = UserFactory()
    config = EnhancedModelConfig(model_type="WAN", config_name="Loop")

    change = model_config_save(config=config, values={"motion_bucket": 90, "frame_count": 32}, changed_by=user)

    stored = EnhancedModelConfig.objects.get(config_name="Loop")
    assert (stored.motion_bucket, stored.frame_count, stored.created_by) == (90, 32, user)
    assert (change.change_summary, change.old_values) == ("created", None)
    assert change.new_values["motion_bucket"] == 90


def test_activate_keeps_one_active_config_per_model():
    user = UserFactory()
    current = EnhancedModelConfigFactory(config_name="Current", is_active=True)
    chosen = EnhancedModelConfigFactory(config_name="Chosen")
    wan = EnhancedModelConfigFactory(config_name="Video", is_active=True, **WAN)

    changes = model_config_activate(config=chosen, changed_by=user)

    assert [(c.config, c.change_summary) for c in changes] == [
        (current, "Deactivated, Chosen activated: is_active True → False"),
        (chosen, "Activated: is_active False → True"),
    ]
    assert list(EnhancedModelConfig.objects.filter(is_active=True).order_by("model_type")) == [chosen, wan]
    assert model_config_activate(config=chosen, changed_by=user) == []
    assert ConfigChangeHistory.objects.count() == 2


def test_reset_restores_the_default_configs_values():
    EnhancedModelConfigFactory(
        config_name="Default", is_default=True, inference_steps=30, guidance_scale=Decimal("8.0"),
        compel_quality_weight=Decimal("1.5"), enable_qwen=False, qwen_quality_focus="medium",
    )
    config = EnhancedModelConfigFactory(config_name="Tweaked", inference_steps=45, guidance_scale=Decimal("12.0"),
                                        resolution="832x1216")

    change = model_config_reset_to_defaults(config=config, changed_by=None)

    assert change.change_summary == (
        "Reset to defaults of Default: inference_steps 45 → 30; guidance_scale 12.0 → 8.0; resolution 832x1216 → "
        "1024x1024; compel_quality_weight 1.2 → 1.5; qwen_quality_focus high → medium; enable_qwen True → False"
    )
    config.refresh_from_db()
    assert (config.inference_steps, config.guidance_scale, config.resolution, config.compel_quality_weight,
            config.qwen_quality_focus, config.enable_qwen) == (30, Decimal("8.0"), "1024x1024", Decimal("1.5"),
                                                              "medium", False)
    assert (config.config_name, config.is_default) == ("Tweaked", False)


def test_reset_without_a_default_config_uses_field_and_guide_defaults():
    config = EnhancedModelConfigFactory(inference_steps=40, compel_nsfw_weight=Decimal("0.0"),
                                        **{**WAN, "motion_bucket": 90, "frame_count": 96})

    change = model_config_reset_to_defaults(config=config, changed_by=None)

    config.refresh_from_db()
    assert (config.inference_steps, config.motion_bucket, config.frame_count, config.compel_nsfw_weight) == (
        20, 127, 64, Decimal("0.8"))
    assert change.change_summary == (
        "Reset to field defaults: inference_steps 40 → 20; motion_bucket 90 → 127; frame_count 96 → 64; "
        "compel_nsfw_weight 0.0 → 0.8"
    )
    assert model_config_reset_to_defaults(config=config, changed_by=None) is None


def test_preset_apply_sets_switches_weights_qwen_settings_and_leaves_the_job_count():
    user = UserFactory()
    preset = EnhancementPresetFactory(
        preset_name="Portrait", enable_qwen=True, enable_compel=False, auto_enhancement=False, usage_count=3,
        compel_weights={"quality": 1.4, "detail": 1.2, "nsfw": 0.5, "style": 1.1},
        qwen_settings={"max_time": 25000, "expansion_target": 3500, "quality_focus": "medium"},
    )
    config = EnhancedModelConfigFactory()

    change = preset_apply(preset=preset, config=config, changed_by=user)

    config.refresh_from_db()
    assert (config.enable_qwen, config.enable_compel, config.auto_enhancement) == (True, False, False)
    assert config.compel_weights == {"quality": 1.4, "detail": 1.2, "nsfw": 0.5, "style": 1.1}
    assert (config.qwen_max_time_ms, config.qwen_expansion_target, config.qwen_quality_focus) == (
        25000, 3500, "medium")
    assert change.change_summary == (
        "Preset Portrait: compel_quality_weight 1.2 → 1.4; compel_detail_weight 1.0 → 1.2; compel_nsfw_weight "
        "0.8 → 0.5; qwen_max_time_ms 15000 → 25000; qwen_expansion_target 2500 → 3500; qwen_quality_focus high → "
        "medium; enable_compel True → False; auto_enhancement True → False"
    )
    assert EnhancementPreset.objects.get(pk=preset.pk).usage_count == 3  # jobs run with it, not applications


def test_builtin_presets_are_seeded_and_apply():
    builtin = EnhancementPreset.objects.filter(is_builtin=True).order_by("preset_name")
    config = EnhancedModelConfigFactory()

    change = preset_apply(preset=builtin.get(preset_name="Speed Focus"), config=config, changed_by=None)

    assert [(p.preset_name, p.enable_qwen, p.enable_compel, p.auto_enhancement) for p in builtin] == [
        ("Disabled", False, False, False), ("Maximum Quality", True, True, False),
        ("Quality Focus", True, True, True), ("Speed Focus", False, True, True),
    ]
    assert change.change_summary == "Preset Speed Focus: enable_qwen True → False"
    assert builtin.get(preset_name="Speed Focus").usage_count == 0


def test_builtin_preset_seed_is_idempotent_and_keeps_existing_rows():
    from importlib import import_module

    from django.apps import apps

    seed = import_module("configs.migrations.0006_seed_builtin_presets").seed_presets
    EnhancementPreset.objects.filter(preset_name="Disabled").update(preset_description="ours")

    seed(apps, None)

    assert EnhancementPreset.objects.filter(is_builtin=True).count() == 4
    assert EnhancementPreset.objects.get(preset_name="Disabled").preset_description == "ours"


def test_preset_with_an_unknown_key_is_refused_and_not_counted():
    preset = EnhancementPresetFactory(preset_name="Odd", compel_weights={"sharpness": 1.0})
    config = EnhancedModelConfigFactory()

    with pytest.raises(ValidationError) as excinfo:
        preset_apply(preset=preset, config=config, changed_by=None)

    assert excinfo.value.messages == [
        "Preset Odd: unknown Compel weight 'sharpness'; use quality, detail, nsfw, style."]
    assert EnhancementPreset.objects.get(pk=preset.pk).usage_count == 0
    assert ConfigChangeHistory.objects.count() == 0


def test_export_then_import_reproduces_the_config_exactly():
    config = EnhancedModelConfigFactory(
        config_name="Smooth", inference_steps=30, guidance_scale=Decimal("6.5"), compel_quality_weight=Decimal("1.4"),
        compel_nsfw_weight=Decimal("0.0"), qwen_max_time_ms=20000, qwen_quality_focus="low", enable_compel=False,
        **{**WAN, "motion_bucket": 90, "frame_count": 96},
    )
    original = _settings(config)
    data = json.loads(json.dumps(model_config_export(config=config)))
    config.delete()

    imported = model_config_import(data=data, changed_by=None)

    assert list(data) == EXPORT_KEYS
    assert _settings(imported) == original
    assert model_config_export(config=imported) == data
    assert EnhancedModelConfig.objects.count() == 1


def test_import_updates_the_config_of_the_same_model_and_name():
    config = EnhancedModelConfigFactory(config_name="Main", inference_steps=20)
    data = model_config_export(config=config)
    model_config_save(config=config, values={"inference_steps": 35, "enable_qwen": False}, changed_by=None)

    imported = model_config_import(data=data, changed_by=None)

    assert imported.pk == config.pk
    assert (imported.inference_steps, imported.enable_qwen) == (20, True)
    assert ConfigChangeHistory.objects.order_by("changed_at").last().change_summary == (
        "Imported: inference_steps 35 → 20; enable_qwen False → True")


def test_import_with_unknown_key_and_bad_values_lists_every_error_and_writes_nothing():
    config = EnhancedModelConfigFactory(config_name="Main")
    before = _settings(config)
    data = {**model_config_export(config=config), "sharpness": 1.0, "guidance_scale": "high", "inference_steps": 60,
            "enable_qwen": "yes"}

    with pytest.raises(ValidationError) as excinfo:
        model_config_import(data=data, changed_by=None)

    assert excinfo.value.message_dict == {
        "sharpness": ["Unknown field 'sharpness'; known fields: " + ", ".join(EXPORT_KEYS) + "."],
        "guidance_scale": ["Must be a number, got 'high'."],
        "enable_qwen": ["Must be true or false, got 'yes'."],
        "inference_steps": ["inference_steps must be between 10 and 50."],
    }
    assert _settings(config) == before
    assert ConfigChangeHistory.objects.count() == 0


def test_import_many_is_all_or_nothing():
    good = {"model_type": "SDXL", "config_name": "New one", "inference_steps": 30}
    bad = {"model_type": "SDXL", "config_name": "Broken", "compel_nsfw_weight": 2.5}

    with pytest.raises(ValidationError) as excinfo:
        model_config_import_many(items=[good, bad, "text"], changed_by=None)

    assert excinfo.value.message_dict == {
        "#2 compel_nsfw_weight": ["compel_nsfw_weight must be between 0.0 and 2.0."],
        "#3": ["A configuration must be a JSON object of field names and values."],
    }
    assert EnhancedModelConfig.objects.count() == 0
    assert ConfigChangeHistory.objects.count() == 0
    assert ModelConfigHistory.objects.count() == 0
