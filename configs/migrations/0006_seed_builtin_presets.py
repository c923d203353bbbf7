"""Seed the guide's four built-in enhancement presets, each only if no preset of that name exists."""

from django.db import migrations

_WEIGHTS = {"quality": 1.2, "detail": 1.0, "nsfw": 0.8, "style": 1.1}
_QWEN = {"max_time": 15000, "expansion_target": 2500, "quality_focus": "high"}
# (name, description, qwen, compel, auto, compel weights, qwen settings, recommended): document 000, section 4.
# A disabled component keeps the guide's settings, so switching it on later starts from them.
BUILTIN_PRESETS = (
    ("Quality Focus", "Qwen rewrite plus Compel weighting, applied automatically.", True, True, True,
     _WEIGHTS, _QWEN, True),
    ("Speed Focus", "Compel weighting only: no LLM call, adds well under a second.", False, True, True,
     _WEIGHTS, _QWEN, False),
    ("Maximum Quality", "Qwen and Compel, chosen per job by the user rather than applied automatically.",
     True, True, False, {**_WEIGHTS, "quality": 1.4, "detail": 1.2},
     {**_QWEN, "max_time": 25000, "expansion_target": 3500}, False),
    ("Disabled", "No enhancement: the prompt goes to the model as written.", False, False, False, _WEIGHTS, _QWEN,
     False),
)


def seed_presets(apps, schema_editor):
    preset_model = apps.get_model("configs", "EnhancementPreset")
    existing = set(preset_model.objects.values_list("preset_name", flat=True))
    preset_model.objects.bulk_create([
        preset_model(preset_name=name, preset_description=text, enable_qwen=qwen, enable_compel=compel,
                     auto_enhancement=auto, compel_weights=weights, qwen_settings=qwen_settings,
                     is_recommended=recommended, is_builtin=True)
        for name, text, qwen, compel, auto, weights, qwen_settings, recommended in BUILTIN_PRESETS
        if name not in existing
    ])


class Migration(migrations.Migration):
    dependencies = [("configs", "0005_backend_size_limits")]

    # Reversing keeps the rows: they may have been applied and counted since.
    operations = [migrations.RunPython(seed_presets, migrations.RunPython.noop)]
