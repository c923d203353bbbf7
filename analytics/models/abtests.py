"""Paired A/B tests of a baseline against one enhanced configuration or several (``prompt_ab_tests``).

A test has a baseline arm, an enhanced arm and optionally more ``variants``.
An arm is a JSON object naming any mix of ``prompt_version``,
``enhancement_strategy``, ``compel_config`` and ``model_config`` (ids or
values; validated by the A/B service). Every arm runs on the same prompts with
the same seeds, one ``ABTestPair`` per prompt, so the ratings come paired. The
baseline's and the enhanced arm's jobs are the pair's own columns; a variant's
are ``ABTestArmJob`` rows. Raters see a pair's outputs in the pair's blind
order (``arm_order``, or ``enhanced_first`` for two arms), without the arm names.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from analytics.choices import ABTestStatus
from ourvidz_admin.choices import ModelType
from ourvidz_admin.db import UUIDModel, between, one_of


class PromptABTest(UUIDModel):
    """A paired comparison of a baseline and an enhanced configuration (``prompt_ab_tests``).

    The document's columns hold the headline figures; ``results`` holds every
    statistic of the last computation (see ``analytics.abtests.results``).
    """

    test_name = models.CharField(max_length=100)
    test_series = models.CharField(max_length=100)
    description = models.TextField(blank=True)
    model_type = models.CharField(max_length=20, choices=ModelType.choices, default=ModelType.SDXL)
    baseline_config = models.JSONField()
    enhanced_config = models.JSONField()
    status = models.CharField(max_length=20, choices=ABTestStatus.choices, default=ABTestStatus.DRAFT)
    # Power calculation inputs and its answer.
    target_lift = models.DecimalField(
        max_digits=3, decimal_places=2, default=Decimal("0.50"),
        help_text="Smallest lift in mean rating worth detecting (stars).",
    )
    alpha = models.DecimalField(
        max_digits=4, decimal_places=3, default=Decimal("0.050"), help_text="Significance level."
    )
    power = models.DecimalField(max_digits=3, decimal_places=2, default=Decimal("0.80"))
    sd_difference = models.DecimalField(
        max_digits=3, decimal_places=2, default=Decimal("1.00"),
        help_text="Expected standard deviation of the paired differences (stars); from earlier tests or a guess.",
    )
    planned_pairs = models.PositiveIntegerField(default=0, help_text="Prompts needed, from the power calculation.")
    # Document 000 columns, kept current by the results computation.
    total_participants = models.PositiveIntegerField(default=0, help_text="Pairs with both outputs rated.")
    baseline_avg_quality = models.DecimalField(max_digits=3, decimal_places=2, null=True, blank=True)
    enhanced_avg_quality = models.DecimalField(max_digits=3, decimal_places=2, null=True, blank=True)
    quality_improvement = models.DecimalField(max_digits=3, decimal_places=2, null=True, blank=True)
    confidence_level = models.DecimalField(
        "P(enhanced better)", max_digits=3, decimal_places=2, null=True, blank=True,
        help_text="Probability that the enhanced arm is better, from the rated pairs (docs/metrics.md).")
    results = models.JSONField(null=True, blank=True, editable=False)
    variants = models.JSONField(default=list, blank=True, editable=False, help_text=(
        "More arms compared with the baseline, each {name, prompt_version, enhancement_strategy, "
        "compel_config, model_config}; arm 2 onwards (analytics/abtests/arms.py)."))
    guardrails = models.JSONField(default=dict, blank=True, help_text=(
        'Limits the enhanced arm must not cross, e.g. {"success_rate_drop": 5, "time_increase_pct": 20} '
        "(points, percent; analytics/abtests/guardrails.py)."))
    guardrail_breached = models.BooleanField(default=False, editable=False,
                                             help_text="A guardrail was crossed at the last computation.")
    results_computed_at = models.DateTimeField(null=True, blank=True, editable=False)
    is_complete = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "prompt_ab_tests"
        ordering = ("-created_at",)
        verbose_name = "prompt A/B test"
        indexes = [models.Index("status", F("created_at").desc(), name="prompt_ab_tests_status_idx")]
        constraints = [
            one_of("status", ABTestStatus, "prompt_ab_tests_status_valid"),
            one_of("model_type", ModelType, "prompt_ab_tests_model_type_valid"),
            between("baseline_avg_quality", 1, 5, "prompt_ab_tests_baseline_range"),
            between("enhanced_avg_quality", 1, 5, "prompt_ab_tests_enhanced_range"),
            between("quality_improvement", -4, 4, "prompt_ab_tests_improvement_range"),
            between("confidence_level", 0, 1, "prompt_ab_tests_confidence_range"),
            between("target_lift", 0.01, 4, "prompt_ab_tests_lift_range", nullable=False),
            models.CheckConstraint(
                condition=Q(alpha__gt=0, alpha__lt=0.5), name="prompt_ab_tests_alpha_range",
                violation_error_message="alpha must be above 0 and below 0.5.",
            ),
            models.CheckConstraint(
                condition=Q(power__gt=0.5, power__lt=1), name="prompt_ab_tests_power_range",
                violation_error_message="power must be above 0.5 and below 1.",
            ),
            models.CheckConstraint(
                condition=Q(sd_difference__gt=0), name="prompt_ab_tests_sd_positive",
                violation_error_message="sd_difference must be positive.",
            ),
        ]

    def __str__(self):
        return self.test_name


class ABTestPair(UUIDModel):
    """One prompt of an A/B test: the same text and seed run once per arm (``prompt_ab_test_pairs``)."""

    ab_test = models.ForeignKey(PromptABTest, on_delete=models.CASCADE, related_name="pairs", db_index=False)
    position = models.PositiveIntegerField()
    prompt_text = models.TextField()
    seed = models.BigIntegerField()
    baseline_job = models.OneToOneField(
        "generations.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="ab_baseline_pair"
    )
    enhanced_job = models.OneToOneField(
        "generations.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="ab_enhanced_pair"
    )
    enhanced_first = models.BooleanField(help_text="Blind order: the enhanced output is shown first.")
    arm_order = models.JSONField(null=True, blank=True, editable=False, help_text=(
        "Blind order of a test with more than two arms: arm numbers (0 baseline, 1 enhanced, 2… variants) "
        "in the order raters see them; null for two arms (enhanced_first says it)."))
    input_image = models.CharField(max_length=255, blank=True, help_text=(
        "Stored input image both arms start from (image-to-image on SDXL, image-to-video on WAN)."))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "prompt_ab_test_pairs"
        ordering = ("ab_test", "position")
        verbose_name = "A/B test pair"
        constraints = [
            models.UniqueConstraint("ab_test", "position", name="prompt_ab_test_pairs_unique_position"),
        ]

    def __str__(self):
        return f"{self.ab_test} #{self.position}"


class ABTestArmJob(models.Model):
    """The job of arm ``arm`` (2 onwards: a test's ``variants``) for one pair (``prompt_ab_test_arm_jobs``)."""

    pair = models.ForeignKey(ABTestPair, on_delete=models.CASCADE, related_name="arm_jobs")
    arm = models.PositiveSmallIntegerField(help_text="2 for the test's first variant, 3 for the next, …")
    job = models.OneToOneField("generations.Job", null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="ab_arm_job")

    class Meta:
        db_table = "prompt_ab_test_arm_jobs"
        ordering = ("pair", "arm")
        verbose_name = "A/B test variant job"
        constraints = [
            models.UniqueConstraint("pair", "arm", name="prompt_ab_test_arm_jobs_unique_arm"),
            models.CheckConstraint(condition=Q(arm__gte=2), name="prompt_ab_test_arm_jobs_arm_range",
                                   violation_error_message="Variant arms are numbered from 2."),
        ]

    def __str__(self):
        return f"{self.pair} arm {self.arm}"


class ABTestOutcome(models.Model):
    """A per-test rollup: one row per pair and arm with the four figures of its job that the results read
    (``prompt_ab_test_outcomes``).

    Kept current by ``analytics.abtests.outcomes`` when a test's job ends or is rated, rebuilt from the jobs
    when a test starts and by the scheduler for running tests; ``ab_test_results`` reads these rows (one
    range of one index) instead of looking up every pair's jobs.
    """

    ab_test = models.ForeignKey(PromptABTest, on_delete=models.CASCADE, related_name="+", db_index=False)
    arm = models.PositiveSmallIntegerField(help_text="0 baseline, 1 enhanced, 2… variants.")
    position = models.PositiveIntegerField()
    job = models.OneToOneField("generations.Job", null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+")
    quality_rating = models.PositiveSmallIntegerField(null=True, blank=True)
    status = models.CharField(max_length=20, blank=True)
    inference_time_ms = models.PositiveIntegerField(null=True, blank=True)
    clip_score = models.FloatField(null=True, blank=True)

    class Meta:
        db_table = "prompt_ab_test_outcomes"
        ordering = ("ab_test", "arm", "position")
        verbose_name = "A/B test outcome"
        constraints = [
            models.UniqueConstraint("ab_test", "arm", "position", name="prompt_ab_test_outcomes_unique"),
        ]

    def __str__(self):
        return f"{self.ab_test_id} arm {self.arm} #{self.position}"
