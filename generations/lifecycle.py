"""The state changes a worker makes to a job, each in one transaction, each safe to repeat.

RQ delivers at least once, so every function here tolerates being called for
a job that already moved on: it returns without writing.
"""

from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from generations import events, queueing
from generations.choices import SaveMethod, TrackerOutcome
from generations.models import GenerationImageOutput, Job, LiveJobTracking, PromptUsage, TrackedPrompt
from generations.pricing import stage_cost
from ourvidz_admin.choices import TERMINAL_STATUSES, FailureReason, JobStatus, ModelType
from prompts.choices import UseCase
from prompts.models import Prompt, PromptLog


@dataclass
class OutputSpec:
    """One produced file, already written to storage."""

    file_name: str
    mime_type: str
    width: int
    height: int
    file_size_bytes: int
    thumbnail_name: str = ""
    frame_count: int | None = None
    duration_ms: int | None = None
    #: CLIP score (0-100) of the output against the original prompt; None when no scorer is configured.
    clip_score: float | None = None


@dataclass
class StageRecord:
    """What a stage did, for the tracking tables (document 002 usage, 004 logs)."""

    model_family: str
    use_case: str
    input_prompt: str
    output_prompt: str
    negative_prompt: str = ""
    response_time_ms: int = 0
    tokens_in: int = 0
    tokens_out: int = 0
    template_id: str | None = None
    template_version: int | None = None
    rule_ids: list = field(default_factory=list)
    flags: dict = field(default_factory=dict)
    #: Milliseconds the generate stage spent CLIP-scoring its outputs (priced at the clip rate); 0 when unscored.
    clip_time_ms: int = 0

    def cost(self, when) -> Decimal:
        """USD of this stage at the rates in force at ``when`` (``generations.pricing``)."""
        return stage_cost(model_family=self.model_family, tokens=self.tokens_in + self.tokens_out,
                          gpu_ms=self.response_time_ms, clip_ms=self.clip_time_ms, when=when)


def _track(job: Job) -> None:
    LiveJobTracking.objects.update_or_create(
        job=job,
        defaults=dict(
            user_id=job.user_id, job_type=job.job_type, model_type=job.model_type,
            enhancement_strategy=job.enhancement_strategy, original_prompt=job.original_prompt,
            enhanced_prompt=job.enhanced_prompt, enhancement_time_ms=job.enhancement_time_ms,
            final_quality=job.quality_rating, status=job.status,
        ),
    )


def _record_tracked(job: Job, **fields) -> None:
    """Replace the job's prompt-tracker row (document 003) with one for its latest outcome."""
    TrackedPrompt.objects.filter(job=job).delete()
    TrackedPrompt.objects.create(job=job, user_id=job.user_id, prompt=job.original_prompt,
                                 model_parameters=job.lineage.get("parameters", {}), **fields)


def _log(job: Job, record: StageRecord, *, success: bool, cost: Decimal, error: str = "") -> None:
    """Replace this stage's log and usage rows of the job (idempotent on redelivery).

    The usage row is keyed by ``(job, stage)``; ``session_id`` is left for real
    client sessions. Its ``prompt`` is the library prompt the stage ran (``usage_prompt_id``);
    its ``cost`` is the stage's, as stored on the job.
    """
    PromptLog.objects.filter(job=job, use_case=record.use_case).delete()
    PromptLog.objects.create(
        job=job, model_family=record.model_family, use_case=record.use_case, template_id=record.template_id,
        template_version=record.template_version, rule_ids=record.rule_ids, character_id=job.character_id,
        input_prompt=record.input_prompt, output_prompt=record.output_prompt,
        negative_prompt=record.negative_prompt, response_time_ms=record.response_time_ms,
        tokens_in=record.tokens_in, tokens_out=record.tokens_out, success=success, flags=record.flags,
        error_message=error,
    )
    stage = stage_of(record)
    PromptUsage.objects.filter(job=job, stage=stage).delete()
    tokens = record.tokens_in + record.tokens_out
    PromptUsage.objects.create(
        job=job, prompt_id=usage_prompt_id(job, stage), template_id=record.template_id, user_id=job.user_id,
        user_prompt=record.input_prompt, enhanced_prompt=record.output_prompt,
        response_time_ms=record.response_time_ms, success=success, error_message=error,
        input_tokens=record.tokens_in, output_tokens=record.tokens_out, tokens_used=tokens,
        cost=cost, stage=stage,
    )


