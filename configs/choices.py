"""Model configuration vocabulary and the guide's parameter ranges (document 000, section 4)."""

from django.db import models


class Resolution(models.TextChoices):
    SQUARE = "1024x1024", "1024×1024"
    PORTRAIT = "832x1216", "832×1216"
    LANDSCAPE = "1216x832", "1216×832"


class QualityFocus(models.TextChoices):
    HIGH = "high", "High"
    MEDIUM = "medium", "Medium"
    LOW = "low", "Low"


# (low, high) inclusive; the database enforces the same ranges as CHECK constraints.
RANGES = {
    "inference_steps": (10, 50),
    "guidance_scale": (1.0, 20.0),
    "motion_bucket": (50, 200),
    "frame_count": (16, 120),
    "compel_quality_weight": (0.5, 2.0),
    "compel_detail_weight": (0.5, 2.0),
    "compel_style_weight": (0.5, 2.0),
    "compel_nsfw_weight": (0.0, 2.0),
    "qwen_max_time_ms": (5_000, 30_000),
    "qwen_expansion_target": (1_000, 5_000),
}

# Compel weight names as stored in JSON columns, mapped to their range key.
COMPEL_WEIGHT_RANGES = {
    "quality": RANGES["compel_quality_weight"],
    "detail": RANGES["compel_detail_weight"],
    "nsfw": RANGES["compel_nsfw_weight"],
    "style": RANGES["compel_style_weight"],
}
DEFAULT_COMPEL_WEIGHTS = {"quality": 1.2, "detail": 1.0, "nsfw": 0.8, "style": 1.1}
