"""Alert rules with editable thresholds and the alerts they raise (document 002 "Alert System")."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from analytics.choices import AlertMetric, AlertStatus, Comparison, Severity
from ourvidz_admin.db import UUIDModel, one_of

ACTIVE_ALERT = Q(status__in=(AlertStatus.OPEN, AlertStatus.ACKNOWLEDGED))


class AlertRule(UUIDModel):
    """A threshold on one metric over a window; evaluated on a schedule (``alert_rules``)."""

    name = models.CharField(max_length=100, unique=True)
    metric = models.CharField(max_length=40, choices=AlertMetric.choices)
    comparison = models.CharField(max_length=10, choices=Comparison.choices)
    threshold = models.DecimalField(max_digits=12, decimal_places=2)
    window_hours = models.PositiveIntegerField(default=168, help_text="The period the metric is computed over.")
    baseline_hours = models.PositiveIntegerField(
        null=True, blank=True, help_text="Drop rules only: the longer window the recent one is compared with."
    )
    min_samples = models.PositiveIntegerField(
        default=5, help_text="Rates and means are judged only with at least this many uses (not for low usage)."
    )
    severity = models.CharField(max_length=10, choices=Severity.choices, default=Severity.MEDIUM)
    recommendation = models.TextField(blank=True)
    is_enabled = models.BooleanField(default=True)
    notify_webhook = models.BooleanField(default=True, help_text="POST new alerts to ALERT_WEBHOOK_URL when set.")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "alert_rules"
        ordering = ("metric", "name")
        constraints = [
            one_of("metric", AlertMetric, "alert_rules_metric_valid"),
            one_of("comparison", Comparison, "alert_rules_comparison_valid"),
            one_of("severity", Severity, "alert_rules_severity_valid"),
            models.CheckConstraint(
                condition=Q(window_hours__gte=1), name="alert_rules_window_positive",
                violation_error_message="window_hours must be at least 1.",
            ),
            models.CheckConstraint(
                condition=Q(baseline_hours__isnull=True) | Q(baseline_hours__gt=F("window_hours")),
                name="alert_rules_baseline_longer",
                violation_error_message="baseline_hours must be longer than window_hours.",
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        """Thresholds must make sense for the metric (the admin's list editing and the API both land here)."""
        super().clean()
        errors = {}
        bounds = RULE_THRESHOLD_BOUNDS.get(self.metric)
        if bounds and self.threshold is not None and not bounds[0] <= self.threshold <= bounds[1]:
            errors["threshold"] = f"For {self.get_metric_display()} the threshold is {bounds[2]}."
        if self.metric == AlertMetric.LOW_USAGE and self.threshold is not None and self.threshold % 1:
            errors["threshold"] = "A number of uses is a whole number."
        drop = self.metric == AlertMetric.ENHANCEMENT_SUCCESS_DROP
        if drop and self.baseline_hours is None:
            errors["baseline_hours"] = "A drop rule compares with a longer baseline window: set baseline_hours."
        elif not drop and self.baseline_hours is not None:
            errors["baseline_hours"] = "Only drop rules use a baseline window; leave it empty."
        direction = RULE_DIRECTION.get(self.metric)
        if direction and self.comparison and self.comparison != direction:
            errors["comparison"] = f"{self.get_metric_display()} alerts when the value is {direction} the threshold."
        if self.window_hours and self.window_hours > 24 * 366:
            errors["window_hours"] = "At most 8784 hours (a year)."
        if errors:
            raise ValidationError(errors)


# Allowed thresholds per metric: (low, high, how the message says it).
RULE_THRESHOLD_BOUNDS = {
    AlertMetric.LOW_USAGE: (1, 10**9, "a whole number of uses, at least 1"),
    AlertMetric.SUCCESS_RATE: (0, 100, "a percentage from 0 to 100"),
    AlertMetric.ERROR_RATE: (0, 100, "a percentage from 0 to 100"),
    AlertMetric.MEAN_RATING: (1, 5, "a rating from 1 to 5 stars"),
    AlertMetric.RESPONSE_TIME: (1, 10**9, "a number of milliseconds, at least 1"),
    AlertMetric.ENHANCEMENT_SUCCESS_DROP: (0, 100, "a number of percentage points from 0 to 100"),
}
# Metrics whose meaning fixes the comparison: a low usage is below, a drop is above.
RULE_DIRECTION = {AlertMetric.LOW_USAGE: Comparison.BELOW, AlertMetric.ENHANCEMENT_SUCCESS_DROP: Comparison.ABOVE}


class Alert(UUIDModel):
    """One rule firing for one subject (a prompt or a strategy); at most one active per rule and subject."""

    rule = models.ForeignKey(AlertRule, on_delete=models.CASCADE, related_name="alerts", db_index=False)
    subject_type = models.CharField(max_length=20, help_text="prompt or strategy.")
    subject_key = models.CharField(max_length=100, help_text="Prompt id or strategy value.")
    subject_label = models.CharField(max_length=200)
    severity = models.CharField(max_length=10, choices=Severity.choices)
    value = models.DecimalField(max_digits=14, decimal_places=2)
    threshold = models.DecimalField(max_digits=12, decimal_places=2)
    message = models.TextField()
    recommendation = models.TextField(blank=True)
    status = models.CharField(max_length=20, choices=AlertStatus.choices, default=AlertStatus.OPEN)
    first_seen_at = models.DateTimeField(default=timezone.now)
    last_seen_at = models.DateTimeField(default=timezone.now)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        help_text="Empty when the evaluation resolved it because the metric recovered.",
    )
    notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "alerts"
        ordering = ("-last_seen_at",)
        indexes = [
            models.Index("status", F("last_seen_at").desc(), name="alerts_status_idx"),
            models.Index("rule", "subject_key", name="alerts_rule_subject_idx"),
        ]
        constraints = [
            one_of("severity", Severity, "alerts_severity_valid"),
            one_of("status", AlertStatus, "alerts_status_valid"),
            models.UniqueConstraint(
                "rule", "subject_key", condition=ACTIVE_ALERT, name="alerts_one_active_per_subject",
                violation_error_message="This rule already has an active alert for this subject.",
            ),
        ]

    def __str__(self):
        return f"{self.rule_id}: {self.subject_label}"
