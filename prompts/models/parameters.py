"""Externalised model parameters per model, user tier and persona (document 004 ``model_parameters``)."""

from django.db import models
from django.db.models import Q
from django.utils import timezone

from ourvidz_admin.db import UUIDModel, between, one_of
from prompts.choices import ModelFamily, UserTier

# Resolution order when a job's parameters are built: model default, then tier, then character.
PARAMETER_FIELDS = (
    "guidance_scale", "num_inference_steps", "temperature", "top_p", "max_new_tokens",
    "denoise_strength", "clip_skip", "frame_count",
)


class ModelParameters(UUIDModel):
    """Parameter values for one model family, optionally narrowed to a user tier and/or a character.

    Empty columns inherit: the row with no tier and no character is the model
    default, a tier row overrides it, a character row overrides both.
    """

    model_family = models.CharField(max_length=30, choices=ModelFamily.choices)
    user_tier = models.CharField(max_length=20, choices=UserTier.choices, blank=True, default=UserTier.ANY)
    character = models.ForeignKey(
        "prompts.Character", null=True, blank=True, on_delete=models.CASCADE, related_name="parameters"
    )
    guidance_scale = models.DecimalField(max_digits=3, decimal_places=1, null=True, blank=True)
    num_inference_steps = models.PositiveSmallIntegerField(null=True, blank=True)
    temperature = models.DecimalField(max_digits=3, decimal_places=2, null=True, blank=True)
    top_p = models.DecimalField(max_digits=3, decimal_places=2, null=True, blank=True)
    max_new_tokens = models.PositiveIntegerField(null=True, blank=True)
    denoise_strength = models.DecimalField(max_digits=3, decimal_places=2, null=True, blank=True)
    clip_skip = models.PositiveSmallIntegerField(null=True, blank=True)
    frame_count = models.PositiveSmallIntegerField(null=True, blank=True)
    extra = models.JSONField(default=dict, blank=True)
    is_active = models.BooleanField(default=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "model_parameters"
        ordering = ("model_family", "user_tier")
        verbose_name_plural = "model parameters"
        constraints = [
            one_of("model_family", ModelFamily, "model_parameters_model_valid"),
            one_of("user_tier", UserTier, "model_parameters_tier_valid"),
            between("guidance_scale", 1, 20, "model_parameters_guidance_range"),
            between("num_inference_steps", 1, 150, "model_parameters_steps_range"),
            between("temperature", 0, 2, "model_parameters_temperature_range"),
            between("top_p", 0, 1, "model_parameters_top_p_range"),
            between("max_new_tokens", 1, 8192, "model_parameters_max_tokens_range"),
            between("denoise_strength", 0, 1, "model_parameters_denoise_range"),
            between("clip_skip", 0, 12, "model_parameters_clip_skip_range"),
            between("frame_count", 1, 241, "model_parameters_frame_count_range"),
            models.UniqueConstraint(
                "model_family", "user_tier", condition=Q(character__isnull=True),
                name="model_parameters_unique_tier",
            ),
            models.UniqueConstraint(
                "model_family", "user_tier", "character", condition=Q(character__isnull=False),
                name="model_parameters_unique_character",
            ),
        ]

    def __str__(self):
        scope = [self.get_model_family_display()]
        if self.user_tier:
            scope.append(self.get_user_tier_display())
        if self.character_id:
            scope.append(str(self.character))
        return " · ".join(scope)

    def overrides(self) -> dict:
        """The parameter values this row sets (non-null columns plus ``extra``)."""
        values = {name: getattr(self, name) for name in PARAMETER_FIELDS if getattr(self, name) is not None}
        return {**self.extra, **values}
