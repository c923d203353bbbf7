"""Admin for model configurations: edit, activate, reset, export; presets and import on their own pages."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.utils import timezone

from configs.admin.model_config_pages import ModelConfigPagesMixin, error_text, json_download
from configs.models import EnhancedModelConfig
from configs.models.model_config import CONFIG_FIELDS
from configs.services import (
    model_config_activate,
    model_config_export,
    model_config_reset_to_defaults,
    model_config_save,
)
from ourvidz_admin.admin.base import PortalAdmin


class ServiceRejected(Exception):
    """A service refused a save the form had accepted (a concurrent change); carries its ValidationError."""

    def __init__(self, error: ValidationError):
        super().__init__(error)
        self.error = error


class ServiceRejectedMixin:
    """A ModelAdmin whose saves go through a service: a refusal shows the service's message and reopens the form."""

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ServiceRejected as rejected:
            # Django's atomic block has rolled the save and its log entry back; show why and start again.
            self.message_user(request, f"Not saved: {error_text(rejected.error)}", messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())


@admin.register(EnhancedModelConfig)
class EnhancedModelConfigAdmin(ServiceRejectedMixin, ModelConfigPagesMixin, PortalAdmin):
    # "Is active" comes second: which configuration is live is the first thing to see.
    list_display = ("config_name", "is_active", "model_type", "inference_steps", "guidance_scale", "resolution",
                    "frame_count", "enable_qwen", "enable_compel", "is_default", "updated_at")
    list_filter = ("model_type", "is_active", "is_default")
    search_fields = ("config_name",)
    # Activation goes through the "Activate" action, which deactivates the other configuration in the same step.
    readonly_fields = ("is_active", "created_by", "created_at", "updated_at")
    fieldsets = (
        (None, {"fields": ("model_type", "config_name", "is_active", "is_default")}),
        ("Generation", {"fields": ("inference_steps", "guidance_scale", "resolution", "motion_bucket",
                                   "frame_count")}),
        ("Compel weights (SDXL)", {"fields": ("compel_quality_weight", "compel_detail_weight",
                                              "compel_nsfw_weight", "compel_style_weight")}),
        ("Qwen enhancement", {"fields": ("qwen_max_time_ms", "qwen_expansion_target", "qwen_quality_focus",
                                         "qwen_auto_enable")}),
        ("Strategy", {"fields": ("enable_qwen", "enable_compel", "auto_enhancement")}),
        ("Record", {"fields": ("created_by", "created_at", "updated_at")}),
    )
    actions = ("activate", "reset_to_defaults", "export_json")

    def save_model(self, request, obj, form, change):
        # The form already ran full_clean(); the service validates again under a row lock and records history.
        values = {name: form.cleaned_data[name] for name in CONFIG_FIELDS if name in form.cleaned_data}
        try:
            model_config_save(config=obj, values=values, changed_by=request.user)
        except ValidationError as error:
            raise ServiceRejected(error) from error

    @admin.action(description="Activate (deactivates the other configuration of that model)",
                  permissions=("change",))
    def activate(self, request, queryset):
        configs = list(queryset)
        model_types = [config.model_type for config in configs]
        if len(set(model_types)) != len(model_types):
            self.message_user(request, "Select at most one configuration per model to activate.", messages.ERROR)
            return
        for config in configs:
            try:
                changes = model_config_activate(config=config, changed_by=request.user)
            except ValidationError as error:
                self.message_user(request, f"{config}: not activated: {error_text(error)}", messages.ERROR)
                continue
            if not changes:
                self.message_user(request, f"{config} is already active.", messages.INFO)
            for change in changes:
                self.log_change(request, change.config, change.change_summary)
                self.message_user(request, f"{change.config}: {change.change_summary}", messages.SUCCESS)

    @admin.action(description="Reset to defaults", permissions=("change",))
    def reset_to_defaults(self, request, queryset):
        for config in queryset:
            try:
                change = model_config_reset_to_defaults(config=config, changed_by=request.user)
            except ValidationError as error:
                self.message_user(request, f"{config}: not reset: {error_text(error)}", messages.ERROR)
                continue
            self.report_change(request, config, change, unchanged="already at its defaults")

    @admin.action(description="Export as JSON", permissions=("view",))
    def export_json(self, request, queryset):
        data = [model_config_export(config=config) for config in queryset.order_by("model_type", "config_name")]
        return json_download(data, f"model-configs-{timezone.now():%Y%m%d-%H%M%S}.json")
