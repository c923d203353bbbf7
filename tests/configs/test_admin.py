"""Model configuration admin: save, actions, preset/reset/export/import pages, history with impact, roles."""

import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from configs.models import ConfigChangeHistory, EnhancedModelConfig, EnhancementPreset, ModelConfigHistory
from configs.services import model_config_export
from tests.factories import ConfigChangeHistoryFactory, EnhancedModelConfigFactory, JobFactory

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:configs_enhancedmodelconfig_changelist")
IMPORT = reverse("admin:configs_enhancedmodelconfig_import")
HISTORY = reverse("admin:configs_configchangehistory_changelist")


def _url(name: str, config) -> str:
    return reverse(f"admin:configs_enhancedmodelconfig_{name}", args=[config.pk])


def _form_data(config, **overrides) -> dict:
    """The change form as submitted with ``config``'s values (unchecked boxes are left out)."""
    data = {
        name: getattr(config, name) for name in (
            "model_type", "config_name", "inference_steps", "guidance_scale", "resolution", "compel_quality_weight",
            "compel_detail_weight", "compel_nsfw_weight", "compel_style_weight", "qwen_max_time_ms",
            "qwen_expansion_target", "qwen_quality_focus",
        )
    }
    data |= {"motion_bucket": config.motion_bucket or "", "frame_count": config.frame_count or ""}
    data |= {name: "on" for name in ("is_default", "qwen_auto_enable", "enable_qwen", "enable_compel",
                                     "auto_enhancement") if getattr(config, name)}
    return {**data, **overrides, "_save": "Save"}


def _upload(data) -> SimpleUploadedFile:
    return SimpleUploadedFile("configs.json", json.dumps(data).encode(), content_type="application/json")


def _log(config) -> list[tuple[int, str]]:
    return [(entry.action_flag, entry.get_change_message()) for entry in
            LogEntry.objects.filter(object_id=str(config.pk)).order_by("action_time", "pk")]


def test_change_form_save_records_history_and_log_entry(admin_client, superuser):
    config = EnhancedModelConfigFactory(inference_steps=20, guidance_scale=Decimal("7.5"))

    response = admin_client.post(_url("change", config), _form_data(config, inference_steps=25, guidance_scale="8.0"))

    assert response.status_code == 302
    change = ConfigChangeHistory.objects.get()
    assert change.change_summary == "inference_steps 20 → 25; guidance_scale 7.5 → 8.0"
    assert change.changed_by == superuser
    assert (change.old_values, change.new_values) == (
        {"inference_steps": 20, "guidance_scale": 7.5}, {"inference_steps": 25, "guidance_scale": 8.0})
    assert _log(config) == [(CHANGE, "Changed Inference steps and Guidance scale.")]


def test_change_form_shows_range_errors_beside_fields_and_saves_nothing(admin_client):
    config = EnhancedModelConfigFactory()

    response = admin_client.post(_url("change", config), _form_data(
        config, guidance_scale="20.0", inference_steps=60, compel_nsfw_weight="2.5"))

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {
        "inference_steps": ["inference_steps must be between 10 and 50."],
        "compel_nsfw_weight": ["compel_nsfw_weight must be between 0.0 and 2.0."],
    }
    assert ConfigChangeHistory.objects.count() == 0
    assert LogEntry.objects.count() == 0


def test_add_form_creates_config_with_creation_record(admin_client, superuser):
    template = EnhancedModelConfigFactory.build(config_name="Fresh")

    response = admin_client.post(reverse("admin:configs_enhancedmodelconfig_add"), _form_data(template))

    config = EnhancedModelConfig.objects.get(config_name="Fresh")
    assert response.status_code == 302
    assert (config.created_by, config.is_active) == (superuser, False)
    assert ConfigChangeHistory.objects.get().change_summary == "created"
    assert [flag for flag, _message in _log(config)] == [ADDITION]


def test_activate_action_switches_active_config_and_logs_both(admin_client):
    current = EnhancedModelConfigFactory(config_name="Current", is_active=True)
    chosen = EnhancedModelConfigFactory(config_name="Chosen")

    response = admin_client.post(CHANGELIST, {"action": "activate", "_selected_action": [chosen.pk]})

    assert response.status_code == 302
    assert list(EnhancedModelConfig.objects.filter(is_active=True)) == [chosen]
    assert _log(current) == [(CHANGE, "Deactivated, Chosen activated: is_active True → False")]
    assert _log(chosen) == [(CHANGE, "Activated: is_active False → True")]


def test_activate_action_refuses_two_configs_of_one_model(admin_client):
    first, second = EnhancedModelConfigFactory.create_batch(2)

    admin_client.post(CHANGELIST, {"action": "activate", "_selected_action": [first.pk, second.pk]})

    assert EnhancedModelConfig.objects.filter(is_active=True).count() == 0
    assert LogEntry.objects.count() == 0


