"""Reads of jobs for the review pages."""

from django.db.models import Q, QuerySet

from generations.models import GenerationImageInput, GenerationImageOutput, Job
from generations.rating_queues import rating_queue_jobs_for

QUEUE_FILTERS = ("model_type", "enhancement_strategy", "test_series")


def job_rating_queue(*, filters: dict, limit: int = 50, after=None, queue=None, rater=None) -> QuerySet:
    """Completed, unrated, unarchived jobs oldest first (document 001's "find unrated"), with outputs.

    ``filters`` may narrow by model type, strategy and test series; ``after``
    continues after a given (created_at, id) so a reviewer can page through. With a rating ``queue``,
    the jobs are those assigned to ``rater`` that they have not rated (others may have).
    """
    if queue is not None:
        base = rating_queue_jobs_for(queue=queue, rater=rater).unarchived()
    else:
        base = Job.objects.unrated().unarchived()
    queryset = base.filter(
        **{key: value for key, value in filters.items() if key in QUEUE_FILTERS and value}
    )
    if after is not None:
        created_at, pk = after
        queryset = queryset.filter(created_at__gte=created_at).exclude(created_at=created_at, pk__lte=pk)
    return (
        queryset.order_by("created_at", "id")
        .only("id", "created_at", "model_type", "job_type", "enhancement_strategy", "original_prompt",
              "final_prompt", "test_series", "status")
        .prefetch_related("outputs")[:limit]
    )


def job_rating_card(job: Job) -> dict:
    """What the rating page shows for one job (its first output large)."""
    output = next(iter(job.outputs.all()), None)
    return {
        "id": str(job.pk), "model_type": job.model_type, "strategy": job.get_enhancement_strategy_display(),
        "test_series": job.test_series, "prompt": job.original_prompt, "final_prompt": job.final_prompt,
        "created_at": job.created_at.isoformat(),
        "output": output.location if output else "", "is_video": bool(output and output.is_video),
    }


def job_status_rows(job_ids) -> list[dict]:
    """Status, progress and outputs of the given jobs, for pages that refresh themselves."""
    jobs = Job.objects.filter(pk__in=list(job_ids)[:100]).only(
        "id", "status", "progress", "quality_rating", "notes", "failure_reason", "created_at", "completed_at",
        "error_message",
    ).prefetch_related("outputs")
    rows = []
    for job in jobs:
        output = next(iter(job.outputs.all()), None)
        rows.append({
            "id": str(job.pk), "status": job.status, "progress": job.progress, "rating": job.quality_rating,
            "notes": job.notes, "failure_reason": job.failure_reason, "error": job.error_message[:300],
            "seconds": job.generation_time.total_seconds() if job.generation_time else None,
            "output": output.location if output else "",
            "thumbnail": output.thumbnail_location if output else "",
            "is_video": bool(output and output.is_video),
        })
    return rows


def image_file_in_use(name: str) -> bool:
    """Whether any input or output row (its file or thumbnail) still references the stored file ``name``."""
    return (GenerationImageInput.objects.filter(file=name).exists()
            or GenerationImageOutput.objects.filter(Q(file=name) | Q(thumbnail=name)).exists())