# The library prompts (document 002) that stand for the Qwen rewrite of each target model's jobs.
ENHANCER_PROMPTS = {ModelType.SDXL: "sdxl-prompt-enhancer", ModelType.WAN: "wan-prompt-enhancer"}


def stage_of(record: StageRecord) -> str:
    """The worker stage that produced ``record``: ``enhance`` for the Qwen rewrite, else ``generate``."""
    return queueing.ENHANCE if record.use_case == UseCase.ENHANCEMENT else queueing.GENERATE


def usage_prompt_id(job: Job, stage: str):
    """The library prompt a stage ran, or None.

    * ``enhance``: the library prompt of the job's pinned prompt version when the
      stage used that version's system prompt (``gpu.stages.enhance`` does whenever
      it is not empty); otherwise the enhancer prompt of the job's model
      (``ENHANCER_PROMPTS``) when the library has it.
    * ``generate``: None. SDXL and WAN run no library prompt; the templates they
      resolved are recorded in ``template``.
    """
    if stage != queueing.ENHANCE:
        return None
    version = job.prompt_version if job.prompt_version_id else None
    if version is not None and version.prompt_id and version.system_prompt:
        return version.prompt_id
    name = ENHANCER_PROMPTS.get(job.model_type)
    return Prompt.objects.filter(name=name).values_list("pk", flat=True).first() if name else None


@transaction.atomic
def job_start(*, job_id, stage: str, worker_name: str) -> Job | None:
    """Claim a queued job for ``stage``; None when it was cancelled, finished or is not due for that stage."""
    job = Job.objects.select_for_update().filter(pk=job_id).first()
    if job is None or job.status != JobStatus.QUEUED or queueing.next_stage(job) != stage:
        return None
    now = timezone.now()
    job.status = JobStatus.PROCESSING
    job.started_at = job.started_at if stage == queueing.GENERATE and job.enhanced_prompt else now
    job.worker_name = worker_name
    job.progress = 0.0
    job.save(update_fields=["status", "started_at", "worker_name", "progress", "updated_at"])
    _track(job)
    return job


def _still_processing(job: Job) -> bool:
    """Lock the job's row: False when it moved on while the stage ran (reaped, cancelled), so its result is dropped."""
    status = Job.objects.select_for_update().filter(pk=job.pk).values_list("status", flat=True).first()
    return status == JobStatus.PROCESSING


@transaction.atomic
def job_enhanced(*, job: Job, enhanced_prompt: str, record: StageRecord, expansion: Decimal | None) -> None:
    """Store Qwen's rewrite and its cost, and hand the job to its generation queue (nothing, if it is no longer
    processing)."""
    if not _still_processing(job):
        return
    job.enhancement_cost = record.cost(timezone.now())
    job.enhanced_prompt = enhanced_prompt
    job.enhancement_time_ms = record.response_time_ms
    job.qwen_expansion_percentage = expansion
    job.qwen_tokens_used = record.tokens_in + record.tokens_out
    job.status = JobStatus.QUEUED
    job.worker_name = ""
    job.save()
    _log(job, record, success=True, cost=job.enhancement_cost)
    _track(job)
    events.job_changed(job, events.ENHANCED)
    queueing.enqueue_next_stage(job)


def _replace_outputs(job: Job, outputs: list[OutputSpec]) -> None:
    for index, spec in enumerate(outputs):
        GenerationImageOutput.objects.update_or_create(
            job=job, order_index=index,
            defaults=dict(file=spec.file_name, url="", mime_type=spec.mime_type, width=spec.width,
                          height=spec.height, file_size_bytes=spec.file_size_bytes, thumbnail=spec.thumbnail_name,
                          frame_count=spec.frame_count, duration_ms=spec.duration_ms, clip_score=spec.clip_score),
        )
    GenerationImageOutput.objects.filter(job=job, order_index__gte=len(outputs)).delete()


