"""Model configurations, the guide's presets, Compel weight sets and configuration history (document 000 §4)."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from configs.models import (
    CompelConfig,
    ConfigChangeHistory,
    EnhancedModelConfig,
    EnhancementPreset,
    ModelConfigHistory,
)
from configs.models.compel import compel_config_hash
from demo.keys import demo_uuid, insert_missing

# Explicit Compel weights: the model's float defaults (1.2, 0.8, 1.1) fail full_clean on DECIMAL(3,1).
_SDXL = {"compel_quality_weight": 1.2, "compel_detail_weight": 1.0, "compel_nsfw_weight": 0.8,
         "compel_style_weight": 1.1}
_WAN = {"enable_compel": False, "compel_quality_weight": 1.0, "compel_detail_weight": 1.0,
        "compel_nsfw_weight": 0.0, "compel_style_weight": 1.0}
# (model, name, active+default, settings); Compel is SDXL-only, so WAN configurations disable it.
MODEL_CONFIGS = (
    ("SDXL", "Production baseline", True, {"inference_steps": 25, "guidance_scale": 7.5, "resolution": "1024x1024",
                                           **_SDXL}),
    ("SDXL", "Fast preview", False, {"inference_steps": 15, "guidance_scale": 6.0, "resolution": "832x1216",
                                     "enable_qwen": False, "auto_enhancement": False, **_SDXL}),
    ("SDXL", "Detail push", False, {"inference_steps": 40, "guidance_scale": 8.0, "resolution": "1216x832",
                                    **_SDXL, "compel_quality_weight": 1.4, "compel_detail_weight": 1.3}),
    ("WAN", "Production baseline", True, {"inference_steps": 25, "guidance_scale": 7.5, "motion_bucket": 127,
                                          "frame_count": 64, **_WAN}),
    ("WAN", "Smooth motion", False, {"inference_steps": 30, "guidance_scale": 6.5, "motion_bucket": 90,
                                     "frame_count": 96, **_WAN}),
    ("WAN", "Quick loop", False, {"inference_steps": 15, "guidance_scale": 7.0, "motion_bucket": 150,
                                  "frame_count": 32, "qwen_quality_focus": "medium", **_WAN}),
)
_QWEN = {"max_time": 15000, "expansion_target": 2500, "quality_focus": "high"}
_WEIGHTS = {"quality": 1.2, "detail": 1.0, "nsfw": 0.8, "style": 1.1}
# (name, description, qwen, compel, auto, compel weights, qwen settings, recommended, builtin); the settings of a
# disabled component are kept so that switching it on starts from the guide's values.
PRESETS = (
    ("Quality Focus", "Qwen rewrite plus Compel weighting, applied automatically.", True, True, True,
     _WEIGHTS, _QWEN, True, True),
    ("Speed Focus", "Compel weighting only: no LLM call, adds well under a second.", False, True, True,
     _WEIGHTS, _QWEN, False, True),
    ("Maximum Quality", "Qwen and Compel, chosen per job by the user rather than applied automatically.",
     True, True, False, {**_WEIGHTS, "quality": 1.4, "detail": 1.2}, {**_QWEN, "max_time": 25000,
                                                                     "expansion_target": 3500}, False, True),
    ("Disabled", "No enhancement: the prompt goes to the model as written.", False, False, False, _WEIGHTS, _QWEN,
     False, True),
    ("Portrait Studio", "Team preset for character portraits: stronger detail, softer style.", True, True, True,
     {"quality": 1.3, "detail": 1.2, "nsfw": 0.6, "style": 1.1}, {**_QWEN, "expansion_target": 2000}, False, False),
)
COMPEL_CONFIGS = (
    ("Default weights", _WEIGHTS, True),
    ("Quality heavy", {"quality": 1.5, "detail": 1.1, "nsfw": 0.8, "style": 1.0}, False),
    ("Detail heavy", {"quality": 1.1, "detail": 1.5, "nsfw": 0.8, "style": 1.0}, False),
    ("Style forward", {"quality": 1.0, "detail": 1.0, "nsfw": 0.8, "style": 1.6}, False),
    ("Neutral 1.0", {"quality": 1.0, "detail": 1.0, "nsfw": 1.0, "style": 1.0}, False),
    ("Soft touch", {"quality": 0.9, "detail": 0.8, "nsfw": 0.5, "style": 0.9}, False),
    ("Portrait tuned", {"quality": 1.3, "detail": 1.2, "nsfw": 0.6, "style": 1.1}, False),
    ("Landscape tuned", {"quality": 1.2, "detail": 1.4, "nsfw": 0.4, "style": 1.3}, False),
    ("Max push", {"quality": 2.0, "detail": 1.8, "nsfw": 1.0, "style": 1.5}, False),
    ("Minimal", {"quality": 0.7, "detail": 0.7, "nsfw": 0.2, "style": 0.7}, False),
)
# (model, config, days ago, old values, new values, quality impact, seconds impact, jobs affected)
CHANGES = (
    ("SDXL", "Production baseline", 24, {"inference_steps": 20, "guidance_scale": 7.0},
     {"inference_steps": 25, "guidance_scale": 7.5}, "0.18", "4.20", 412),
    ("SDXL", "Production baseline", 10, {"compel_quality_weight": 1.0}, {"compel_quality_weight": 1.2}, "0.09",
     "0.30", 655),
    ("SDXL", "Production baseline", 3, {"qwen_expansion_target": 2000}, {"qwen_expansion_target": 2500}, "0.05",
     "1.10", 238),
    ("SDXL", "Fast preview", 15, {"inference_steps": 12}, {"inference_steps": 15}, "0.30", "1.90", 97),
    ("WAN", "Production baseline", 20, {"frame_count": 48, "motion_bucket": 100},
     {"frame_count": 64, "motion_bucket": 127}, "0.21", "38.50", 301),
    ("WAN", "Production baseline", 7, {"inference_steps": 20}, {"inference_steps": 25}, "0.12", "22.00", 188),
    ("WAN", "Smooth motion", 5, {"guidance_scale": 7.5}, {"guidance_scale": 6.5}, "-0.04", "-0.50", 41),
)


def seed_configs(users: list) -> dict[str, int]:
    """Insert the missing model configurations, presets, Compel configs, snapshots and change records."""
    now = timezone.now()
    # Never take "active"/"default" from a configuration someone already chose (one of each per model).
    active_taken = set(EnhancedModelConfig.objects.filter(is_active=True).values_list("model_type", flat=True))
    default_taken = set(EnhancedModelConfig.objects.filter(is_default=True).values_list("model_type", flat=True))
    configs = [
        EnhancedModelConfig(
            id=demo_uuid("model-config", f"{model}/{name}"), model_type=model, config_name=name,
            is_active=active and model not in active_taken, is_default=active and model not in default_taken,
            created_by=users[n % len(users)], created_at=now - timedelta(days=40 - n),
            **{key: Decimal(str(value)) if isinstance(value, float) else value for key, value in values.items()},
        )
        for n, (model, name, active, values) in enumerate(MODEL_CONFIGS)
    ]
    counts = {"model_configs": insert_missing(EnhancedModelConfig, configs, ("model_type", "config_name"))}
    presets = [
        EnhancementPreset(
            id=demo_uuid("preset", name), preset_name=name, preset_description=text, enable_qwen=qwen,
            enable_compel=compel, auto_enhancement=auto, compel_weights=weights, qwen_settings=qwen_settings,
            is_recommended=recommended, is_builtin=builtin, created_at=now - timedelta(days=45),
            created_by=None if builtin else users[0],
        )
        for name, text, qwen, compel, auto, weights, qwen_settings, recommended, builtin in PRESETS
    ]
    counts["presets"] = insert_missing(EnhancementPreset, presets, ("preset_name",))
    compel = [
        CompelConfig(id=demo_uuid("compel", name), config_name=name, weights=weights, is_active=active,
                     config_hash=compel_config_hash(weights), created_by=users[n % len(users)],
                     created_at=now - timedelta(days=38 - n))
        for n, (name, weights, active) in enumerate(COMPEL_CONFIGS)
    ]
    counts["compel_configs"] = insert_missing(CompelConfig, compel, ("config_hash",))
    counts.update(_seed_history(users, now))
    return counts


def _snapshots(model, name, values) -> list[tuple[int, dict, str]]:
    """(days ago, full settings, note) of one configuration: as created, then after each change."""
    state = {"inference_steps": 20, "guidance_scale": 7.5, "compel_quality_weight": 1.2, "compel_detail_weight": 1.0,
             "compel_nsfw_weight": 0.8, "compel_style_weight": 1.1, "qwen_max_time_ms": 15000,
             "qwen_expansion_target": 2500, "qwen_quality_focus": "high", "enable_qwen": True,
             "enable_compel": True, "auto_enhancement": True, **values}
    changes = sorted((c for c in CHANGES if c[:2] == (model, name)), key=lambda c: -c[2])
    for change in reversed(changes):
        state = {**state, **change[3]}
    history = [(40, dict(state), "Initial configuration.")]
    for _model, _name, days, _old, new, *_rest in changes:
        state = {**state, **new}
        history.append((days, dict(state), summary(_old, new)))
    return history


def summary(old: dict, new: dict) -> str:
    """A readable diff such as ``inference_steps 20 → 25; guidance_scale 7.0 → 7.5``."""
    return "; ".join(f"{key} {old.get(key, '—')} → {value}" for key, value in new.items())


def _seed_history(users, now) -> dict[str, int]:
    config_ids = {(m, n): pk for m, n, pk in EnhancedModelConfig.objects.values_list("model_type", "config_name", "pk")}
    snapshots = []
    for n, (model, name, active, values) in enumerate(MODEL_CONFIGS):
        history = _snapshots(model, name, values)
        for position, (days, data, note) in enumerate(history):
            snapshots.append(ModelConfigHistory(
                id=demo_uuid("config-snapshot", f"{model}/{name}/{position}"), model_type=model, config_name=name,
                config_data=data, is_active=active and position == len(history) - 1, notes=note,
                created_by=users[(n + position) % len(users)], created_at=now - timedelta(days=days),
            ))
    changes = [
        ConfigChangeHistory(
            id=demo_uuid("config-change", f"{model}/{name}/{days}"), config_id=config_ids.get((model, name)),
            model_type=model, config_name=name, old_values=old, new_values=new, change_summary=summary(old, new),
            jobs_affected=jobs, quality_impact=Decimal(quality), performance_impact=Decimal(seconds),
            changed_by=users[n % 2], changed_at=now - timedelta(days=days),
        )
        for n, (model, name, days, old, new, quality, seconds, jobs) in enumerate(CHANGES)
    ]
    return {"config_snapshots": insert_missing(ModelConfigHistory, snapshots),
            "config_changes": insert_missing(ConfigChangeHistory, changes)}
