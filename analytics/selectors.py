"""The two analytics reads of document 001, each one aggregate query.

Stars are 1-5; the document scores FAILED..EXCELLENT as 0..4, so its
``avg_rating_score`` is ``AVG(stars - 1)`` over rated generations (unrated
ones are NULL and ignored by AVG, as the document's CASE leaves them NULL).
"""

from django.db.models import Avg, Count, F, FloatField, Q, QuerySet, Sum
from django.db.models.functions import Left

from generations.models import Job
from ourvidz_admin.choices import RatingLabel
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


def prompt_performance() -> list[dict]:
    """Per live prompt version: generations, avg 0-4 score, excellent (5★) and poor (1-2★) counts.

    Ordered by the score, best first, versions without ratings last, then
    newest first (document 001's "Calculate average rating per prompt version").
    Two queries: the jobs' figures grouped by version, read from the covering
    index ``jobs_version_rating_idx`` alone, then the live versions.
    """
    figures = {
        row.pop("prompt_version"): row
        for row in Job.objects.filter(prompt_version__isnull=False).values("prompt_version").annotate(
            generation_count=Count("prompt_version"),
            score_sum=Sum(F("quality_rating") - 1), rated=Count("quality_rating"),
            excellent_count=Count("prompt_version", filter=Q(quality_rating=RatingLabel.EXCELLENT)),
            poor_count=Count("prompt_version", filter=Q(quality_rating__in=(RatingLabel.FAILED, RatingLabel.POOR))),
        ).order_by()
    }
    rows = []
    for version in PromptVersion.objects.active().annotate(prompt_preview=Left("user_prompt", 100)).values(
        "id", "name", "prompt_preview", "created_at"
    ):
        found = figures.get(version["id"], {})
        rated = found.get("rated", 0)
        rows.append({
            **version, "generation_count": found.get("generation_count", 0),
            "avg_rating_score": found["score_sum"] / rated if rated else None,
            "excellent_count": found.get("excellent_count", 0), "poor_count": found.get("poor_count", 0),
        })
    rows.sort(key=lambda r: (r["created_at"], r["id"]), reverse=True)
    rows.sort(key=lambda r: -r["avg_rating_score"] if r["avg_rating_score"] is not None else float("inf"))
    return rows