@transaction.atomic
def job_complete(*, job: Job, outputs: list[OutputSpec], record: StageRecord, fields: dict) -> Job | None:
    """Record outputs, resolved parameters, the generate stage's cost and tracking rows; mark the job completed.

    The job's ``clip_score`` is the mean of its outputs' (None when none was scored). None, and nothing
    written, when the job is no longer processing: a reaper or a cancel that won the race keeps its outcome.
    """
    if not _still_processing(job):
        return None
    for name, value in fields.items():
        setattr(job, name, value)
    scores = [spec.clip_score for spec in outputs if spec.clip_score is not None]
    job.clip_score = sum(scores) / len(scores) if scores else None
    job.status = JobStatus.COMPLETED
    job.completed_at = timezone.now()
    job.generation_cost = record.cost(job.completed_at)
    job.progress = 1.0
    job.save()
    _replace_outputs(job, outputs)
    _log(job, record, success=True, cost=job.generation_cost)
    _track(job)
    first = job.outputs.order_by("order_index").first()
    _record_tracked(job, ai_model=job.model_used, outcome=TrackerOutcome.SUCCESS,
                    result_url=first.location if first else "", save_method=SaveMethod.AUTO)
    events.job_changed(job, events.COMPLETED)
    return job


@transaction.atomic
def job_fail(*, job_id, reason: str, message: str) -> Job | None:
    """End a job as failed (or cancelled, for that reason) unless it already ended."""
    job = Job.objects.select_for_update().filter(pk=job_id).first()
    if job is None or job.status in TERMINAL_STATUSES:
        return None
    now = timezone.now()
    job.failure_reason = reason
    job.error_message = message[:10_000]
    if reason == FailureReason.CANCELLED:
        job.status, job.cancelled_at = JobStatus.CANCELLED, now
    else:
        job.status, job.failed_at = JobStatus.FAILED, now
    job.save()
    _track(job)
    _record_tracked(job, ai_model=job.model_used or job.model_type, outcome=TrackerOutcome.FAILED,
                    failure_reason=reason, error_message=job.error_message)
    events.job_changed(job, events.CANCELLED if reason == FailureReason.CANCELLED else events.FAILED)
    return job


def jobs_reap_orphans(*, live_workers: set[str], timeout_for, grace: timedelta, abandoned: set = frozenset()) -> int:
    """Fail processing jobs whose worker is gone (``worker_died``), that their live worker no longer runs
    (``abandoned`` ids: ``internal_error``) or that ran past their timeout.

    ``live_workers`` are the names with a fresh heartbeat; ``timeout_for(job)``
    gives a job's stage timeout in seconds.
    """
    reaped = 0
    now = timezone.now()
    processing = Job.objects.filter(status=JobStatus.PROCESSING).only(
        "id", "worker_name", "started_at", "model_type", "enhancement_strategy", "enhanced_prompt"
    )
    for job in processing:
        if job.worker_name not in live_workers:
            message = f"Worker {job.worker_name or '?'} stopped sending heartbeats while running this job."
            reaped += job_fail(job_id=job.pk, reason=FailureReason.WORKER_DIED, message=message) is not None
        elif job.pk in abandoned:
            message = (f"Worker {job.worker_name} is no longer running this job: it could not record the job's "
                       "end (its database connection was lost).")
            reaped += job_fail(job_id=job.pk, reason=FailureReason.INTERNAL_ERROR, message=message) is not None
        elif job.started_at and now - job.started_at > timedelta(seconds=timeout_for(job)) + grace:
            message = f"Still processing after its {timeout_for(job)} s timeout."
            reaped += job_fail(job_id=job.pk, reason=FailureReason.TIMEOUT, message=message) is not None
    return reaped
