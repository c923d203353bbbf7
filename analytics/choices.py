"""Analytics vocabulary."""

from django.db import models


class PeriodType(models.TextChoices):
    HOURLY = "hourly", "Hourly"
    DAILY = "daily", "Daily"


class ProgressStatus(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    COMPLETED = "completed", "Completed"
    BLOCKED = "blocked", "Blocked"


class Priority(models.TextChoices):
    P0 = "P0", "P0 - Critical"
    P1 = "P1", "P1 - High"
    P2 = "P2", "P2 - Normal"


class ABTestStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    RUNNING = "running", "Running"
    COMPLETE = "complete", "Complete"
    CANCELLED = "cancelled", "Cancelled"


class ABArm(models.TextChoices):
    BASELINE = "baseline", "Baseline"
    ENHANCED = "enhanced", "Enhanced"


class AlertMetric(models.TextChoices):
    """What an alert rule watches. Prompt metrics come from document 002; the last from the guide (§2.5)."""

    LOW_USAGE = "low_usage", "Uses in the period (per prompt)"
    SUCCESS_RATE = "success_rate", "Success rate % (per prompt)"
    MEAN_RATING = "mean_rating", "Mean rating, stars (per prompt)"
    RESPONSE_TIME = "response_time", "Mean response time, ms (per prompt)"
    ERROR_RATE = "error_rate", "Error rate % (per prompt)"
    ENHANCEMENT_SUCCESS_DROP = "enhancement_success_drop", "Enhancement success-rate drop, points (per strategy)"
    AB_GUARDRAIL = "ab_guardrail", "A/B test guardrails crossed (per running or complete test)"


class Comparison(models.TextChoices):
    BELOW = "below", "below"
    ABOVE = "above", "above"


class Severity(models.TextChoices):
    HIGH = "high", "High"
    MEDIUM = "medium", "Medium"
    LOW = "low", "Low"


class AlertStatus(models.TextChoices):
    OPEN = "open", "Open"
    ACKNOWLEDGED = "acknowledged", "Acknowledged"
    RESOLVED = "resolved", "Resolved"
