"""The job: one generation request, from submitted prompt to rated output."""

from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.fields.json import KeyTransform
from django.utils import timezone

from generations.querysets import JobQuerySet
from ourvidz_admin.choices import (
    JOB_TYPES_BY_MODEL,
    EnhancementStrategy,
    FailureReason,
    JobStatus,
    JobType,
    ModelType,
    RatingLabel,
)
from ourvidz_admin.db import UUIDModel, between, one_of, short_id

MAX_PROMPT_CHARS = 8000


def _job_type_matches_model() -> Q:
    condition = Q()
    for model_type, job_types in JOB_TYPES_BY_MODEL.items():
        condition |= Q(model_type=model_type, job_type__in=[t.value for t in job_types])
    return condition



def expansion_percent(original: str, enhanced: str) -> Decimal | None:
    """How much longer ``enhanced`` is than ``original``, in percent, half-up to 2 places (None for no original).

    The one formula behind ``jobs.qwen_expansion_percentage`` and ``enhanced_prompt_tests.expansion_percentage``.
    """
    if not original:
        return None
    return (Decimal((len(enhanced) - len(original)) * 100) / len(original)).quantize(Decimal("0.01"), ROUND_HALF_UP)

class Job(UUIDModel):
    """A generation job (document 000 ``jobs``) which is also the run that document 001 calls ``generation``.

    It carries the enhancement columns of the guide, the rating and review
    columns of the generator admin, the resolved parameters and the lineage of
    the dynamic prompt (document 004), and one timestamp per status.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="jobs", db_index=False,
    )
    job_type = models.CharField(max_length=50, choices=JobType.choices)
    model_type = models.CharField(max_length=20, choices=ModelType.choices)
    status = models.CharField(max_length=20, choices=JobStatus.choices, default=JobStatus.QUEUED)

    # What produced the prompt.
    prompt_version = models.ForeignKey(
        "prompts.PromptVersion", null=True, blank=True, on_delete=models.PROTECT,
        related_name="jobs", db_index=False,
    )
    character = models.ForeignKey(
        "prompts.Character", null=True, blank=True, on_delete=models.SET_NULL, related_name="jobs"
    )
    model_config = models.ForeignKey(
        "configs.EnhancedModelConfig", null=True, blank=True, on_delete=models.SET_NULL, related_name="jobs"
    )
    compel_config = models.ForeignKey(
        "configs.CompelConfig", null=True, blank=True, on_delete=models.SET_NULL, related_name="jobs"
    )
    test_series = models.CharField(max_length=100, blank=True)
    content_mode = models.CharField(
        max_length=10, choices=[("sfw", "SFW"), ("nsfw", "NSFW")], default="sfw",
        help_text="Decides which prompt rules apply (SFW or NSFW rules).",
    )
    tags = models.JSONField(default=list, blank=True, help_text="Tags matched against prompt rules.")

    # Prompts and enhancement (document 000 ALTER TABLE jobs ...).
    original_prompt = models.TextField()
    enhanced_prompt = models.TextField(blank=True)
    final_prompt = models.TextField(blank=True, help_text="The prompt as sent to the model, Compel weights included.")
    negative_prompt = models.TextField(blank=True)
    enhancement_strategy = models.CharField(
        max_length=50, choices=EnhancementStrategy.choices, default=EnhancementStrategy.NONE
    )
    enhancement_time_ms = models.PositiveIntegerField(null=True, blank=True)
    qwen_expansion_percentage = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    qwen_tokens_used = models.PositiveIntegerField(null=True, blank=True)
    compel_weights = models.JSONField(null=True, blank=True)
    quality_improvement = models.DecimalField(max_digits=3, decimal_places=2, null=True, blank=True)

    # Generation parameters as resolved for this job.
    seed = models.BigIntegerField(null=True, blank=True)
    num_inference_steps = models.PositiveSmallIntegerField(null=True, blank=True)
    guidance_scale = models.DecimalField(max_digits=3, decimal_places=1, null=True, blank=True)
    width = models.PositiveSmallIntegerField(null=True, blank=True)
    height = models.PositiveSmallIntegerField(null=True, blank=True)
    frame_count = models.PositiveSmallIntegerField(null=True, blank=True)
    motion_bucket = models.PositiveSmallIntegerField(null=True, blank=True)
    denoise_strength = models.DecimalField(
        max_digits=3, decimal_places=2, null=True, blank=True,
        help_text="How far an image-to-image job moves from its input (0.01-1.00); empty: the configuration's.")
    clip_skip = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="CLIP layers skipped from the end when embedding an SDXL prompt (0-12).")

    # Execution (document 001 generation additions).
    model_used = models.CharField(max_length=100, blank=True)
    inference_time_ms = models.PositiveIntegerField(null=True, blank=True)
    error_message = models.TextField(blank=True)
    failure_reason = models.CharField(max_length=40, choices=FailureReason.choices, blank=True)
    metadata = models.JSONField(default=dict, blank=True)
    lineage = models.JSONField(default=dict, blank=True, help_text="Templates, rules, character and parameters used.")
    # What each stage cost in USD, priced by the worker when the stage completed at the backend's rate then in
    # force (configs ``cost_rates``; generations/pricing.py); empty: the stage did not complete.
    enhancement_cost = models.DecimalField(
        max_digits=12, decimal_places=6, null=True, blank=True, editable=False,
        help_text="USD of the Qwen rewrite: its tokens (or GPU time) at the qwen rate in force.")
    generation_cost = models.DecimalField(
        max_digits=12, decimal_places=6, null=True, blank=True, editable=False,
        help_text="USD of the SDXL/WAN run plus its CLIP scoring: GPU time at the rates in force.")
    attempts = models.PositiveSmallIntegerField(default=0)
    progress = models.FloatField(default=0.0)
    worker_name = models.CharField(max_length=200, blank=True)

    # Review (document 001 result_rating, rated_at, rated_by, notes). With several raters (JobRating rows)
    # quality_rating is their mean rounded half up; rated_by / rated_at / notes are the latest rater's.
    quality_rating = models.PositiveSmallIntegerField(choices=RatingLabel.choices, null=True, blank=True)
    rating_mean = models.DecimalField(max_digits=3, decimal_places=2, null=True, blank=True, editable=False,
                                      help_text="Mean stars of the job's raters.")
    rating_count = models.PositiveSmallIntegerField(default=0, editable=False, help_text="Raters with stars.")
    clip_score = models.FloatField(
        null=True, blank=True, editable=False,
        help_text="Mean CLIP score (0-100) of the outputs against the original prompt, set by the worker when a "
                  "CLIP backend is configured.")
    rated_at = models.DateTimeField(null=True, blank=True)
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="rated_jobs"
    )
    notes = models.TextField(blank=True)

    created_at = models.DateTimeField(default=timezone.now)
    queued_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    failed_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancel_requested_at = models.DateTimeField(null=True, blank=True)
    archived_at = models.DateTimeField(null=True, blank=True, help_text="Set by 'clear failed'; reversible.")
    updated_at = models.DateTimeField(auto_now=True)

    objects = JobQuerySet.as_manager()

    class Meta:
        db_table = "jobs"
        ordering = ("-created_at", "-id")
        permissions = [
            ("rate_job", "Can rate and annotate jobs"),
            ("retry_job", "Can retry jobs"),
            ("cancel_job", "Can cancel jobs"),
            ("export_job", "Can export jobs"),
        ]
        indexes = [
            models.Index(F("created_at").desc(), F("id").desc(), name="jobs_created_idx"),
            models.Index("status", F("created_at").desc(), F("id").desc(), name="jobs_status_created_idx"),
            models.Index("model_type", F("created_at").desc(), F("id").desc(), name="jobs_model_created_idx"),
            models.Index(
                "enhancement_strategy", F("created_at").desc(), F("id").desc(), name="jobs_strategy_created_idx"
            ),
            # Live dashboard and the enhancement-drop alert aggregate the last 24 h of jobs: with these
            # columns in the index (PostgreSQL INCLUDE; ignored elsewhere) they never visit the table.
            # Document 001's prompt performance groups the versioned jobs' ratings from this index alone.
            models.Index(fields=["prompt_version"], name="jobs_version_rating_idx", include=["quality_rating"],
                         condition=Q(prompt_version__isnull=False)),
            models.Index(fields=["created_at"], name="jobs_recent_covering_idx",
                         include=["enhancement_strategy", "status", "enhancement_time_ms", "quality_rating",
                                  "quality_improvement"]),
            models.Index("user", F("created_at").desc(), F("id").desc(), name="jobs_user_created_idx"),
            models.Index("prompt_version", F("created_at").desc(), F("id").desc(), name="jobs_version_created_idx"),
            models.Index("quality_rating", F("created_at").desc(), F("id").desc(), name="jobs_rating_created_idx"),
            models.Index("clip_score", F("created_at").desc(), F("id").desc(), name="jobs_clip_created_idx"),
            models.Index(
                "failure_reason", F("created_at").desc(), F("id").desc(), name="jobs_failure_created_idx",
                condition=~Q(failure_reason=""),
            ),
            models.Index(
                F("created_at").desc(), F("id").desc(), name="jobs_unrated_idx",
                condition=Q(status=JobStatus.COMPLETED, quality_rating__isnull=True),
            ),
            models.Index("test_series", F("created_at").desc(), name="jobs_series_idx", condition=~Q(test_series="")),
            models.Index(F("failed_at").desc(), F("id").desc(), name="jobs_failed_at_idx",
                         condition=Q(status=JobStatus.FAILED)),
            # quality_improvement: the baseline of a job is the unenhanced job with the same seed and prompt.
            models.Index("seed", "model_type", name="jobs_seed_idx", condition=Q(seed__isnull=False)),
            # Preset figures count the jobs whose metadata names the preset.
            models.Index(KeyTransform("preset", "metadata"), name="jobs_preset_idx"),
        ]
        constraints = [
            one_of("status", JobStatus, "jobs_status_valid"),
            one_of("model_type", ModelType, "jobs_model_type_valid"),
            one_of("enhancement_strategy", EnhancementStrategy, "jobs_strategy_valid"),
            one_of("failure_reason", FailureReason, "jobs_failure_reason_valid", blank=True),
            one_of("content_mode", ("sfw", "nsfw"), "jobs_content_mode_valid"),
            models.CheckConstraint(
                condition=_job_type_matches_model(), name="jobs_job_type_matches_model",
                violation_error_message="job_type does not belong to model_type (SDXL makes images, WAN videos).",
            ),
            models.CheckConstraint(
                condition=~Q(status=JobStatus.FAILED) | ~Q(failure_reason=""), name="jobs_failed_has_reason",
                violation_error_message="A failed job needs a failure reason.",
            ),
            models.CheckConstraint(
                condition=~Q(original_prompt=""), name="jobs_prompt_not_blank",
                violation_error_message="The prompt cannot be empty.",
            ),
            between("quality_rating", 1, 5, "jobs_quality_rating_1_5"),
            between("quality_improvement", -4, 4, "jobs_quality_improvement_range"),
            between("guidance_scale", 1, 20, "jobs_guidance_scale_range"),
            between("num_inference_steps", 1, 150, "jobs_steps_range"),
            between("width", 16, 2048, "jobs_width_range"),
            between("height", 16, 2048, "jobs_height_range"),
            between("frame_count", 1, 241, "jobs_frame_count_range"),
            between("motion_bucket", 1, 255, "jobs_motion_bucket_range"),
            between("denoise_strength", Decimal("0.01"), 1, "jobs_denoise_strength_range"),
            between("clip_skip", 0, 12, "jobs_clip_skip_range"),
            between("progress", 0, 1, "jobs_progress_range", nullable=False),
            between("clip_score", 0, 100, "jobs_clip_score_range"),
        ]

    def __str__(self):
        return f"{self.model_type} job {short_id(self.pk)} ({self.status})"

    @property
    def generation_time(self):
        """Wall time from submission to completion, as the guide's view defines it."""
        if self.completed_at and self.created_at:
            return self.completed_at - self.created_at
        return None

    @property
    def cost(self) -> Decimal | None:
        """USD of the job: enhancement cost + generation cost; None when neither stage recorded one.

        In queries: ``Job.objects.with_cost()`` annotates the same sum as ``total_cost``.
        """
        if self.enhancement_cost is None and self.generation_cost is None:
            return None
        return (self.enhancement_cost or Decimal(0)) + (self.generation_cost or Decimal(0))

    @property
    def expansion_percentage(self) -> Decimal | None:
        """Growth of the enhanced prompt over the original, in percent (None when not enhanced)."""
        if not self.enhanced_prompt:
            return None
        return expansion_percent(self.original_prompt, self.enhanced_prompt)
