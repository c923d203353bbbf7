"""Analytics vocabulary."""

from django.db import models


class PeriodType(models.TextChoices):
    HOURLY = "hourly", "Hourly"
    DAILY = "daily", "Daily"


class TrackerOutcome(models.TextChoices):
    SUCCESS = "success", "Successful"
    FAILED = "failed", "Failed"


class SaveMethod(models.TextChoices):
    """How a successful result was kept (document 003)."""

    AUTO = "auto", "Auto"
    MANUAL = "manual", "Manual"
    USER_SAVE = "user_save", "User save"


class ProgressStatus(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    COMPLETED = "completed", "Completed"
    BLOCKED = "blocked", "Blocked"


class Priority(models.TextChoices):
    P0 = "P0", "P0 - Critical"
    P1 = "P1", "P1 - High"
    P2 = "P2", "P2 - Normal"
