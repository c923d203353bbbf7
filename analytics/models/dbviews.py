"""Read-only models over the guide's two SQL views, created by migration for PostgreSQL and SQLite."""

from django.conf import settings
from django.db import models

from ourvidz_admin.choices import EnhancementStrategy, JobStatus, JobType, ModelType


class JobEnhancementAnalysis(models.Model):
    """``job_enhancement_analysis``: jobs of the last 30 days with generation time and strategy label."""

    id = models.UUIDField(primary_key=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    job_type = models.CharField(max_length=50, choices=JobType.choices)
    model_type = models.CharField(max_length=20, choices=ModelType.choices)
    status = models.CharField(max_length=20, choices=JobStatus.choices)
    enhancement_strategy = models.CharField(max_length=50, choices=EnhancementStrategy.choices)
    original_prompt = models.TextField()
    enhanced_prompt = models.TextField()
    enhancement_time_ms = models.IntegerField(null=True)
    quality_rating = models.IntegerField(null=True)
    quality_improvement = models.DecimalField(max_digits=3, decimal_places=2, null=True)
    created_at = models.DateTimeField()
    completed_at = models.DateTimeField(null=True)
    generation_time_seconds = models.FloatField(null=True)
    enhancement_display_name = models.CharField(max_length=30)

    class Meta:
        managed = False
        db_table = "job_enhancement_analysis"
        ordering = ("-created_at",)
        verbose_name_plural = "job enhancement analysis"

    def __str__(self):
        return f"{self.enhancement_display_name} {self.id}"


class EnhancementEffectiveness(models.Model):
    """``enhancement_effectiveness``: per strategy over the last 7 days, one row each."""

    enhancement_strategy = models.CharField(max_length=50, primary_key=True, choices=EnhancementStrategy.choices)
    total_jobs = models.IntegerField()
    avg_quality = models.FloatField(null=True)
    avg_improvement = models.FloatField(null=True)
    avg_enhancement_time = models.FloatField(null=True)
    success_rate = models.FloatField()
    high_quality_rate = models.FloatField()

    class Meta:
        managed = False
        db_table = "enhancement_effectiveness"
        ordering = ("enhancement_strategy",)
        verbose_name_plural = "enhancement effectiveness"

    def __str__(self):
        return self.get_enhancement_strategy_display()