def test_reset_action_restores_defaults_and_logs(admin_client):
    EnhancedModelConfigFactory(config_name="Default", is_default=True, inference_steps=30)
    config = EnhancedModelConfigFactory(inference_steps=45)

    admin_client.post(CHANGELIST, {"action": "reset_to_defaults", "_selected_action": [config.pk]})

    config.refresh_from_db()
    assert config.inference_steps == 30
    assert _log(config) == [(CHANGE, "Reset to defaults of Default: inference_steps 45 → 30")]


def test_export_action_downloads_selected_configs_as_json(admin_client):
    first = EnhancedModelConfigFactory(config_name="A")
    second = EnhancedModelConfigFactory(config_name="B", guidance_scale=Decimal("6.5"))

    response = admin_client.post(CHANGELIST, {"action": "export_json", "_selected_action": [second.pk, first.pk]})

    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"].startswith('attachment; filename="model-configs-')
    assert json.loads(response.content) == [model_config_export(config=first), model_config_export(config=second)]


def test_apply_preset_page_lists_presets_and_applies_one(admin_client):
    config = EnhancedModelConfigFactory(enable_qwen=True)
    preset = EnhancementPreset.objects.get(preset_name="Speed Focus")

    page = admin_client.get(_url("apply_preset", config))
    response = admin_client.post(_url("apply_preset", config), {"preset": preset.pk})

    assert page.status_code == 200
    assert [p.preset_name for p in page.context["presets"]] == [
        "Quality Focus", "Disabled", "Maximum Quality", "Speed Focus"]
    assert response.status_code == 302
    assert response["Location"] == _url("change", config)
    config.refresh_from_db()
    assert config.enable_qwen is False
    assert EnhancementPreset.objects.get(pk=preset.pk).usage_count == 0  # counts jobs run with it
    assert _log(config) == [(CHANGE, "Preset Speed Focus: enable_qwen True → False")]


def test_reset_and_export_buttons_of_the_change_page(admin_client):
    config = EnhancedModelConfigFactory(config_name="Tweaked", inference_steps=45)

    page = admin_client.get(_url("change", config))
    reset = admin_client.post(_url("reset", config))
    export = admin_client.get(_url("export", config))

    assert all(_url(name, config) in page.content.decode() for name in ("apply_preset", "reset", "export"))
    assert reset.status_code == 302
    config.refresh_from_db()
    assert config.inference_steps == 20
    assert _log(config) == [(CHANGE, "Reset to field defaults: inference_steps 45 → 20")]
    assert export["Content-Disposition"] == 'attachment; filename="model-config-sdxl-tweaked.json"'
    assert json.loads(export.content) == model_config_export(config=config)


def test_import_page_creates_and_updates_all_configs_of_a_file(admin_client):
    existing = EnhancedModelConfigFactory(config_name="Main", inference_steps=20)
    data = [{**model_config_export(config=existing), "inference_steps": 30},
            {"model_type": "WAN", "config_name": "Loop", "motion_bucket": 90, "frame_count": 32}]

    page = admin_client.get(IMPORT)
    response = admin_client.post(IMPORT, {"file": _upload(data)})

    assert (page.status_code, response.status_code, response["Location"]) == (200, 302, CHANGELIST)
    existing.refresh_from_db()
    created = EnhancedModelConfig.objects.get(config_name="Loop")
    assert (existing.inference_steps, created.motion_bucket, created.frame_count) == (30, 90, 32)
    assert _log(existing) == [(CHANGE, "Imported: inference_steps 20 → 30")]
    assert _log(created) == [(ADDITION, "Imported from JSON.")]


def test_import_page_lists_field_errors_and_imports_nothing(admin_client):
    existing = EnhancedModelConfigFactory(config_name="Main", inference_steps=20)
    data = [{"model_type": "SDXL", "config_name": "Fine", "inference_steps": 30},
            {**model_config_export(config=existing), "inference_steps": 60, "sharpness": 2}]

    response = admin_client.post(IMPORT, {"file": _upload(data)})
    not_json = admin_client.post(IMPORT, {"file": SimpleUploadedFile("x.json", b"{oops")})

    assert response.status_code == 200
    assert dict(response.context["import_errors"]) == {
        "#2 sharpness": ["Unknown field 'sharpness'; known fields: " + ", ".join(model_config_export(
            config=existing)) + "."],
        "#2 inference_steps": ["inference_steps must be between 10 and 50."],
    }
    assert "#2 inference_steps" in response.content.decode()
    assert not_json.context["form"].errors["file"][0].startswith("Not a JSON file: ")
    assert list(EnhancedModelConfig.objects.values_list("config_name", "inference_steps")) == [("Main", 20)]
    assert ConfigChangeHistory.objects.count() == 0
    assert LogEntry.objects.count() == 0


