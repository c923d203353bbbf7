"""Prompt test results, enhanced prompt tests and A/B tests (document 000)."""

from django.conf import settings
from django.db import models
from django.db.models import F
from django.utils import timezone

from ourvidz_admin.choices import ENHANCED_STRATEGIES, ModelType
from ourvidz_admin.db import UUIDModel, between, one_of


class PromptTestResult(UUIDModel):
    """One prompt tried on one model from the Prompt Testing page (``prompt_test_results``)."""

    job = models.OneToOneField(
        "generations.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="test_result"
    )
    prompt_text = models.TextField()
    model_type = models.CharField(max_length=20, choices=ModelType.choices)
    prompt_category = models.CharField(max_length=50, blank=True)
    quality_rating = models.PositiveSmallIntegerField(null=True, blank=True)
    generation_time_ms = models.PositiveIntegerField(null=True, blank=True)
    success = models.BooleanField()
    error_message = models.TextField(blank=True)
    notes = models.TextField(blank=True)
    tested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "prompt_test_results"
        ordering = ("-created_at",)
        indexes = [models.Index("model_type", F("created_at").desc(), name="prompt_test_results_idx")]
        constraints = [
            one_of("model_type", ModelType, "prompt_test_results_model_type_valid"),
            between("quality_rating", 1, 5, "prompt_test_results_quality_rating_1_5"),
        ]

    def __str__(self):
        return self.prompt_text[:60]


class EnhancedPromptTest(UUIDModel):
    """An enhancement experiment: original against enhanced prompt with quality figures (``enhanced_prompt_tests``).

    ``expansion_percentage`` holds up to 999999.99: the document's own example
    (3400%) does not fit its DECIMAL(5,2).
    """

    job = models.ForeignKey(
        "generations.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="enhanced_tests"
    )
    original_prompt = models.TextField()
    enhanced_prompt = models.TextField()
    enhancement_strategy = models.CharField(max_length=50, choices=[(s.value, s.label) for s in ENHANCED_STRATEGIES])
    model_type = models.CharField(max_length=20, choices=ModelType.choices)
    job_type = models.CharField(max_length=50)
    original_length = models.PositiveIntegerField()
    enhanced_length = models.PositiveIntegerField()
    expansion_percentage = models.DecimalField(max_digits=8, decimal_places=2)
    enhancement_time_ms = models.PositiveIntegerField(null=True, blank=True)
    compel_weights = models.JSONField(null=True, blank=True)
    weight_config_hash = models.CharField(max_length=64, blank=True, db_index=True)
    baseline_quality = models.DecimalField(max_digits=3, decimal_places=2, null=True, blank=True)
    enhanced_quality = models.DecimalField(max_digits=3, decimal_places=2, null=True, blank=True)
    quality_improvement = models.DecimalField(max_digits=3, decimal_places=2, null=True, blank=True)
    consistency_score = models.DecimalField(max_digits=3, decimal_places=2, null=True, blank=True)
    generation_time_ms = models.PositiveIntegerField(null=True, blank=True)
    file_size_bytes = models.BigIntegerField(null=True, blank=True)
    success = models.BooleanField()
    error_message = models.TextField(blank=True)
    test_series = models.CharField(max_length=100, blank=True)
    test_tier = models.CharField(max_length=20, blank=True)
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    tested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        db_table = "enhanced_prompt_tests"
        ordering = ("-created_at",)
        indexes = [
            models.Index("enhancement_strategy", F("created_at").desc(), name="enhanced_prompt_tests_idx"),
            models.Index("test_series", name="enhanced_prompt_tests_series"),
        ]
        constraints = [
            one_of("enhancement_strategy", [s.value for s in ENHANCED_STRATEGIES], "enhanced_prompt_tests_strategy"),
            one_of("model_type", ModelType, "enhanced_prompt_tests_model_type_valid"),
            between("baseline_quality", 1, 5, "enhanced_prompt_tests_baseline_range"),
            between("enhanced_quality", 1, 5, "enhanced_prompt_tests_enhanced_range"),
            between("quality_improvement", -4, 4, "enhanced_prompt_tests_improvement_range"),
            between("consistency_score", 0, 1, "enhanced_prompt_tests_consistency_range"),
        ]

    def __str__(self):
        return f"{self.enhancement_strategy}: {self.original_prompt[:50]}"
