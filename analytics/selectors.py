"""The two analytics reads of document 001, each one aggregate query over a rollup (or, for a rating
distribution filtered on more than model and strategy, over the jobs the filters select).

Stars are 1-5; the document scores FAILED..EXCELLENT as 0..4, so its
``avg_rating_score`` is ``AVG(stars - 1)`` over rated generations (unrated
ones are NULL and ignored by AVG, as the document's CASE leaves them NULL).
"""

from django.db.models import Count, F, Q, QuerySet, Sum
from django.db.models.functions import Left

from analytics.models import JobOpsDaily, PromptVersionStats
from ourvidz_admin.choices import RatingLabel
from prompts.models import PromptVersion

STARS = tuple(label.value for label in RatingLabel)


def _distribution(total: int, rated: int, score_sum, by_stars: dict) -> dict:
    return {
        "total": total, "rated": rated, "unrated": total - rated,
        "avg_rating_score": score_sum / rated if rated else None,
        "by_stars": by_stars, "by_label": {RatingLabel(n).name: by_stars[str(n)] for n in STARS},
    }


def rating_distribution(*, jobs: QuerySet | None = None) -> dict:
    """Counts per star and per document-001 label, the unrated count and the 0-4 average score.

    Over ``jobs`` when given (one aggregate over the jobs the caller's filters select); without, over every
    job, read from the ``job_ops_daily`` rollup (``rating_distribution_rollup``).
    """
    if jobs is None:
        return rating_distribution_rollup()
    row = jobs.order_by().aggregate(
        total=Count("id"), rated=Count("quality_rating"), score_sum=Sum(F("quality_rating") - 1),
        **{f"stars_{n}": Count("id", filter=Q(quality_rating=n)) for n in STARS},
    )
    return _distribution(row["total"], row["rated"], row["score_sum"], {str(n): row[f"stars_{n}"] for n in STARS})


def rating_distribution_rollup(*, model_type: str | None = None, enhancement_strategy: str | None = None) -> dict:
    """``rating_distribution`` of every job (of one model and/or strategy) from ``job_ops_daily``: its cost
    follows the number of rollup rows, not of jobs."""
    rows = JobOpsDaily.objects.all()
    if model_type:
        rows = rows.filter(model_type=model_type)
    if enhancement_strategy:
        rows = rows.filter(enhancement_strategy=enhancement_strategy)
    row = rows.aggregate(total=Sum("total_jobs"), rated=Sum("rated_jobs"), rating_sum=Sum("rating_sum"),
                         **{f"stars_{n}": Sum(f"stars_{n}") for n in STARS})
    rated = row["rated"] or 0
    return _distribution(row["total"] or 0, rated, (row["rating_sum"] or 0) - rated,
                         {str(n): row[f"stars_{n}"] or 0 for n in STARS})


def prompt_performance() -> list[dict]:
    """Per live prompt version: generations, avg 0-4 score, excellent (5★) and poor (1-2★) counts.

    Ordered by the score, best first, versions without ratings last, then
    newest first (document 001's "Calculate average rating per prompt version").
    Two queries: the versions' figures from the ``prompt_version_stats`` rollup, then the live versions.
    """
    figures = {row.pop("prompt_version"): row for row in PromptVersionStats.objects.values(
        "prompt_version", "generation_count", "score_sum", "rated", "excellent_count", "poor_count")}
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
