"""Input and output images (and videos) of a job, and per-output ratings by criterion (document 001)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from ourvidz_admin.choices import RatingCriterion, RatingLabel
from ourvidz_admin.db import UUIDModel, between, one_of


class ImageAsset(UUIDModel):
    """A file attached to a job (subclasses add the ``job`` key): in our storage, or an external ``url``."""

    url = models.TextField(blank=True, help_text="External URL; empty when the file is in our storage.")
    file = models.FileField(upload_to="jobs/%Y/%m/%d/", max_length=300, blank=True)
    order_index = models.PositiveSmallIntegerField(default=0)
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    file_size_bytes = models.BigIntegerField(null=True, blank=True)
    mime_type = models.CharField(max_length=50, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True
        ordering = ("job", "order_index")

    def __str__(self):
        return self.location

    @property
    def location(self) -> str:
        """The URL a browser can load: our storage's URL for the file, else the external URL."""
        return self.file.url if self.file else self.url


def _has_location(table: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=~Q(url="") | ~Q(file=""), name=f"{table}_has_location",
        violation_error_message="Give either a file or a URL.",
    )


class GenerationImageInput(ImageAsset):
    """A reference image for image-to-image or image-to-video (document 001 ``generation_image_input``)."""

    job = models.ForeignKey(
        "generations.Job", on_delete=models.CASCADE, related_name="inputs", db_column="generation_id"
    )

    class Meta(ImageAsset.Meta):
        db_table = "generation_image_input"
        constraints = [
            _has_location("generation_image_input"),
            models.UniqueConstraint("job", "order_index", name="generation_image_input_unique_order"),
        ]


class GenerationImageOutput(ImageAsset):
    """A produced image or video (document 001 ``generation_image_output``).

    ``(job, order_index)`` is unique so that a redelivered job replaces its
    outputs instead of adding duplicates.
    """

    job = models.ForeignKey(
        "generations.Job", on_delete=models.CASCADE, related_name="outputs", db_column="generation_id"
    )
    thumbnail = models.FileField(upload_to="thumbs/%Y/%m/%d/", max_length=300, blank=True)
    thumbnail_url = models.TextField(blank=True)
    frame_count = models.PositiveIntegerField(null=True, blank=True, help_text="Videos only.")
    duration_ms = models.PositiveIntegerField(null=True, blank=True, help_text="Videos only.")
    clip_score = models.FloatField(
        null=True, blank=True, editable=False,
        help_text="CLIP score (0-100) against the job's original prompt; a video's is the mean over up to 8 "
                  "evenly spaced frames.")

    class Meta(ImageAsset.Meta):
        db_table = "generation_image_output"
        constraints = [
            _has_location("generation_image_output"),
            models.UniqueConstraint("job", "order_index", name="generation_image_output_unique_order"),
            between("clip_score", 0, 100, "generation_image_output_clip_score_range"),
        ]

    @property
    def is_video(self) -> bool:
        return self.mime_type.startswith("video/")

    @property
    def thumbnail_location(self) -> str:
        return self.thumbnail.url if self.thumbnail else self.thumbnail_url


class GenerationImageRating(UUIDModel):
    """One reviewer's rating of one output on one criterion (document 001 ``generation_image_rating``)."""

    output = models.ForeignKey(
        GenerationImageOutput, on_delete=models.CASCADE, related_name="ratings",
        db_column="generation_image_output_id",
    )
    rating = models.PositiveSmallIntegerField(choices=RatingLabel.choices)
    criteria = models.CharField(max_length=50, choices=RatingCriterion.choices, default=RatingCriterion.OVERALL)
    notes = models.TextField(blank=True)
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="image_ratings"
    )
    rated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "generation_image_rating"
        ordering = ("-rated_at",)
        constraints = [
            between("rating", 1, 5, "generation_image_rating_rating_1_5", nullable=False),
            one_of("criteria", RatingCriterion, "generation_image_rating_criteria_valid"),
            models.UniqueConstraint(
                "output", "criteria", "rated_by", name="generation_image_rating_one_per_rater",
            ),
        ]

    def __str__(self):
        return f"{self.get_criteria_display()}: {self.rating}★"
