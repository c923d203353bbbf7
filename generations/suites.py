"""Prompt test suites (document 004, phase 5 ``test_runner.py``): run the live prompt versions of a tag.

A suite is data already in the admin: the active (not soft-deleted) prompt
versions tagged with the suite's name. Running it submits one job per version
for its model (``model_name`` containing "wan" → WAN, anything else SDXL)
under the test series ``suite:<name>:<UTC timestamp>``; the outcome is read
back from those jobs.
"""

from dataclasses import dataclass
from statistics import mean

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from generations.models import Job
from generations.services import job_submit
from ourvidz_admin.choices import TERMINAL_STATUSES, JobStatus, ModelType
from prompts.models import PromptVersion


def suite_versions(name: str):
    """The active versions tagged ``name``, oldest first."""
    return PromptVersion.objects.active().filter(tags__name=name).order_by("created_at", "id").distinct()


def version_model(version: PromptVersion) -> str:
    return ModelType.WAN if "wan" in (version.model_name or "").lower() else ModelType.SDXL


@transaction.atomic
def suite_submit(*, name: str, user=None, variables: dict[str, str] | None = None) -> tuple[str, list[Job]]:
    """Submit one job per suite version, all or none; returns the series label and the jobs."""
    versions = list(suite_versions(name))
    if not versions:
        raise ValidationError(f"Suite {name!r} is empty: no active prompt version is tagged {name!r}.")
    series = f"suite:{name}:{timezone.now():%Y%m%dT%H%M%S}"
    jobs = []
    for version in versions:
        try:
            jobs.append(job_submit(prompt="", model_type=version_model(version), prompt_version=version,
                                   test_series=series, user=user, variables=variables))
        except ValidationError as exc:
            raise ValidationError(f"Version {version.pk} ({version}): {' '.join(exc.messages)}") from exc
    return series, jobs


def series_jobs(series: str):
    return Job.objects.filter(test_series=series).select_related("prompt_version").order_by("created_at", "id")


def series_pending(series: str) -> int:
    return Job.objects.filter(test_series=series).exclude(status__in=TERMINAL_STATUSES).count()


@dataclass
class SuiteSummary:
    total: int
    finished: int
    completed: int
    success_rate: float | None
    mean_rating: float | None
    rated: int


def suite_summary(jobs: list[Job]) -> SuiteSummary:
    """Success rate = completed / finished jobs; mean rating over rated jobs (None when none)."""
    finished = [job for job in jobs if job.status in TERMINAL_STATUSES]
    completed = [job for job in finished if job.status == JobStatus.COMPLETED]
    ratings = [job.quality_rating for job in jobs if job.quality_rating is not None]
    return SuiteSummary(
        total=len(jobs), finished=len(finished), completed=len(completed),
        success_rate=len(completed) / len(finished) if finished else None,
        mean_rating=round(mean(ratings), 2) if ratings else None, rated=len(ratings),
    )


def suite_failures(summary: SuiteSummary, *, min_success: float | None, min_rating: float | None) -> list[str]:
    """Why the suite does not pass its thresholds (empty: it passes)."""
    problems = []
    if summary.finished < summary.total:
        problems.append(f"{summary.total - summary.finished} of {summary.total} job(s) have not finished.")
    if min_success is not None and (summary.success_rate is None or summary.success_rate < min_success):
        rate = "n/a" if summary.success_rate is None else f"{summary.success_rate:.2f}"
        problems.append(f"success rate {rate} is under {min_success:.2f}.")
    if min_rating is not None and (summary.mean_rating is None or summary.mean_rating < min_rating):
        rating = "n/a (no rated jobs)" if summary.mean_rating is None else f"{summary.mean_rating:.2f}"
        problems.append(f"mean rating {rating} is under {min_rating:.2f}.")
    return problems
