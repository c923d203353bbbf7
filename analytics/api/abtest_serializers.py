"""Shapes of the A/B test endpoints: tests with their arms and results, the plan, and the blind pairs.

The blind shapes (``BlindPairSerializer``, ``BlindRatingSerializer``) name
outputs only by label A/B: no arm, strategy, configuration, enhanced prompt,
job id or file name.
"""

from decimal import Decimal

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from analytics.abtests.arms import MAX_ARMS
from analytics.abtests.selectors import LABELS
from analytics.abtests.services import MAX_PAIRS
from analytics.models import PromptABTest
from generations.api.serializers import RatingValueField, UpperChoiceField
from generations.models.jobs import MAX_PROMPT_CHARS
from ourvidz_admin.api.serializers import StrictSerializer
from ourvidz_admin.choices import EnhancementStrategy, ModelType

STATUS_HELP = "draft, running, complete or cancelled."


# The same choice sets are the components ModelEnum and StrategyEnum of the jobs API; refer to them
# instead of naming them a second time.
@extend_schema_field({"$ref": "#/components/schemas/ModelEnum"})
class ModelTypeField(UpperChoiceField):
    """SDXL or WAN, matched case-insensitively."""


@extend_schema_field({"$ref": "#/components/schemas/StrategyEnum"})
class StrategyField(serializers.ChoiceField):
    """An enhancement strategy."""


class ArmSerializer(StrictSerializer):
    """One arm: any mix of the four settings; unset ones run as the job defaults."""

    prompt_version = serializers.UUIDField(required=False, allow_null=True)
    enhancement_strategy = StrategyField(choices=EnhancementStrategy.values, required=False,
                                         default=EnhancementStrategy.NONE)
    compel_config = serializers.UUIDField(required=False, allow_null=True,
                                          help_text="A Compel configuration; compel and hybrid only.")
    model_config = serializers.UUIDField(required=False, allow_null=True,
                                         help_text="An enhanced model configuration of the test's model type.")


class VariantSerializer(ArmSerializer):
    """A further arm, compared with the baseline like the enhanced arm."""

    name = serializers.CharField(max_length=40, required=False, allow_blank=True, default="",
                                 help_text="Shown on the results (never to raters); 'variant N' when blank.")


class PlanSerializer(StrictSerializer):
    """The power calculation's inputs (stars, probabilities)."""

    target_lift = serializers.DecimalField(max_digits=3, decimal_places=2, default=Decimal("0.50"),
                                           help_text="Smallest lift in mean rating worth detecting (stars).")
    alpha = serializers.DecimalField(max_digits=4, decimal_places=3, default=Decimal("0.050"),
                                     help_text="Significance level.")
    power = serializers.DecimalField(max_digits=3, decimal_places=2, default=Decimal("0.80"))
    sd_difference = serializers.DecimalField(max_digits=3, decimal_places=2, default=Decimal("1.00"),
                                             help_text="Expected sd of the paired differences (stars).")
    comparisons = serializers.IntegerField(
        min_value=1, max_value=MAX_ARMS - 1, default=1, write_only=True,
        help_text="Arms compared with the baseline (1 + variants); the plan runs at alpha / comparisons.")


class PlanResultSerializer(serializers.Serializer):
    target_lift = serializers.DecimalField(max_digits=3, decimal_places=2)
    alpha = serializers.DecimalField(max_digits=4, decimal_places=3)
    power = serializers.DecimalField(max_digits=3, decimal_places=2)
    sd_difference = serializers.DecimalField(max_digits=3, decimal_places=2)
    effect_size = serializers.FloatField(help_text="target_lift / sd_difference.")
    planned_pairs = serializers.IntegerField(help_text="Prompts (pairs) needed; each runs on both arms.")


class ABTestCreateSerializer(PlanSerializer):
    """A new test: a baseline, an enhanced arm and optional variants, a series, the prompts and the power inputs."""

    comparisons = None  # follows from the variants

    test_name = serializers.CharField(max_length=100)
    test_series = serializers.CharField(max_length=100)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    model_type = ModelTypeField(choices=ModelType.values)
    baseline = ArmSerializer()
    enhanced = ArmSerializer()
    variants = VariantSerializer(many=True, required=False, default=list, max_length=MAX_ARMS - 2, help_text=(
        f"Up to {MAX_ARMS - 2} further arms, each paired with the baseline on the same prompts and seeds."))
    prompts = serializers.ListField(
        child=serializers.CharField(max_length=MAX_PROMPT_CHARS), allow_empty=False, max_length=MAX_PAIRS,
        help_text="Cycled (each repeat with its own seed) when fewer than the planned pairs.",
    )
    input_output_id = serializers.UUIDField(required=False, allow_null=True, default=None, help_text=(
        "An existing output image every pair's two jobs start from (image-to-image / image-to-video)."))
    guardrails = serializers.DictField(
        child=serializers.JSONField(), required=False, default=dict,
        help_text='Limits the enhanced arm must not cross: {"success_rate_drop": points, "time_increase_pct": %, '
                  '"clip_score_drop": CLIP points}.')


