"""django-import-export resources of the configs app: enhancement presets and Compel configurations."""

from django.contrib.auth import get_user_model

from configs.models import CompelConfig, EnhancementPreset, LoRA
from configs.models.compel import compel_config_hash
from ourvidz_admin.import_widgets import id_field, json_field, lookup_field, time_field
from ourvidz_admin.resources import StrictModelResource

User = get_user_model()


class EnhancementPresetResource(StrictModelResource):
    """Enhancement presets (document 000 ``enhancement_presets``), keyed by id; names are unique per file."""

    id = id_field()
    compel_weights = json_field("compel_weights", keep_default=False)
    qwen_settings = json_field("qwen_settings", keep_default=False)
    created_by = lookup_field("created_by", User, "username")
    created_at = time_field("created_at", keep_default=True)
    required_columns = ("id", "preset_name", "enable_qwen", "enable_compel", "auto_enhancement")
    unique_columns = ("id", "preset_name")

    class Meta:
        model = EnhancementPreset
        fields = ("id", "preset_name", "preset_description", "enable_qwen", "enable_compel", "auto_enhancement",
                  "compel_weights", "qwen_settings", "usage_count", "avg_quality_with_preset", "is_recommended",
                  "is_builtin", "created_by", "created_at")
        import_id_fields = ("id",)
        use_transactions = True
        clean_model_instances = True


class CompelConfigResource(StrictModelResource):
    """Compel weight configurations; ``config_hash`` is exported but always recomputed from the weights."""

    id = id_field()
    weights = json_field("weights", keep_default=False)
    created_by = lookup_field("created_by", User, "username")
    created_at = time_field("created_at", keep_default=True)
    required_columns = ("id", "config_name", "weights")

    class Meta:
        model = CompelConfig
        fields = ("id", "config_name", "weights", "config_hash", "total_tests", "avg_quality", "avg_consistency",
                  "is_active", "created_by", "created_at")
        import_id_fields = ("id",)
        use_transactions = True
        clean_model_instances = True

    def import_field(self, field, instance, row, is_m2m=False, **kwargs):
        if field.attribute == "config_hash":
            return  # derived state: set from the weights below, whatever the file says
        super().import_field(field, instance, row, is_m2m, **kwargs)

    def before_save_instance(self, instance, row, **kwargs):
        instance.config_hash = compel_config_hash(instance.weights)

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        if isinstance(instance.weights, dict) and not (import_validation_errors or {}).get("weights"):
            try:
                instance.config_hash = compel_config_hash(instance.weights)
            except (TypeError, ValueError):
                pass
        super().validate_instance(instance, import_validation_errors, validate_unique)


class LoRAResource(StrictModelResource):
    """The LoRA registry (``loras``): name, path on the workers, base model family, default weight."""

    id = id_field()
    created_at = time_field("created_at", keep_default=True)
    required_columns = ("id", "name", "path")
    unique_columns = ("id", "name")

    class Meta:
        model = LoRA
        fields = ("id", "name", "path", "model_family", "default_weight", "is_active", "description", "created_at")
        import_id_fields = ("id",)
        use_transactions = True
        clean_model_instances = True
