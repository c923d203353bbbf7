"""Serializers of model parameter rows and cost rates."""

from rest_framework import serializers

from configs.choices import BackendFamily, CostUnit
from configs.models import CostRate
from ourvidz_admin.api.serializers import StrictModelSerializer, StrictSerializer
from prompts.models import Character, ModelParameters


class ModelParametersSerializer(StrictModelSerializer):
    """One parameter layer: model default, tier override or character override."""

    character_id = serializers.PrimaryKeyRelatedField(
        source="character", queryset=Character.objects.all(), required=False, allow_null=True,
    )
    extra = serializers.DictField(required=False)

    class Meta:
        model = ModelParameters
        fields = ("id", "model_family", "user_tier", "character_id", "guidance_scale", "num_inference_steps",
                  "temperature", "top_p", "max_new_tokens", "denoise_strength", "clip_skip", "frame_count",
                  "extra", "is_active", "updated_at")
        read_only_fields = ("id", "updated_at")
        validators = []  # full_clean checks the conditional unique constraints
        # The table's CHECK ranges, so that a bad value is reported against its field.
        extra_kwargs = {
            name: {"min_value": low, "max_value": high} for name, (low, high) in {
                "guidance_scale": (1, 20), "num_inference_steps": (1, 150), "temperature": (0, 2), "top_p": (0, 1),
                "max_new_tokens": (1, 8192), "denoise_strength": (0, 1), "clip_skip": (0, 12),
                "frame_count": (1, 241),
            }.items()
        }


class CostRateSerializer(serializers.ModelSerializer):
    """One rate of a backend's history; ``in_force``: it has started (it may have priced stages)."""

    created_by = serializers.PrimaryKeyRelatedField(read_only=True)
    in_force = serializers.SerializerMethodField()

    class Meta:
        model = CostRate
        fields = ("id", "backend", "unit", "rate", "effective_from", "note", "in_force", "created_by", "created_at")
        read_only_fields = fields

    def get_in_force(self, rate) -> bool:
        return rate.in_force_since()


class CostRateCreateSerializer(StrictSerializer):
    """A new rate: ``effective_from`` defaults to now and cannot be in the past."""

    backend = serializers.ChoiceField(choices=BackendFamily.choices)
    unit = serializers.ChoiceField(choices=CostUnit.choices)
    rate = serializers.DecimalField(max_digits=12, decimal_places=6, help_text="US dollars per unit, 0 or more.")
    effective_from = serializers.DateTimeField(required=False, allow_null=True,
                                               help_text="When the rate starts (default: now).")
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
