"""Rollups of the operations view (issue 16): every figure of its pages reads these, never ``jobs``.

Sums, counts and histograms only (never means or percentiles), so any range of days adds up exactly and
percentiles merge across days. Rebuilt from the jobs by ``analytics.rollups.operations``, bucket by bucket
(the incremental path after each job change) or all at once (``rollup_metrics``).
"""

from django.conf import settings
from django.db import models

from ourvidz_admin.choices import EnhancementStrategy, ModelType
from ourvidz_admin.db import UUIDModel, one_of

_DECIMAL = {"max_digits": 16, "decimal_places": 6, "default": 0}


class JobOpsDaily(UUIDModel):
    """Jobs created on one UTC day, per model, job type, strategy, tier and content mode (``job_ops_daily``)."""

    date = models.DateField()
    model_type = models.CharField(max_length=20, choices=ModelType.choices)
    job_type = models.CharField(max_length=50)
    enhancement_strategy = models.CharField(max_length=50, choices=EnhancementStrategy.choices)
    tier = models.CharField(max_length=20, blank=True, help_text="The tier whose parameters the job ran with.")
    content_mode = models.CharField(max_length=10)
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
    enhancement_cost = models.DecimalField(**_DECIMAL)
    generation_cost = models.DecimalField(**_DECIMAL)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "job_ops_daily"
        ordering = ("-date", "model_type", "job_type", "enhancement_strategy", "tier", "content_mode")
        verbose_name_plural = "job operations daily"
        constraints = [
            one_of("model_type", ModelType, "job_ops_daily_model_type_valid"),
            models.UniqueConstraint("date", "model_type", "job_type", "enhancement_strategy", "tier", "content_mode",
                                    name="job_ops_daily_unique"),
        ]

    def __str__(self):
        return f"{self.date} {self.model_type} {self.job_type} {self.enhancement_strategy}"


class JobTimeHistogramDaily(UUIDModel):
    """One stage's durations of the jobs created on one UTC day, per model and strategy, as a histogram
    over ``analytics.rollups.histograms.EDGES_MS`` (``job_time_histogram_daily``)."""

    date = models.DateField()
    model_type = models.CharField(max_length=20, choices=ModelType.choices)
    enhancement_strategy = models.CharField(max_length=50, choices=EnhancementStrategy.choices)
    stage = models.CharField(max_length=20, help_text="queue_wait, enhancement, inference or total.")
    count = models.PositiveIntegerField(default=0)
    sum_ms = models.BigIntegerField(default=0)
    bins = models.JSONField(default=dict, help_text="{bin index: jobs}; bins without jobs are left out.")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "job_time_histogram_daily"
        ordering = ("-date", "model_type", "enhancement_strategy", "stage")
        verbose_name_plural = "job time histograms daily"
        constraints = [
            models.UniqueConstraint("date", "model_type", "enhancement_strategy", "stage",
                                    name="job_time_histogram_daily_unique"),
        ]

    def __str__(self):
        return f"{self.date} {self.model_type} {self.enhancement_strategy} {self.stage}"


class FailureReasonDaily(UUIDModel):
    """Failed jobs created on one UTC day, per model, job type and failure reason (``failure_reason_daily``)."""

    date = models.DateField()
    model_type = models.CharField(max_length=20, choices=ModelType.choices)
    job_type = models.CharField(max_length=50)
    failure_reason = models.CharField(max_length=40, blank=True)
    failures = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "failure_reason_daily"
        ordering = ("-date", "model_type", "job_type", "failure_reason")
        verbose_name_plural = "failure reasons daily"
        constraints = [
            models.UniqueConstraint("date", "model_type", "job_type", "failure_reason",
                                    name="failure_reason_daily_unique"),
        ]

    def __str__(self):
        return f"{self.date} {self.model_type} {self.failure_reason or 'unknown'}"


