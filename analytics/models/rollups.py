"""Rollup tables the dashboards read instead of scanning jobs (document 000 §2 and §2.5)."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from analytics.choices import PeriodType
from ourvidz_admin.choices import EnhancementStrategy, ModelType
from ourvidz_admin.db import UUIDModel, between, one_of


def _percent(field: str, table: str) -> models.CheckConstraint:
    return between(field, 0, 100, f"{table}_{field}_pct")


def _quality(field: str, table: str) -> models.CheckConstraint:
    return between(field, 1, 5, f"{table}_{field}_range")


class ModelPerformanceLog(UUIDModel):
    """Per model per day: volume, success, time and quality (``model_performance_logs``)."""

    model_type = models.CharField(max_length=20, choices=ModelType.choices)
    date = models.DateField()
    total_generations = models.PositiveIntegerField(default=0)
    successful_generations = models.PositiveIntegerField(default=0)
    failed_generations = models.PositiveIntegerField(default=0)
    avg_generation_time_ms = models.PositiveIntegerField(null=True, blank=True)
    avg_quality_rating = models.DecimalField(max_digits=3, decimal_places=2, null=True, blank=True)
    total_processing_time_ms = models.BigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "model_performance_logs"
        ordering = ("-date", "model_type")
        constraints = [
            one_of("model_type", ModelType, "model_performance_logs_model_type_valid"),
            models.UniqueConstraint("model_type", "date", name="model_performance_logs_unique_day"),
            _quality("avg_quality_rating", "model_performance_logs"),
        ]

    def __str__(self):
        return f"{self.model_type} {self.date}"


class LivePromptMetric(UUIDModel):
    """Enhancement usage and effect over one hour or one day (``live_prompt_metrics``)."""

    timestamp = models.DateTimeField(default=timezone.now, help_text="Start of the period.")
    period_type = models.CharField(max_length=20, choices=PeriodType.choices)
    total_jobs = models.PositiveIntegerField()
    qwen_enhanced_jobs = models.PositiveIntegerField()
    compel_enhanced_jobs = models.PositiveIntegerField()
    hybrid_enhanced_jobs = models.PositiveIntegerField()
    no_enhancement_jobs = models.PositiveIntegerField()
    avg_enhancement_time_ms = models.PositiveIntegerField(null=True, blank=True)
    avg_quality_with_enhancement = models.DecimalField(max_digits=3, decimal_places=2, null=True, blank=True)
    avg_quality_without_enhancement = models.DecimalField(max_digits=3, decimal_places=2, null=True, blank=True)
    avg_quality_gain = models.DecimalField(max_digits=3, decimal_places=2, null=True, blank=True)
    qwen_success_rate = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    compel_success_rate = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    hybrid_success_rate = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    no_enhancement_success_rate = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    sdxl_enhancement_usage = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    wan_enhancement_usage = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)

    class Meta:
        db_table = "live_prompt_metrics"
        ordering = ("-timestamp",)
        constraints = [
            one_of("period_type", PeriodType, "live_prompt_metrics_period_valid"),
            models.UniqueConstraint("period_type", "timestamp", name="live_prompt_metrics_unique_period"),
            *(
                _percent(f, "live_prompt_metrics")
                for f in (
                    "qwen_success_rate", "compel_success_rate", "hybrid_success_rate",
                    "no_enhancement_success_rate", "sdxl_enhancement_usage", "wan_enhancement_usage",
                )
            ),
        ]

    def __str__(self):
        return f"{self.period_type} {self.timestamp:%Y-%m-%d %H:%M}"


class UserEnhancementAdoption(UUIDModel):
    """How one user used enhancement on one day (``user_enhancement_adoption``)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False)
    date = models.DateField()
    total_jobs = models.PositiveIntegerField(default=0)
    jobs_with_enhancement = models.PositiveIntegerField(default=0)
    enhancement_adoption_rate = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    qwen_usage_count = models.PositiveIntegerField(default=0)
    compel_usage_count = models.PositiveIntegerField(default=0)
    hybrid_usage_count = models.PositiveIntegerField(default=0)
    no_enhancement_count = models.PositiveIntegerField(default=0)
    avg_quality_with_enhancement = models.DecimalField(max_digits=3, decimal_places=2, null=True, blank=True)
    avg_quality_without_enhancement = models.DecimalField(max_digits=3, decimal_places=2, null=True, blank=True)
    avg_quality_improvement = models.DecimalField(max_digits=3, decimal_places=2, null=True, blank=True)
    first_enhancement_date = models.DateTimeField(null=True, blank=True)
    enhancement_learning_rate = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)

    class Meta:
        db_table = "user_enhancement_adoption"
        ordering = ("-date",)
        constraints = [
            models.UniqueConstraint("user", "date", name="user_enhancement_adoption_unique_day"),
            _percent("enhancement_adoption_rate", "user_enhancement_adoption"),
        ]

    def __str__(self):
        return f"{self.user_id} {self.date}"


