"""Vocabulary of the per-job telemetry (the prompt tracker's outcomes and save methods)."""

from django.db import models


class TrackerOutcome(models.TextChoices):
    SUCCESS = "success", "Successful"
    FAILED = "failed", "Failed"


class SaveMethod(models.TextChoices):
    """How a successful result was kept (document 003)."""

    AUTO = "auto", "Auto"
    MANUAL = "manual", "Manual"
    USER_SAVE = "user_save", "User save"
