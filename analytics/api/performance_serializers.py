"""Request and response shapes of the prompt performance and alert endpoints."""

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers

from analytics.choices import AlertStatus, Severity
from analytics.models import Alert, AlertRule
from analytics.prompt_performance import DEFAULT_MIN_USES, MAX_LIMIT, ORDERINGS
from analytics.prompt_windows import MAX_HOURS, period_window


def _decimal(help_text: str = "", places: int = 2) -> serializers.DecimalField:
    return serializers.DecimalField(max_digits=16, decimal_places=places, allow_null=True, help_text=help_text)


class PeriodQuerySerializer(serializers.Serializer):
    """``period`` validates to the ``(name, Window)`` pair of ``period_window``: parsed once per request."""

    period = serializers.CharField(
        required=False, default="week", max_length=10,
        help_text=f"day (24 h), week (168 h), month (720 h) or a number of hours such as 36h (1h to {MAX_HOURS}h); "
                  "the window ends now.",
    )

    def validate_period(self, value):
        try:
            return period_window(value)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.message_dict["period"]) from None


class TopQuerySerializer(PeriodQuerySerializer):
    limit = serializers.IntegerField(required=False, default=10, min_value=1, max_value=MAX_LIMIT)
    order_by = serializers.ChoiceField(choices=ORDERINGS, required=False, default="rating",
                                       help_text="rating (default), success_rate, usage, response_time or cost.")
    min_uses = serializers.IntegerField(required=False, default=DEFAULT_MIN_USES, min_value=0, max_value=10**9,
                                        help_text="Leave out prompts with fewer uses in the period.")


class _PeriodFields(serializers.Serializer):
    period = serializers.CharField()
    hours = serializers.IntegerField()
    start = serializers.DateTimeField(help_text="Window start (inclusive).")
    end = serializers.DateTimeField(help_text="Window end (exclusive): the time of the request.")


class _Figures(serializers.Serializer):
    usage_count = serializers.IntegerField(help_text="prompt_usage rows in the window.")
    successes = serializers.IntegerField()
    success_rate = _decimal("successes × 100 / uses; null without uses.")
    error_rate = _decimal("100 − success_rate.")
    mean_rating = _decimal("Σ rating / rated uses (1-5).")
    rating_count = serializers.IntegerField()
    mean_response_time_ms = serializers.IntegerField(allow_null=True, help_text="Σ response_time_ms / timed uses.")
    tokens_used = serializers.IntegerField()
    cost = _decimal("USD.", places=6)


class PromptPerformanceSummarySerializer(_PeriodFields, _Figures):
    prompt_id = serializers.UUIDField()
    name = serializers.CharField()
    display_name = serializers.CharField()
    status = serializers.CharField()


class TopPromptSerializer(PromptPerformanceSummarySerializer):
    rank = serializers.IntegerField()


class _SeverityCounts(serializers.Serializer):
    high = serializers.IntegerField()
    medium = serializers.IntegerField()
    low = serializers.IntegerField()
    total = serializers.IntegerField()


class _AlertCounts(serializers.Serializer):
    open = _SeverityCounts()
    acknowledged = serializers.IntegerField()


class DashboardMetricsSerializer(_PeriodFields, _Figures):
    total_prompts = serializers.IntegerField()
    active_prompts = serializers.IntegerField()
    prompts_used = serializers.IntegerField(help_text="Prompts with at least one use in the period.")
    total_usage = serializers.IntegerField()
    alerts = _AlertCounts()


class PerformanceAlertSerializer(serializers.Serializer):
    rule_id = serializers.UUIDField()
    rule = serializers.CharField()
    metric = serializers.CharField()
    comparison = serializers.CharField()
    severity = serializers.CharField(help_text="high, medium or low.")
    subject_type = serializers.CharField(help_text="prompt or strategy.")
    subject_key = serializers.CharField()
    subject_label = serializers.CharField()
    value = _decimal()
    threshold = _decimal()
    samples = serializers.IntegerField()
    message = serializers.CharField()
    recommendation = serializers.CharField()
    period = serializers.CharField()


class AlertSerializer(serializers.ModelSerializer):
    rule_name = serializers.CharField(source="rule.name", read_only=True)
    metric = serializers.CharField(source="rule.metric", read_only=True)
    severity = serializers.CharField(read_only=True, help_text=", ".join(Severity.values) + ".")
    status = serializers.CharField(read_only=True, help_text=", ".join(AlertStatus.values) + ".")
    acknowledged_by = serializers.CharField(source="acknowledged_by.username", read_only=True, allow_null=True)
    resolved_by = serializers.CharField(source="resolved_by.username", read_only=True, allow_null=True,
                                        help_text="null when the evaluation resolved it.")

    class Meta:
        model = Alert
        fields = ("id", "rule", "rule_name", "metric", "subject_type", "subject_key", "subject_label", "severity",
                  "value", "threshold", "message", "recommendation", "status", "first_seen_at", "last_seen_at",
                  "acknowledged_at", "acknowledged_by", "resolved_at", "resolved_by", "notified_at")
        read_only_fields = fields


class AlertRuleSerializer(serializers.ModelSerializer):
    """Thresholds and switches are writable; what a rule measures (name, metric, comparison) is not."""

    metric = serializers.CharField(read_only=True)
    comparison = serializers.CharField(read_only=True)
    severity = serializers.ChoiceField(choices=Severity.choices, required=False)

    class Meta:
        model = AlertRule
        fields = ("id", "name", "metric", "comparison", "threshold", "window_hours", "baseline_hours", "min_samples",
                  "severity", "recommendation", "is_enabled", "notify_webhook", "updated_at")
        read_only_fields = ("id", "name", "updated_at")
        extra_kwargs = {"window_hours": {"min_value": 1, "max_value": MAX_HOURS},
                        "baseline_hours": {"min_value": 2, "max_value": MAX_HOURS},
                        "min_samples": {"max_value": 10**6}}