class ArmFiguresSerializer(serializers.Serializer):
    rated = serializers.IntegerField()
    mean = serializers.FloatField(allow_null=True)
    ci_low = serializers.FloatField(allow_null=True, help_text="95% Student-t interval.")
    ci_high = serializers.FloatField(allow_null=True)
    completed = serializers.IntegerField()
    failed = serializers.IntegerField()
    success_rate = serializers.FloatField(allow_null=True, help_text="completed / (completed + failed).")
    clip_scored = serializers.IntegerField(required=False, help_text="Jobs with a CLIP score.")
    mean_clip_score = serializers.FloatField(allow_null=True, required=False, help_text="Mean CLIP score (0-100).")


class ClipFiguresSerializer(serializers.Serializer):
    """The CLIP score as an A/B metric: the paired difference against the baseline where both are scored."""

    clip_pairs = serializers.IntegerField(allow_null=True, required=False,
                                          help_text="Pairs with both outputs CLIP-scored.")
    clip_difference = serializers.FloatField(allow_null=True, required=False,
                                             help_text="Mean paired CLIP score difference (arm − baseline, 0-100).")
    clip_low = serializers.FloatField(allow_null=True, required=False, help_text="Paired t 95% interval, low end.")
    clip_high = serializers.FloatField(allow_null=True, required=False)
    clip_p = serializers.FloatField(allow_null=True, required=False, help_text="Paired t-test p-value.")


class VariantResultsSerializer(ClipFiguresSerializer):
    """One arm against the baseline, on the pairs where both are rated."""

    arm = serializers.IntegerField(help_text="1 for the enhanced arm, 2… for the variants.")
    name = serializers.CharField()
    figures = ArmFiguresSerializer(help_text="This arm's own ratings and outcomes.")
    rated_pairs = serializers.IntegerField(help_text="Pairs with this arm and the baseline both rated.")
    difference = serializers.FloatField(allow_null=True, required=False)
    difference_low = serializers.FloatField(allow_null=True, required=False)
    difference_high = serializers.FloatField(allow_null=True, required=False)
    welch_t = serializers.FloatField(allow_null=True, required=False)
    welch_p = serializers.FloatField(allow_null=True, required=False)
    paired_difference = serializers.FloatField(allow_null=True, required=False)
    paired_low = serializers.FloatField(allow_null=True, required=False)
    paired_high = serializers.FloatField(allow_null=True, required=False)
    paired_t = serializers.FloatField(allow_null=True, required=False)
    paired_p = serializers.FloatField(allow_null=True, required=False)
    paired_p_holm = serializers.FloatField(allow_null=True, required=False,
                                           help_text="paired_p adjusted by Holm over the arms compared.")
    wilcoxon_statistic = serializers.FloatField(allow_null=True, required=False)
    wilcoxon_p = serializers.FloatField(allow_null=True, required=False)
    wilcoxon_p_holm = serializers.FloatField(allow_null=True, required=False)
    probability_improvement_paired = serializers.FloatField(allow_null=True, required=False)
    probability_enhanced_better = serializers.FloatField(allow_null=True, required=False)
    observed_sd_difference = serializers.FloatField(allow_null=True, required=False)
    sequential_low = serializers.FloatField(allow_null=True, required=False, help_text=(
        "Always-valid interval at alpha / (arms compared), so stopping stays valid for the family."))
    sequential_high = serializers.FloatField(allow_null=True, required=False)
    can_stop = serializers.CharField(required=False, help_text="'enhanced better'/'enhanced worse' for this arm.")
    success_difference = serializers.FloatField(allow_null=True, required=False)
    success_z = serializers.FloatField(allow_null=True, required=False)
    success_p = serializers.FloatField(allow_null=True, required=False)
    guardrails = serializers.ListField(child=serializers.DictField(), required=False)
    guardrail_breached = serializers.BooleanField(required=False)


