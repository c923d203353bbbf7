"""Admin for the supporting tables: presets, Compel configs, per-tier parameters, model backends."""

from django.contrib import admin

from configs.models import CompelConfig, EnhancementPreset, LoRA, ModelBackend
from configs.resources import CompelConfigResource, EnhancementPresetResource, LoRAResource
from ourvidz_admin.admin.base import PortalAdmin
from ourvidz_admin.admin.transfer import TransferAdminMixin
from prompts.models import ModelParameters


@admin.register(EnhancementPreset)
class EnhancementPresetAdmin(TransferAdminMixin, PortalAdmin):
    resource_classes = (EnhancementPresetResource,)
    list_display = ("preset_name", "enable_qwen", "enable_compel", "auto_enhancement", "usage_count",
                    "avg_quality_with_preset", "is_recommended")
    list_filter = ("is_recommended", "is_builtin")
    search_fields = ("preset_name",)
    raw_id_fields = ("created_by",)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_builtin:
            return False
        return super().has_delete_permission(request, obj)


@admin.register(CompelConfig)
class CompelConfigAdmin(TransferAdminMixin, PortalAdmin):
    resource_classes = (CompelConfigResource,)
    list_display = ("config_name", "weights", "total_tests", "avg_quality", "avg_consistency", "is_active",
                    "short_hash")
    list_filter = ("is_active",)
    search_fields = ("config_name", "config_hash")
    readonly_fields = ("config_hash", "total_tests", "avg_quality", "avg_consistency")
    raw_id_fields = ("created_by",)

    @admin.display(description="hash", ordering="config_hash")
    def short_hash(self, obj):
        return obj.config_hash[:12]


@admin.register(ModelParameters)
class ModelParametersAdmin(PortalAdmin):
    list_display = ("__str__", "is_active", "model_family", "user_tier", "character", "guidance_scale",
                    "num_inference_steps", "temperature")
    list_select_related = ("character",)
    list_filter = ("model_family", "user_tier", "is_active")
    autocomplete_fields = ("character",)


@admin.register(ModelBackend)
class ModelBackendAdmin(PortalAdmin):
    list_display = ("family", "model_name", "path", "device", "dtype", "job_timeout_s", "enabled", "updated_at")
    list_editable = ("enabled",)

    def save_model(self, request, obj, form, change):
        from configs import selectors

        super().save_model(request, obj, form, change)
        selectors.clear_cache()


@admin.register(LoRA)
class LoRAAdmin(TransferAdminMixin, PortalAdmin):
    """The LoRA registry: what jobs may name in ``<lora:NAME:WEIGHT>``, ``--lora`` and characters."""

    resource_classes = (LoRAResource,)
    list_display = ("name", "model_family", "default_weight", "is_active", "path", "created_at")
    list_editable = ("default_weight", "is_active")
    list_filter = ("model_family", "is_active")
    search_fields = ("name", "path", "description")