class JobStatsBucket(UUIDModel):
    """The sums and counts of the jobs created in one time bucket, per model and strategy."""

    model_type = models.CharField(max_length=20, choices=ModelType.choices)
    enhancement_strategy = models.CharField(max_length=50, choices=EnhancementStrategy.choices)
    total_jobs = models.PositiveIntegerField(default=0)
    completed_jobs = models.PositiveIntegerField(default=0)
    failed_jobs = models.PositiveIntegerField(default=0)
    rated_jobs = models.PositiveIntegerField(default=0)
    rating_sum = models.PositiveIntegerField(default=0)
    enhancement_time_sum_ms = models.BigIntegerField(default=0)
    enhancement_time_count = models.PositiveIntegerField(default=0)
    improvement_sum = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    improvement_count = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class JobStatsHourly(JobStatsBucket):
    """Jobs created in one UTC hour, per model and strategy: the live page's 24-hour window, and the
    hour-of-week volume of the peaks table (``job_stats_hourly``)."""

    hour = models.DateTimeField(help_text="Start of the UTC hour.")

    class Meta:
        db_table = "job_stats_hourly"
        ordering = ("-hour", "model_type", "enhancement_strategy")
        verbose_name_plural = "job stats hourly"
        constraints = [
            models.UniqueConstraint("hour", "model_type", "enhancement_strategy", name="job_stats_hourly_unique"),
        ]

    def __str__(self):
        return f"{self.hour:%Y-%m-%d %H}:00 {self.model_type} {self.enhancement_strategy}"


class JobStatsFiveMinutes(JobStatsBucket):
    """Jobs created in one 5-minute UTC bucket, per model and strategy: the live page's last hour
    (``job_stats_5min``)."""

    bucket = models.DateTimeField(help_text="Start of the 5-minute bucket (UTC).")

    class Meta:
        db_table = "job_stats_5min"
        ordering = ("-bucket", "model_type", "enhancement_strategy")
        verbose_name_plural = "job stats per 5 minutes"
        constraints = [
            models.UniqueConstraint("bucket", "model_type", "enhancement_strategy", name="job_stats_5min_unique"),
        ]

    def __str__(self):
        return f"{self.bucket:%Y-%m-%d %H:%M} {self.model_type} {self.enhancement_strategy}"


class PromptVersionStats(models.Model):
    """Document 001's per-version figures, kept per prompt version (``prompt_version_stats``)."""

    prompt_version = models.OneToOneField("prompts.PromptVersion", on_delete=models.CASCADE, primary_key=True,
                                          related_name="+")
    generation_count = models.PositiveIntegerField(default=0)
    rated = models.PositiveIntegerField(default=0)
    score_sum = models.PositiveIntegerField(default=0, help_text="Sum of (stars − 1) over rated jobs.")
    excellent_count = models.PositiveIntegerField(default=0)
    poor_count = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "prompt_version_stats"
        verbose_name_plural = "prompt version stats"

    def __str__(self):
        return str(self.prompt_version_id)


class UserCostDaily(UUIDModel):
    """What the jobs one user created on one UTC day cost (``user_cost_daily``; user empty: jobs without one)."""

    date = models.DateField()
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE,
                             related_name="+", db_index=False)
    jobs = models.PositiveIntegerField(default=0)
    good_outputs = models.PositiveIntegerField(default=0, help_text="Jobs rated 4 or 5 stars.")
    enhancement_cost = models.DecimalField(**_DECIMAL)
    generation_cost = models.DecimalField(**_DECIMAL)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "user_cost_daily"
        ordering = ("-date",)
        verbose_name_plural = "user costs daily"
        indexes = [models.Index("date", name="user_cost_daily_date")]
        constraints = [models.UniqueConstraint("date", "user", name="user_cost_daily_unique")]

    def __str__(self):
        return f"{self.date} {self.user_id}"


class PromptCostDaily(UUIDModel):
    """Stage costs of the jobs created on one UTC day, per library prompt they are attributed to
    (``prompt_cost_daily``; prompt empty: stages no library prompt ran)."""

    date = models.DateField()
    prompt = models.ForeignKey("prompts.Prompt", null=True, blank=True, on_delete=models.CASCADE, related_name="+",
                               db_index=False)
    jobs = models.PositiveIntegerField(default=0)
    enhancement_cost = models.DecimalField(**_DECIMAL)
    generation_cost = models.DecimalField(**_DECIMAL)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "prompt_cost_daily"
        ordering = ("-date",)
        verbose_name_plural = "prompt costs daily"
        indexes = [models.Index("date", name="prompt_cost_daily_date")]
        constraints = [models.UniqueConstraint("date", "prompt", name="prompt_cost_daily_unique")]

    def __str__(self):
        return f"{self.date} {self.prompt_id}"
