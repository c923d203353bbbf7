"""Response shapes of the analytics endpoints."""

from rest_framework import serializers

from ourvidz_admin.choices import RatingLabel


class RatingDistributionSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    rated = serializers.IntegerField()
    unrated = serializers.IntegerField()
    avg_rating_score = serializers.FloatField(allow_null=True, help_text="AVG(stars - 1): the rating on a 0-4 scale.")
    by_stars = serializers.DictField(child=serializers.IntegerField(), help_text="Keys '1'..'5'.")
    by_label = serializers.DictField(child=serializers.IntegerField(),
                                     help_text="Keys " + ", ".join(RatingLabel.names) + ".")


class PromptPerformanceSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    name = serializers.CharField()
    prompt_preview = serializers.CharField()
    generation_count = serializers.IntegerField()
    avg_rating_score = serializers.FloatField(allow_null=True)
    excellent_count = serializers.IntegerField()
    poor_count = serializers.IntegerField()


class RaterAgreementSerializer(serializers.Serializer):
    rater = serializers.CharField(help_text="Username.")
    items = serializers.IntegerField(help_text="Outputs this rater and at least one other rated.")
    mean_difference = serializers.FloatField(
        allow_null=True, help_text="Mean of (this rater's stars − the others' mean) on those outputs.")


class AgreementSerializer(serializers.Serializer):
    """Krippendorff's α (ordinal) of the per-output ratings, with a bootstrap 95% interval."""

    alpha = serializers.FloatField(allow_null=True, help_text="Null with fewer than 2 shared outputs or one value.")
    alpha_low = serializers.FloatField(allow_null=True)
    alpha_high = serializers.FloatField(allow_null=True)
    items = serializers.IntegerField(help_text="Outputs rated by two raters or more.")
    raters = serializers.IntegerField()
    ratings = serializers.IntegerField(help_text="Ratings on those outputs.")
    criterion = serializers.CharField()
    test_series = serializers.CharField(allow_null=True)
    ab_test = serializers.UUIDField(allow_null=True)
    per_rater = RaterAgreementSerializer(many=True)


class ClipCorrelationSerializer(serializers.Serializer):
    """Spearman's ρ between the jobs' CLIP scores and their raters' mean stars."""

    rho = serializers.FloatField(allow_null=True, help_text="Null with fewer than 3 jobs or a constant side.")
    p_value = serializers.FloatField(allow_null=True, help_text="Two-sided, from scipy.stats.spearmanr.")
    n = serializers.IntegerField(help_text="Jobs with both a CLIP score and stars.")
    test_series = serializers.CharField(allow_null=True)
    ab_test = serializers.UUIDField(allow_null=True)


class RatingQueueCreateSerializer(serializers.Serializer):
    """A rating queue over a test series or an A/B test (both arms)."""

    name = serializers.CharField(max_length=100)
    test_series = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    ab_test = serializers.UUIDField(required=False, allow_null=True, default=None)
    raters = serializers.ListField(child=serializers.CharField(max_length=150), allow_empty=False,
                                   help_text="Usernames of staff raters.")
    overlap = serializers.DecimalField(max_digits=3, decimal_places=2, required=False, default=0,
                                       help_text="Share of the items rated by two raters (0-1).")


class RatingQueueSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    name = serializers.CharField()
    source = serializers.CharField()
    overlap = serializers.FloatField()
    progress = serializers.ListField(child=serializers.DictField(), help_text="Per rater: assigned, rated, left.")
