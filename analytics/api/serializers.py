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
