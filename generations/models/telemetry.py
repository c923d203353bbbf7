"""Per-job telemetry the job domain writes as a job runs: prompt usage, the prompt tracker, live tracking.

``prompt_usage`` is one row per worker stage (tokens, time, cost); the prompt
tracker keeps each job's latest outcome for training data; ``live_job_tracking``
mirrors each job's enhancement and status for the live view.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from generations.choices import SaveMethod, TrackerOutcome
from generations.prompt_analysis import analyse_prompt, prompt_hash
from ourvidz_admin.choices import EnhancementStrategy, FailureReason, JobStatus, ModelType
from ourvidz_admin.db import UUIDModel, between, one_of


def _quality(field: str, table: str) -> models.CheckConstraint:
    return between(field, 1, 5, f"{table}_{field}_range")



class PromptUsage(UUIDModel):
    """One use of a prompt with its timing, outcome, tokens and cost (document 002 ``prompt_usage``)."""

    prompt = models.ForeignKey(
        "prompts.Prompt", null=True, blank=True, on_delete=models.SET_NULL, related_name="usages", db_index=False
    )
    template = models.ForeignKey(
        "prompts.PromptTemplate", null=True, blank=True, on_delete=models.SET_NULL, related_name="usages"
    )
    agent = models.ForeignKey(
        "prompts.Agent", null=True, blank=True, on_delete=models.SET_NULL, related_name="usages"
    )
    job = models.ForeignKey(
        "generations.Job", null=True, blank=True, on_delete=models.CASCADE, related_name="prompt_usages"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    user_prompt = models.TextField()
    enhanced_prompt = models.TextField(blank=True)
    response_time_ms = models.PositiveIntegerField(null=True, blank=True)
    success = models.BooleanField(default=True)
    rating = models.PositiveSmallIntegerField(null=True, blank=True)
    error_message = models.TextField(blank=True)
    input_tokens = models.PositiveIntegerField(default=0)
    output_tokens = models.PositiveIntegerField(default=0)
    tokens_used = models.PositiveIntegerField(default=0)
    cost = models.DecimalField(max_digits=12, decimal_places=6, default=0)
    stage = models.CharField(
        max_length=20, blank=True,
        help_text="The worker stage that made this call (enhance or generate); empty for others.",
    )
    session_id = models.CharField(max_length=100, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "prompt_usage"
        ordering = ("-created_at",)
        verbose_name_plural = "prompt usage"
        indexes = [
            models.Index("prompt", F("created_at").desc(), name="prompt_usage_prompt_idx"),
            models.Index(F("created_at").desc(), "id", name="prompt_usage_created_idx"),
        ]
        constraints = [
            between("rating", 1, 5, "prompt_usage_rating_1_5"),
            models.CheckConstraint(
                condition=Q(tokens_used__gte=F("input_tokens") + F("output_tokens")) | Q(tokens_used=0),
                name="prompt_usage_tokens_consistent",
                violation_error_message="tokens_used cannot be less than input plus output tokens.",
            ),
        ]

    def __str__(self):
        return f"usage {self.created_at:%Y-%m-%d %H:%M}"


class TrackedPrompt(UUIDModel):
    """A successful or failed prompt kept for training data (document 003, ``enhanced_prompt_tracker``).

    The analysis columns are derived from the prompt on every save.
    """

    job = models.ForeignKey(
        "generations.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="tracked_prompts"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    prompt = models.TextField()
    prompt_hash = models.CharField(max_length=64, editable=False, db_index=True)
    ai_model = models.CharField(max_length=100)
    outcome = models.CharField(max_length=10, choices=TrackerOutcome.choices)
    result_url = models.TextField(blank=True)
    save_method = models.CharField(max_length=20, choices=SaveMethod.choices, blank=True)
    model_parameters = models.JSONField(default=dict, blank=True)
    failure_reason = models.CharField(max_length=40, choices=FailureReason.choices, blank=True)
    error_message = models.TextField(blank=True)
    quality_rating = models.PositiveSmallIntegerField(null=True, blank=True)
    feedback = models.TextField(blank=True)
    prompt_length = models.PositiveIntegerField(editable=False, default=0)
    word_count = models.PositiveIntegerField(editable=False, default=0)
    special_char_count = models.PositiveIntegerField(editable=False, default=0)
    created_at = models.DateTimeField(default=timezone.now)
    rated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "enhanced_prompt_tracker"
        ordering = ("-created_at",)
        indexes = [
            models.Index("outcome", F("created_at").desc(), name="tracker_outcome_idx"),
            models.Index("quality_rating", name="tracker_rating_idx", condition=Q(quality_rating__isnull=False)),
        ]
        constraints = [
            one_of("outcome", TrackerOutcome, "tracker_outcome_valid"),
            one_of("save_method", SaveMethod, "tracker_save_method_valid", blank=True),
            one_of("failure_reason", FailureReason, "tracker_failure_reason_valid", blank=True),
            between("quality_rating", 1, 5, "tracker_quality_rating_1_5"),
            models.CheckConstraint(
                condition=(Q(outcome=TrackerOutcome.FAILED) & ~Q(failure_reason=""))
                | (Q(outcome=TrackerOutcome.SUCCESS) & Q(failure_reason="")),
                name="tracker_failure_reason_iff_failed",
                violation_error_message="Failed prompts need a failure reason; successful ones have none.",
            ),
        ]

    def __str__(self):
        return f"{self.outcome}: {self.prompt[:50]}"

    def save(self, *args, **kwargs):
        # Derived columns: recompute so they can never disagree with the prompt.
        self.prompt_hash = prompt_hash(self.prompt)
        for name, value in analyse_prompt(self.prompt).items():
            setattr(self, name, value)
        super().save(*args, **kwargs)


class LiveJobTracking(UUIDModel):
    """The live view of one job's enhancement and status (``live_job_tracking``), one row per job."""

    job = models.OneToOneField("generations.Job", on_delete=models.CASCADE, related_name="live_tracking")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    job_type = models.CharField(max_length=50)
    model_type = models.CharField(max_length=20, choices=ModelType.choices)
    enhancement_strategy = models.CharField(max_length=50, choices=EnhancementStrategy.choices, blank=True)
    original_prompt = models.TextField(blank=True)
    enhanced_prompt = models.TextField(blank=True)
    enhancement_time_ms = models.PositiveIntegerField(null=True, blank=True)
    baseline_quality = models.DecimalField(max_digits=3, decimal_places=2, null=True, blank=True)
    final_quality = models.DecimalField(max_digits=3, decimal_places=2, null=True, blank=True)
    quality_improvement = models.DecimalField(max_digits=3, decimal_places=2, null=True, blank=True)
    status = models.CharField(max_length=20, choices=JobStatus.choices)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "live_job_tracking"
        ordering = ("-created_at",)
        indexes = [models.Index("status", F("created_at").desc(), name="live_job_tracking_status_idx")]
        constraints = [
            one_of("status", JobStatus, "live_job_tracking_status_valid"),
            one_of("model_type", ModelType, "live_job_tracking_model_type_valid"),
            _quality("baseline_quality", "live_job_tracking"),
            _quality("final_quality", "live_job_tracking"),
        ]

    def __str__(self):
        return f"live {self.job_id}"
