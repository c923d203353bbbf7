"""Prompt test suites (document 004, phase 5 ``test_runner.py``): run the live prompt versions of a tag.

A suite is data already in the admin: the active (not soft-deleted) prompt
versions tagged with the suite's name. Running it submits one job per version
for its model (``model_name`` containing "wan" → WAN, anything else SDXL)
under the test series ``suite:<name>:<UTC timestamp>``, recorded as an experiment run (one cell per
version, the version's own seed) so a later run can be compared with it cell by cell; the outcome is
read back from those jobs.
"""

from dataclasses import dataclass
from statistics import mean

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from generations.models import ExperimentRun, Job, RunCell
from generations.runs import cell_key, input_seed
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
    if ExperimentRun.objects.filter(test_series=series).exists():  # a second run within the same second
        series += f".{timezone.now():%f}"
    inputs = [{"prompt": "", "prompt_version": str(version.pk)} for version in versions]
    run = ExperimentRun.objects.create(name=f"suite {name}"[:120], model_type=version_model(versions[0]),
                                       inputs=inputs, test_series=series, job_count=len(versions), created_by=user)
    jobs = []
    for version, item in zip(versions, inputs, strict=True):
        try:
            # The version's own seed, so every run of the suite lines up with the last one (compare_runs).
            jobs.append(job_submit(prompt="", model_type=version_model(version), prompt_version=version,
                                   test_series=series, user=user, variables=variables, seed=input_seed(item)))
        except ValidationError as exc:
            raise ValidationError(f"Version {version.pk} ({version}): {' '.join(exc.messages)}") from exc
    RunCell.objects.bulk_create([RunCell(run=run, position=index, input_index=index - 1, values={},
                                         key=cell_key(item, {}), job=job)
                                 for index, (item, job) in enumerate(zip(inputs, jobs, strict=True), start=1)])
    return series, jobs


def suite_run(series: str) -> ExperimentRun | None:
    """The experiment run a suite submission recorded (None for runs made before suites recorded one)."""
    return ExperimentRun.objects.filter(test_series=series).first()


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
    mean_clip_score: float | None = None
    clip_scored: int = 0


def suite_summary(jobs: list[Job]) -> SuiteSummary:
    """Success rate = completed / finished jobs; mean rating over rated jobs; mean CLIP score over the
    completed jobs the worker scored (each job's is the mean of its outputs'). None where there is nothing."""
    finished = [job for job in jobs if job.status in TERMINAL_STATUSES]
    completed = [job for job in finished if job.status == JobStatus.COMPLETED]
    ratings = [job.quality_rating for job in jobs if job.quality_rating is not None]
    clip_scores = [job.clip_score for job in completed if job.clip_score is not None]
    return SuiteSummary(
        total=len(jobs), finished=len(finished), completed=len(completed),
        success_rate=len(completed) / len(finished) if finished else None,
        mean_rating=round(mean(ratings), 2) if ratings else None, rated=len(ratings),
        mean_clip_score=mean(clip_scores) if clip_scores else None, clip_scored=len(clip_scores),
    )


def suite_failures(summary: SuiteSummary, *, min_success: float | None, min_rating: float | None,
                   min_clip_score: float | None = None) -> list[str]:
    """Why the suite does not pass its thresholds (empty: it passes).

    ``min_clip_score`` is compared with the mean CLIP score of the completed jobs; a run none of whose outputs
    has a CLIP score fails it, because the clip backend is not configured and nothing was measured.
    """
    problems = []
    if summary.finished < summary.total:
        problems.append(f"{summary.total - summary.finished} of {summary.total} job(s) have not finished.")
    if min_success is not None and (summary.success_rate is None or summary.success_rate < min_success):
        rate = "n/a" if summary.success_rate is None else f"{summary.success_rate:.2f}"
        problems.append(f"success rate {rate} is under {min_success:.2f}.")
    if min_rating is not None and (summary.mean_rating is None or summary.mean_rating < min_rating):
        rating = "n/a (no rated jobs)" if summary.mean_rating is None else f"{summary.mean_rating:.2f}"
        problems.append(f"mean rating {rating} is under {min_rating:.2f}.")
    if min_clip_score is not None:
        if summary.mean_clip_score is None:
            problems.append("no completed job has a CLIP score: the clip backend is not configured (Model "
                            "Configuration → Model backends, family clip), so --min-clip-score cannot be checked.")
        elif summary.mean_clip_score < min_clip_score:
            problems.append(f"mean CLIP score {summary.mean_clip_score:.1f} is under {min_clip_score:.1f}.")
    return problems