class JobStatsDaily(UUIDModel):
    """Jobs of one model and one enhancement strategy created on one UTC day (``job_stats_daily``).

    Not in the documents: the rollup behind the Model Analytics quality
    distribution and the enhancement-effectiveness screen, so those read a few
    hundred rows instead of scanning jobs. Sums and counts, never means, so any
    range of days adds up exactly.
    """

    date = models.DateField()
    model_type = models.CharField(max_length=20, choices=ModelType.choices)
    enhancement_strategy = models.CharField(max_length=50, choices=EnhancementStrategy.choices)
    total_jobs = models.PositiveIntegerField(default=0)
    completed_jobs = models.PositiveIntegerField(default=0)
    failed_jobs = models.PositiveIntegerField(default=0)
    cancelled_jobs = models.PositiveIntegerField(default=0)
    rated_jobs = models.PositiveIntegerField(default=0)
    stars_1 = models.PositiveIntegerField(default=0)
    stars_2 = models.PositiveIntegerField(default=0)
    stars_3 = models.PositiveIntegerField(default=0)
    stars_4 = models.PositiveIntegerField(default=0)
    stars_5 = models.PositiveIntegerField(default=0)
    rating_sum = models.PositiveIntegerField(default=0)
    inference_time_sum_ms = models.BigIntegerField(default=0)
    inference_time_count = models.PositiveIntegerField(default=0)
    enhancement_time_sum_ms = models.BigIntegerField(default=0)
    enhancement_time_count = models.PositiveIntegerField(default=0)
    improvement_sum = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    improvement_count = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "job_stats_daily"
        ordering = ("-date", "model_type", "enhancement_strategy")
        verbose_name_plural = "job stats daily"
        constraints = [
            one_of("model_type", ModelType, "job_stats_daily_model_type_valid"),
            one_of("enhancement_strategy", EnhancementStrategy, "job_stats_daily_strategy_valid"),
            models.UniqueConstraint("date", "model_type", "enhancement_strategy", name="job_stats_daily_unique"),
        ]

    def __str__(self):
        return f"{self.date} {self.model_type} {self.enhancement_strategy}"


class PromptPerformanceDaily(UUIDModel):
    """Uses of one library prompt on one UTC day, from ``prompt_usage`` (``prompt_performance_daily``).

    The rollup behind document 002's performance functions: sums and counts,
    so any period adds up exactly.
    """

    prompt = models.ForeignKey("prompts.Prompt", on_delete=models.CASCADE, related_name="+", db_index=False)
    date = models.DateField()
    uses = models.PositiveIntegerField(default=0)
    successes = models.PositiveIntegerField(default=0)
    rating_sum = models.PositiveIntegerField(default=0)
    rating_count = models.PositiveIntegerField(default=0)
    response_time_sum_ms = models.BigIntegerField(default=0)
    response_time_count = models.PositiveIntegerField(default=0)
    tokens_used = models.BigIntegerField(default=0)
    cost = models.DecimalField(max_digits=16, decimal_places=6, default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "prompt_performance_daily"
        ordering = ("-date",)
        verbose_name_plural = "prompt performance daily"
        indexes = [models.Index("date", name="prompt_performance_daily_date")]
        constraints = [
            models.UniqueConstraint("prompt", "date", name="prompt_performance_daily_unique"),
        ]

    def __str__(self):
        return f"{self.prompt_id} {self.date}"
