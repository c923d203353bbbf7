"""Configuration snapshots and change records (document 000 ``model_config_history``, ``config_change_history``)."""

from django.conf import settings
from django.db import models
from django.db.models import F
from django.utils import timezone

from ourvidz_admin.choices import ModelType
from ourvidz_admin.db import UUIDModel, between, one_of


class ModelConfigHistory(UUIDModel):
    """A full snapshot of a model configuration as it was saved (``model_config_history``)."""

    model_type = models.CharField(max_length=20, choices=ModelType.choices)
    config_name = models.CharField(max_length=100)
    config_data = models.JSONField()
    is_active = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    notes = models.TextField(blank=True)

    class Meta:
        db_table = "model_config_history"
        ordering = ("-created_at",)
        verbose_name_plural = "model config history"
        indexes = [models.Index("model_type", F("created_at").desc(), name="model_config_history_idx")]
        constraints = [one_of("model_type", ModelType, "model_config_history_model_type_valid")]

    def __str__(self):
        return f"{self.model_type} · {self.config_name} @ {self.created_at:%Y-%m-%d %H:%M}"


class ConfigChangeHistory(UUIDModel):
    """One saved change of a configuration: old and new values, a readable diff, measured impact.

    ``performance_impact`` is the change in mean generation time in seconds
    (the document's DECIMAL(3,2) could not hold a change over 9.99 s).
    """

    config = models.ForeignKey(
        "configs.EnhancedModelConfig", null=True, blank=True, on_delete=models.SET_NULL, related_name="changes"
    )
    model_type = models.CharField(max_length=20, choices=ModelType.choices)
    config_name = models.CharField(max_length=100)
    old_values = models.JSONField(null=True, blank=True)
    new_values = models.JSONField(null=True, blank=True)
    change_summary = models.TextField(blank=True)
    jobs_affected = models.PositiveIntegerField(default=0)
    quality_impact = models.DecimalField(max_digits=3, decimal_places=2, null=True, blank=True)
    performance_impact = models.DecimalField(max_digits=9, decimal_places=2, null=True, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "config_change_history"
        ordering = ("-changed_at",)
        verbose_name_plural = "config change history"
        indexes = [models.Index("model_type", F("changed_at").desc(), name="config_change_history_idx")]
        constraints = [
            one_of("model_type", ModelType, "config_change_history_model_type_valid"),
            between("quality_impact", -4, 4, "config_change_history_quality_impact_range"),
        ]

    def __str__(self):
        return f"{self.config_name} changed {self.changed_at:%Y-%m-%d %H:%M}"
