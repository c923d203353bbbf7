"""One rating per rater: every reviewer's stars, notes and failure reason for a job, kept side by side.

The job's ``quality_rating`` is kept by ``generations.services.job_rate`` as the mean of these stars rounded
to whole stars (half up), with the exact mean in ``rating_mean`` and the number of raters in
``rating_count``; nobody overwrites anyone else's opinion.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from ourvidz_admin.choices import FailureReason, RatingLabel
from ourvidz_admin.db import UUIDModel, between


class JobRating(UUIDModel):
    job = models.ForeignKey("generations.Job", on_delete=models.CASCADE, related_name="rater_ratings")
    rater = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="job_ratings", help_text="Empty for ratings imported without a rater.")
    stars = models.PositiveSmallIntegerField(choices=RatingLabel.choices, null=True, blank=True)
    notes = models.TextField(blank=True)
    failure_reason = models.CharField(max_length=40, choices=FailureReason.choices, blank=True)
    rated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "job_ratings"
        ordering = ("-rated_at",)
        indexes = [models.Index("rater", F("rated_at").desc(), name="job_ratings_rater_idx")]
        constraints = [
            between("stars", 1, 5, "job_ratings_stars_1_5"),
            models.UniqueConstraint("job", "rater", name="job_ratings_one_per_rater",
                                    condition=Q(rater__isnull=False)),
        ]

    def __str__(self):
        return f"{self.rater or 'unknown rater'}: {self.stars or '—'}★"


class RatingQueue(UUIDModel):
    """Items (jobs) handed to raters, a share of them to two (overlap): a test series' completed jobs, or
    any set of jobs the caller gives (an A/B test's two arms, from the analytics side).

    The items are fixed when the queue is made; ``RatingAssignment`` rows say who rates what, so "next
    item for me" is one indexed query.
    """

    name = models.CharField(max_length=100, unique=True)
    test_series = models.CharField(max_length=100, blank=True)
    source = models.CharField(max_length=200, help_text="What the items are, e.g. 'series portraits'.")
    overlap = models.DecimalField(max_digits=3, decimal_places=2, default=0,
                                  help_text="Share of the items rated by two raters (0-1), for agreement.")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "rating_queues"
        ordering = ("-created_at",)
        constraints = [between("overlap", 0, 1, "rating_queues_overlap_0_1", nullable=False)]

    def __str__(self):
        return self.name


class RatingAssignment(UUIDModel):
    queue = models.ForeignKey(RatingQueue, on_delete=models.CASCADE, related_name="assignments")
    job = models.ForeignKey("generations.Job", on_delete=models.CASCADE, related_name="+")
    rater = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta:
        db_table = "rating_assignments"
        constraints = [models.UniqueConstraint("queue", "rater", "job", name="rating_assignments_unique")]
