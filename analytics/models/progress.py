"""Feature tracking for the portal's own development (document 000 ``admin_development_progress``)."""

from django.db import models
from django.utils import timezone

from analytics.choices import Priority, ProgressStatus
from ourvidz_admin.db import UUIDModel, one_of


class AdminDevelopmentProgress(UUIDModel):
    """One portal feature with its status, priority and effort."""

    feature_name = models.CharField(max_length=100)
    feature_category = models.CharField(max_length=50)
    status = models.CharField(max_length=20, choices=ProgressStatus.choices, default=ProgressStatus.NOT_STARTED)
    priority = models.CharField(max_length=10, choices=Priority.choices)
    assigned_to = models.CharField(max_length=100, blank=True)
    estimated_hours = models.PositiveIntegerField(null=True, blank=True)
    actual_hours = models.PositiveIntegerField(null=True, blank=True)
    start_date = models.DateField(null=True, blank=True)
    completion_date = models.DateField(null=True, blank=True)
    notes = models.TextField(blank=True)
    blockers = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "admin_development_progress"
        ordering = ("priority", "feature_category", "feature_name")
        verbose_name_plural = "admin development progress"
        constraints = [
            one_of("status", ProgressStatus, "admin_development_progress_status_valid"),
            one_of("priority", Priority, "admin_development_progress_priority_valid"),
        ]

    def __str__(self):
        return self.feature_name
