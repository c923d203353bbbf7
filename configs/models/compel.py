"""Compel weight configurations, identified by a hash of their weights (document 000 ``compel_configs``)."""

import hashlib
import json

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from configs.choices import COMPEL_WEIGHT_RANGES
from ourvidz_admin.db import UUIDModel, between


def validate_compel_weights(weights) -> None:
    """Weights are a JSON object of known names, each a number inside the guide's range."""
    if not isinstance(weights, dict) or not weights:
        raise ValidationError("Compel weights must be an object such as {\"quality\": 1.2}.")
    for name, value in weights.items():
        if name not in COMPEL_WEIGHT_RANGES:
            raise ValidationError(f"Unknown Compel weight {name!r}; use {', '.join(COMPEL_WEIGHT_RANGES)}.")
        low, high = COMPEL_WEIGHT_RANGES[name]
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not low <= value <= high:
            raise ValidationError(f"Compel weight {name} must be a number from {low} to {high}, got {value!r}.")


def compel_config_hash(weights: dict) -> str:
    """SHA-256 of the weights in canonical form (sorted keys, floats rounded to 0.01)."""
    canonical = {name: round(float(value), 2) for name, value in sorted(weights.items())}
    return hashlib.sha256(json.dumps(canonical, sort_keys=True).encode()).hexdigest()


class CompelConfig(UUIDModel):
    """One set of Compel weights and how it has performed (document 000 ``compel_configs``)."""

    config_name = models.CharField(max_length=100)
    weights = models.JSONField(validators=[validate_compel_weights])
    config_hash = models.CharField(max_length=64, unique=True, editable=False)
    total_tests = models.PositiveIntegerField(default=0)
    avg_quality = models.DecimalField(max_digits=3, decimal_places=2, null=True, blank=True)
    avg_consistency = models.DecimalField(max_digits=3, decimal_places=2, null=True, blank=True)
    is_active = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        db_table = "compel_configs"
        ordering = ("config_name",)
        constraints = [
            between("avg_quality", 1, 5, "compel_configs_avg_quality_range"),
            between("avg_consistency", 0, 1, "compel_configs_avg_consistency_range"),
        ]

    def __str__(self):
        return self.config_name

    def save(self, *args, **kwargs):
        # The hash is derived state: keep it in step with the weights on every save.
        self.config_hash = compel_config_hash(self.weights)
        super().save(*args, **kwargs)