@pytest.mark.parametrize("role,status", [("moderator", 403), ("viewer", 403), ("admin", 302)])
def test_only_config_editors_may_apply_reset_import(client, role_user, role, status):
    config = EnhancedModelConfigFactory(inference_steps=45)
    preset = EnhancementPreset.objects.get(preset_name="Disabled")
    client.force_login(role_user(role))

    responses = [
        client.post(_url("apply_preset", config), {"preset": preset.pk}),
        client.post(_url("reset", config)),
        client.post(IMPORT, {"file": _upload({"model_type": "SDXL", "config_name": "X"})}),
    ]

    assert [r.status_code for r in responses] == [status] * 3
    changed = 0 if status == 403 else 3
    assert ConfigChangeHistory.objects.count() == changed


def test_moderator_cannot_open_config_pages_save_or_run_actions(client, role_user):
    config = EnhancedModelConfigFactory(inference_steps=45)
    client.force_login(role_user("moderator"))

    pages = [client.get(_url("apply_preset", config)), client.get(IMPORT)]
    save = client.post(_url("change", config), _form_data(config, inference_steps=25))
    changelist = client.get(CHANGELIST)
    action = client.post(CHANGELIST, {"action": "reset_to_defaults", "_selected_action": [config.pk]})

    assert [r.status_code for r in pages] == [403, 403]
    assert save.status_code == 403
    assert [name for name, _label in changelist.context["action_form"].fields["action"].choices][1:] == [
        "export_json"]
    assert IMPORT not in changelist.content.decode()
    assert action.status_code == 302
    config.refresh_from_db()
    assert config.inference_steps == 45
    assert ConfigChangeHistory.objects.count() == LogEntry.objects.count() == 0


def test_history_list_shows_before_and_after_figures(admin_client):
    at = timezone.now() - timedelta(days=10)
    ConfigChangeHistoryFactory(changed_at=at, change_summary="inference_steps 20 → 25")
    JobFactory(created_at=at - timedelta(days=1), quality_rating=3, inference_time_ms=4000)
    JobFactory(created_at=at - timedelta(days=2), status="failed", failure_reason="timeout")
    JobFactory(created_at=at + timedelta(days=1), quality_rating=5, inference_time_ms=3000)

    response = admin_client.get(HISTORY)

    assert response.status_code == 200
    row = response.context["cl"].result_list[0]
    admin_ = response.context["cl"].model_admin
    assert [admin_.jobs_before_after(row), admin_.success_before_after(row), admin_.rating_before_after(row),
            admin_.time_before_after(row)] == [
        '<span class="num">2</span> → <span class="num">1</span>',
        '<span class="num">50.0%</span> → <span class="num">100.0%</span>',
        '<span class="num">3.00</span> → <span class="num">5.00</span>',
        '<span class="num">4,000 ms</span> → <span class="num">3,000 ms</span>']
    assert '50.0%</span> → <span class="num">100.0%' in response.content.decode()


def test_history_list_costs_two_queries_per_row(admin_client):
    ConfigChangeHistoryFactory()
    with CaptureQueriesContext(connection) as one_row:
        admin_client.get(HISTORY)
    ConfigChangeHistoryFactory.create_batch(3)

    with CaptureQueriesContext(connection) as four_rows:
        admin_client.get(HISTORY)

    assert len(four_rows) - len(one_row) == 3 * 2


def test_refresh_impact_action_stores_figures_and_logs(admin_client):
    at = timezone.now() - timedelta(days=10)
    change = ConfigChangeHistoryFactory(changed_at=at)
    JobFactory(created_at=at - timedelta(days=1), quality_rating=3, inference_time_ms=4000)
    JobFactory(created_at=at + timedelta(days=1), quality_rating=5, inference_time_ms=3000)

    admin_client.post(HISTORY, {"action": "refresh_impact", "_selected_action": [change.pk]})

    change.refresh_from_db()
    assert (change.jobs_affected, change.quality_impact, change.performance_impact) == (
        1, Decimal("2.00"), Decimal("-1.00"))
    assert _log(change) == [(CHANGE, "Refreshed impact: 1 jobs, quality 2.00, time -1.00 s.")]


def test_moderator_sees_history_but_cannot_refresh_impact(client, role_user):
    change = ConfigChangeHistoryFactory()
    client.force_login(role_user("moderator"))

    response = client.get(HISTORY)
    client.post(HISTORY, {"action": "refresh_impact", "_selected_action": [change.pk]})

    assert response.status_code == 200
    assert response.context["action_form"] is None or "refresh_impact" not in dict(
        response.context["action_form"].fields["action"].choices)
    assert LogEntry.objects.count() == 0


def test_config_admin_pages_load(admin_client):
    config = EnhancedModelConfigFactory()
    change = ConfigChangeHistoryFactory(config=config)
    ModelConfigHistory.objects.create(model_type="SDXL", config_name="x", config_data={})

    urls = [CHANGELIST, reverse("admin:configs_enhancedmodelconfig_add"), _url("change", config),
            _url("apply_preset", config), IMPORT, HISTORY,
            reverse("admin:configs_configchangehistory_change", args=[change.pk]),
            reverse("admin:configs_modelconfighistory_changelist")]

    responses = [admin_client.get(url) for url in urls]

    assert [response.status_code for response in responses] == [200] * len(urls)
    assert IMPORT in responses[0].content.decode()
