"""The two analytics reads of document 001, each one aggregate query.

Stars are 1-5; the document scores FAILED..EXCELLENT as 0..4, so its
``avg_rating_score`` is ``AVG(stars - 1)`` over rated generations (unrated
ones are NULL and ignored by AVG, as the document's CASE leaves them NULL).
"""

from django.db.models import Avg, Count, F, FloatField, Q, QuerySet
from django.db.models.functions import Left

from generations.choices import RatingLabel
from generations.models import Job
from prompts.models import PromptVersion

STARS = tuple(label.value for label in RatingLabel)


def rating_distribution(*, jobs: QuerySet | None = None) -> dict:
    """Counts per star and per document-001 label, the unrated count and the 0-4 average score."""
    jobs = Job.objects.all() if jobs is None else jobs
    row = jobs.order_by().aggregate(
        total=Count("id"),
        unrated=Count("id", filter=Q(quality_rating__isnull=True)),
        avg_rating_score=Avg(F("quality_rating") - 1, output_field=FloatField()),
        **{f"stars_{n}": Count("id", filter=Q(quality_rating=n)) for n in STARS},
    )
    by_stars = {str(n): row[f"stars_{n}"] for n in STARS}
    return {
        "total": row["total"],
        "rated": row["total"] - row["unrated"],
        "unrated": row["unrated"],
        "avg_rating_score": row["avg_rating_score"],
        "by_stars": by_stars,
        "by_label": {RatingLabel(n).name: by_stars[str(n)] for n in STARS},
    }


def prompt_performance() -> QuerySet:
    """Per live prompt version: generations, avg 0-4 score, excellent (5★) and poor (1-2★) counts.

    Ordered by the score, best first, versions without ratings last
    (document 001's "Calculate average rating per prompt version").
    """
    return (
        PromptVersion.objects.active()
        .annotate(
            prompt_preview=Left("user_prompt", 100),
            generation_count=Count("jobs"),
            avg_rating_score=Avg(F("jobs__quality_rating") - 1, output_field=FloatField()),
            excellent_count=Count("jobs", filter=Q(jobs__quality_rating=RatingLabel.EXCELLENT)),
            poor_count=Count("jobs", filter=Q(jobs__quality_rating__in=(RatingLabel.FAILED, RatingLabel.POOR))),
        )
        .order_by(F("avg_rating_score").desc(nulls_last=True), "-created_at", "-id")
        .values("id", "name", "prompt_preview", "generation_count", "avg_rating_score", "excellent_count",
                "poor_count")
    )
