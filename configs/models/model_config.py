"""Per-model generation and enhancement settings, and the presets applied to them (document 000 §4)."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models, router
from django.db.models import Q
from django.utils import timezone

from configs.choices import RANGES, QualityFocus, Resolution
from ourvidz_admin.choices import ModelType
from ourvidz_admin.db import UUIDModel, between, one_of


def _ranged(field: str, table: str, *, nullable: bool = False) -> models.CheckConstraint:
    low, high = RANGES[field]
    return between(field, low, high, f"{table}_{field}_range", nullable=nullable)


# The settings a configuration carries, in the order forms, summaries and exports list them.
SETTING_FIELDS = (
    "inference_steps", "guidance_scale", "resolution", "motion_bucket", "frame_count",
    "compel_quality_weight", "compel_detail_weight", "compel_nsfw_weight", "compel_style_weight",
    "qwen_max_time_ms", "qwen_expansion_target", "qwen_quality_focus", "qwen_auto_enable",
    "enable_qwen", "enable_compel", "auto_enhancement",
)
IDENTITY_FIELDS = ("model_type", "config_name")
STATE_FIELDS = ("is_active", "is_default")
CONFIG_FIELDS = (*IDENTITY_FIELDS, *SETTING_FIELDS, *STATE_FIELDS)

# The field each named constraint's message belongs to (the WAN rule is placed on its empty column).
_CONSTRAINT_FIELDS = {
    **{f"enhanced_model_config_{field}_range": field for field in RANGES},
    "enhanced_model_config_model_type_valid": "model_type",
    "enhanced_model_config_resolution_valid": "resolution",
    "enhanced_model_config_quality_focus_valid": "qwen_quality_focus",
    "enhanced_model_config_one_active": "is_active",
    "enhanced_model_config_one_default": "is_default",
    "enhanced_model_config_unique_name": "config_name",
}


class EnhancedModelConfig(UUIDModel):
    """SDXL or WAN settings with Compel and Qwen enhancement settings (``enhanced_model_config``).

    One configuration per model type is active (used by workers) and one is
    the default (what "reset to defaults" restores); the database enforces both.
    """

    model_type = models.CharField(max_length=20, choices=ModelType.choices)
    config_name = models.CharField(max_length=100)

    inference_steps = models.PositiveSmallIntegerField(default=20)
    guidance_scale = models.DecimalField(max_digits=3, decimal_places=1, default=Decimal("7.5"))
    resolution = models.CharField(max_length=20, choices=Resolution.choices, blank=True)
    motion_bucket = models.PositiveSmallIntegerField(null=True, blank=True, help_text=(
        "Not applied: WAN 2.x has no motion-bucket input (kept for the schema of the guide)."))
    frame_count = models.PositiveSmallIntegerField(null=True, blank=True, help_text="WAN only.")

    compel_quality_weight = models.DecimalField(max_digits=3, decimal_places=1, default=Decimal("1.2"))
    compel_detail_weight = models.DecimalField(max_digits=3, decimal_places=1, default=Decimal("1.0"))
    compel_nsfw_weight = models.DecimalField(max_digits=3, decimal_places=1, default=Decimal("0.8"))
    compel_style_weight = models.DecimalField(max_digits=3, decimal_places=1, default=Decimal("1.1"))

    qwen_max_time_ms = models.PositiveIntegerField(default=15_000)
    qwen_expansion_target = models.PositiveIntegerField(default=2_500)
    qwen_quality_focus = models.CharField(max_length=20, choices=QualityFocus.choices, default=QualityFocus.HIGH)
    qwen_auto_enable = models.BooleanField(default=True)

    enable_qwen = models.BooleanField(default=True)
    enable_compel = models.BooleanField(default=True)
    auto_enhancement = models.BooleanField(default=True)

    is_active = models.BooleanField(default=False)
    is_default = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "enhanced_model_config"
        ordering = ("model_type", "-is_active", "config_name")
        constraints = [
            one_of("model_type", ModelType, "enhanced_model_config_model_type_valid"),
            one_of("resolution", Resolution, "enhanced_model_config_resolution_valid", blank=True),
            one_of("qwen_quality_focus", QualityFocus, "enhanced_model_config_quality_focus_valid"),
            *(
                _ranged(field, "enhanced_model_config", nullable=field in ("motion_bucket", "frame_count"))
                for field in RANGES
            ),
            models.CheckConstraint(
                condition=Q(model_type=ModelType.SDXL) | Q(motion_bucket__isnull=False, frame_count__isnull=False),
                name="enhanced_model_config_wan_motion",
                violation_error_message="WAN configurations need a motion bucket and a frame count.",
            ),
            models.UniqueConstraint(
                "model_type", condition=Q(is_active=True), name="enhanced_model_config_one_active",
                violation_error_message="Another configuration of this model is already active.",
            ),
            models.UniqueConstraint(
                "model_type", condition=Q(is_default=True), name="enhanced_model_config_one_default",
                violation_error_message="Another configuration of this model is already the default.",
            ),
            models.UniqueConstraint("model_type", "config_name", name="enhanced_model_config_unique_name"),
        ]

    def __str__(self):
        return f"{self.model_type} · {self.config_name}"

    def validate_constraints(self, exclude=None):
        """As Django's, but each CHECK/unique message lands on its field, so forms show it beside the input."""
        exclude = set(exclude or ())
        using = router.db_for_write(self.__class__, instance=self)
        errors: dict[str, list] = {}
        for model_class, constraints in self.get_constraints():
            for constraint in constraints:
                try:
                    constraint.validate(model_class, self, exclude=exclude, using=using)
                except ValidationError as error:
                    for field in self._constraint_error_fields(constraint.name, exclude):
                        errors.setdefault(field, []).extend(error.error_list)
        if errors:
            raise ValidationError(errors)

    def _constraint_error_fields(self, name: str, exclude: set) -> list[str]:
        if name == "enhanced_model_config_wan_motion":
            fields = [f for f in ("motion_bucket", "frame_count") if getattr(self, f) is None]
        else:
            fields = [_CONSTRAINT_FIELDS.get(name, NON_FIELD_ERRORS)]
        # A form cannot show an error on a field it does not have (an excluded one).
        placed = [NON_FIELD_ERRORS if field in exclude else field for field in fields] or [NON_FIELD_ERRORS]
        return list(dict.fromkeys(placed))

    @property
    def compel_weights(self) -> dict[str, float]:
        return {
            "quality": float(self.compel_quality_weight),
            "detail": float(self.compel_detail_weight),
            "nsfw": float(self.compel_nsfw_weight),
            "style": float(self.compel_style_weight),
        }


class EnhancementPreset(UUIDModel):
    """A named enhancement strategy applied to a configuration in one click (``enhancement_presets``)."""

    preset_name = models.CharField(max_length=100, unique=True)
    preset_description = models.TextField(blank=True)
    enable_qwen = models.BooleanField()
    enable_compel = models.BooleanField()
    auto_enhancement = models.BooleanField()
    compel_weights = models.JSONField(null=True, blank=True)
    qwen_settings = models.JSONField(null=True, blank=True)
    usage_count = models.PositiveIntegerField(default=0)
    avg_quality_with_preset = models.DecimalField(max_digits=3, decimal_places=2, null=True, blank=True)
    is_recommended = models.BooleanField(default=False)
    is_builtin = models.BooleanField(default=False, help_text="Shipped presets cannot be deleted.")
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        db_table = "enhancement_presets"
        ordering = ("preset_name",)
        constraints = [between("avg_quality_with_preset", 1, 5, "enhancement_presets_avg_quality_range")]

    def __str__(self):
        return self.preset_name
