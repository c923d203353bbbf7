"""The job vocabulary shared by every app: models, statuses, strategies, failure reasons, ratings."""

from django.db import models


class ModelType(models.TextChoices):
    SDXL = "SDXL", "SDXL"
    WAN = "WAN", "WAN"


class JobType(models.TextChoices):
    TEXT_TO_IMAGE = "text_to_image", "Text to image"
    IMAGE_TO_IMAGE = "image_to_image", "Image to image"
    TEXT_TO_VIDEO = "text_to_video", "Text to video"
    IMAGE_TO_VIDEO = "image_to_video", "Image to video"


JOB_TYPES_BY_MODEL = {
    ModelType.SDXL: (JobType.TEXT_TO_IMAGE, JobType.IMAGE_TO_IMAGE),
    ModelType.WAN: (JobType.TEXT_TO_VIDEO, JobType.IMAGE_TO_VIDEO),
}


class JobStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    PROCESSING = "processing", "Processing"
    COMPLETED = "completed", "Completed"
    FAILED = "failed", "Failed"
    CANCELLED = "cancelled", "Cancelled"


TERMINAL_STATUSES = (JobStatus.COMPLETED, JobStatus.FAILED, JobStatus.CANCELLED)
ACTIVE_STATUSES = (JobStatus.QUEUED, JobStatus.PROCESSING)
RETRYABLE_STATUSES = (JobStatus.FAILED, JobStatus.CANCELLED)


class EnhancementStrategy(models.TextChoices):
    NONE = "none", "No Enhancement"
    QWEN = "qwen", "Qwen Only"
    COMPEL = "compel", "Compel Only"
    HYBRID = "hybrid", "Hybrid (Both)"


ENHANCED_STRATEGIES = (EnhancementStrategy.QWEN, EnhancementStrategy.COMPEL, EnhancementStrategy.HYBRID)


class FailureReason(models.TextChoices):
    """The ten failure categories (prompt tracker, document 003), chosen from what really fails."""

    INVALID_PARAMETERS = "invalid_parameters", "Invalid parameters"
    PROMPT_TOO_LONG = "prompt_too_long", "Prompt too long"
    MALFORMED_PROMPT = "malformed_prompt", "Malformed prompt syntax"
    CONTENT_FILTER = "content_filter", "Content filter"
    OUT_OF_MEMORY = "out_of_memory", "Out of memory"
    TIMEOUT = "timeout", "Timeout"
    MODEL_LOAD_ERROR = "model_load_error", "Model load error"
    WORKER_DIED = "worker_died", "Worker died"
    CANCELLED = "cancelled", "Cancelled"
    INTERNAL_ERROR = "internal_error", "Internal error"


class RatingLabel(models.IntegerChoices):
    """Stars 1-5, mapped one-to-one onto the generator admin's enum (document 001).

    The document scores FAILED..EXCELLENT as 0..4, so its ``avg_rating_score``
    is ``stars - 1``; see docs/schema.md.
    """

    FAILED = 1, "★ FAILED"
    POOR = 2, "★★ POOR"
    ACCEPTABLE = 3, "★★★ ACCEPTABLE"
    GOOD = 4, "★★★★ GOOD"
    EXCELLENT = 5, "★★★★★ EXCELLENT"

    @classmethod
    def from_label(cls, label: str) -> "RatingLabel":
        """Map 'GOOD' (any case) or '4' to its star value; ValueError otherwise."""
        text = str(label).strip().upper()
        if text.isdigit():
            return cls(int(text))
        try:
            return cls[text]
        except KeyError:
            names = ", ".join(cls.names)
            raise ValueError(f"Unknown rating {label!r}; use 1-5 or one of {names}.") from None


class RatingCriterion(models.TextChoices):
    OVERALL = "overall", "Overall"
    COMPOSITION = "composition", "Composition"
    COLOR = "color", "Color"
    ACCURACY = "accuracy", "Prompt accuracy"
    DETAIL = "detail", "Detail"
    ANATOMY = "anatomy", "Anatomy"
    MOTION = "motion", "Motion"
