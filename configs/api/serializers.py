"""Serializer of model parameter rows."""

from rest_framework import serializers

from ourvidz_admin.api.serializers import StrictModelSerializer
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