class ResultsSerializer(ClipFiguresSerializer):
    """``ab_test_results``: None where a figure is undefined (see ``message``)."""

    pairs = serializers.IntegerField()
    planned_pairs = serializers.IntegerField()
    rated_pairs = serializers.IntegerField(help_text="Pairs with both outputs rated.")
    complete = serializers.BooleanField()
    enough_ratings = serializers.BooleanField()
    message = serializers.CharField(help_text="'not enough ratings: ...' when an arm has fewer than 2.")
    baseline = ArmFiguresSerializer()
    enhanced = ArmFiguresSerializer()
    difference = serializers.FloatField(allow_null=True, help_text="Mean enhanced - mean baseline (stars).")
    difference_low = serializers.FloatField(allow_null=True)
    difference_high = serializers.FloatField(allow_null=True)
    welch_t = serializers.FloatField(allow_null=True)
    welch_p = serializers.FloatField(allow_null=True)
    paired_difference = serializers.FloatField(
        allow_null=True, help_text="Mean of enhanced - baseline over the fully rated pairs (same prompt and seed).")
    paired_low = serializers.FloatField(allow_null=True, help_text="Paired t 95% interval, low end.")
    paired_high = serializers.FloatField(allow_null=True, help_text="Paired t 95% interval, high end.")
    paired_t = serializers.FloatField(allow_null=True)
    paired_p = serializers.FloatField(allow_null=True, help_text="Two-sided paired t-test p-value.")
    probability_improvement_paired = serializers.FloatField(
        allow_null=True, help_text="P(mean paired difference > 0), Student-t posterior from the pairs.")
    sequential_low = serializers.FloatField(
        allow_null=True, help_text="Always-valid 95% confidence sequence for the paired difference, low end "
                                   "(from 5 rated pairs; valid at every look).")
    sequential_high = serializers.FloatField(allow_null=True)
    can_stop = serializers.CharField(
        help_text="'enhanced better' or 'enhanced worse' once the sequence excludes 0; empty until then.")
    wilcoxon_statistic = serializers.FloatField(allow_null=True)
    wilcoxon_p = serializers.FloatField(allow_null=True)
    observed_sd_difference = serializers.FloatField(
        allow_null=True, help_text="Sample sd of the rated pairs' differences: sd_difference for the next plan.")
    probability_enhanced_better = serializers.FloatField(allow_null=True)
    success_difference = serializers.FloatField(allow_null=True)
    success_z = serializers.FloatField(allow_null=True)
    success_p = serializers.FloatField(allow_null=True)
    guardrails = serializers.ListField(child=serializers.DictField(), required=False, help_text=(
        "Per guardrail: metric, label, limit, value (null until measured) and breached."))
    guardrail_breached = serializers.BooleanField(required=False)
    confidence_level = serializers.FloatField(
        allow_null=True, help_text="P(enhanced better): probability_improvement_paired when two pairs are rated, "
                                   "else probability_enhanced_better.")
    warnings = serializers.ListField(child=serializers.CharField())
    variants = VariantResultsSerializer(many=True, required=False, help_text=(
        "Every arm against the baseline (the enhanced arm first), with Holm-adjusted p-values across them."))


class ABTestListSerializer(serializers.ModelSerializer):
    """A test as lists show it: no arms, no results."""

    status = serializers.CharField(read_only=True, help_text=STATUS_HELP)
    model_type = serializers.CharField(read_only=True, help_text="SDXL or WAN.")

    class Meta:
        model = PromptABTest
        fields = ("id", "test_name", "test_series", "model_type", "status", "planned_pairs", "total_participants",
                  "baseline_avg_quality", "enhanced_avg_quality", "quality_improvement", "confidence_level",
                  "is_complete", "created_at", "started_at", "completed_at")
        read_only_fields = fields


class ABTestDetailSerializer(ABTestListSerializer):
    """A test with its arms, power inputs and the results as its jobs stand now."""

    baseline_config = serializers.JSONField(read_only=True, help_text="The baseline arm (all four settings).")
    enhanced_config = serializers.JSONField(read_only=True, help_text="The enhanced arm (all four settings).")
    results = ResultsSerializer(read_only=True, source="live_results")
    variants = serializers.JSONField(read_only=True, help_text="Further arms: name and the four settings each.")
    guardrails = serializers.JSONField(read_only=True, help_text="The test's guardrails: {metric: limit}.")

    class Meta(ABTestListSerializer.Meta):
        fields = ABTestListSerializer.Meta.fields + (
            "description", "baseline_config", "enhanced_config", "variants", "target_lift", "alpha", "power",
            "sd_difference", "guardrails", "guardrail_breached", "results", "results_computed_at", "created_by_id",
        )
        read_only_fields = fields


class BlindOutputSerializer(serializers.Serializer):
    label = serializers.CharField(help_text="A (shown first), B, … one per arm, in the pair's blind order.")
    state = serializers.CharField(help_text="The job's status, or not_started.")
    ready = serializers.BooleanField(help_text="Completed with an output: can be rated.")
    is_video = serializers.BooleanField()
    rating = serializers.IntegerField(allow_null=True)
    media_url = serializers.SerializerMethodField()

    def get_media_url(self, side) -> str | None:
        """The output's bytes, served by label (never the stored file's address)."""
        if not side.ready:
            return None
        pair = self.context["pair"]
        path = reverse("api:ab-test-pair-media", args=(self.context["test_id"], pair.id, side.label))
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path


class BlindPairSerializer(serializers.Serializer):
    """A pair as raters see it: the original prompt and outputs A, B (C, … with more arms)."""

    id = serializers.UUIDField()
    position = serializers.IntegerField()
    prompt = serializers.CharField(help_text="The prompt as typed for the test (never the enhanced one).")
    rated = serializers.BooleanField(help_text="Every output rated.")
    outputs = serializers.SerializerMethodField()

    def get_outputs(self, pair) -> BlindOutputSerializer(many=True):
        return BlindOutputSerializer(pair.sides, many=True, context={**self.context, "pair": pair}).data


class BlindRatingSerializer(StrictSerializer):
    """``{"label": "A", "rating": 4}``: rate one output of a pair by its blind label."""

    label = UpperChoiceField(choices=list(LABELS))
    rating = RatingValueField()
