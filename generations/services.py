"""Writes to jobs: submit, cancel, retry, and the state changes workers make.

Every function is keyword-only, validates before writing, and runs in one
transaction; queue work is enqueued only after that transaction commits.
"""

import random
from collections.abc import Iterable, Sequence
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Avg, Count, Max
from django.utils import timezone

from configs.selectors import model_backend_get, model_config_active, preset_in_use
from generations import events, queueing
from generations.lifecycle import job_fail
from generations.loras import inline_loras, loras_for_job
from generations.models import GenerationImageInput, GenerationImageOutput, Job, JobRating, PromptUsage
from generations.policy import AUTO, strategy_allowed
from generations.prompting import templates_missing_variables
from generations.selectors import image_file_in_use
from generations.validation import (
    check_compel_syntax,
    check_dimensions,
    check_prompt,
    check_ranges,
    wan_frame_count,
)
from ourvidz_admin.choices import (
    JOB_TYPES_BY_MODEL,
    RETRYABLE_STATUSES,
    EnhancementStrategy,
    FailureReason,
    JobStatus,
    JobType,
    ModelType,
)
from ourvidz_admin.db import short_id
from ourvidz_admin.queues import QueueUnavailable
from ourvidz_admin.uploads import CheckedImage, image_store, image_upload_check, stored_file_release
from prompts.choices import UserTier
from prompts.models import PromptLabel
from prompts.placeholders import TYPED_PROMPT_NAMES, MissingVariables, fill, placeholder_names, variables_check
from prompts.policy import blocked_term_in, blocked_terms, user_tier

COMPEL_STRATEGIES = (EnhancementStrategy.COMPEL, EnhancementStrategy.HYBRID)
QWEN_STRATEGIES = (EnhancementStrategy.QWEN, EnhancementStrategy.HYBRID)


def choice_check(value: str, choices, field: str) -> str:
    """``value`` when it is one of ``choices`` (a TextChoices); else a ValidationError naming ``field``."""
    if value not in choices.values:
        raise ValidationError({field: f"Unknown {field} {value!r}; use one of: {', '.join(choices.values)}."})
    return value


def _job_type(model_type: str, job_type: str | None, has_inputs: bool) -> str:
    allowed = JOB_TYPES_BY_MODEL[ModelType(model_type)]
    if job_type is None:
        return allowed[1] if has_inputs else allowed[0]
    if job_type not in allowed:
        raise ValidationError({"job_type": f"{model_type} cannot run {job_type}; use {' or '.join(allowed)}."})
    if (job_type in (JobType.IMAGE_TO_IMAGE, JobType.IMAGE_TO_VIDEO)) != has_inputs:
        raise ValidationError({"inputs": f"{job_type} needs exactly the input image(s) it transforms."})
    return job_type


def _check_images(files: Sequence) -> list[CheckedImage]:
    """Every upload must be a PNG, JPEG or WebP image within the limits; returns them re-encoded, unstored."""
    checked = []
    for index, upload in enumerate(files, start=1):
        try:
            checked.append(image_upload_check(upload, label=f"Input image #{index}"))
        except ValidationError as exc:
            raise ValidationError({"inputs": exc.messages}) from None
    return checked


def _output_as_input(output: GenerationImageOutput) -> CheckedImage:
    """An existing output image, checked like an upload, to be a new job's input ("use the output of job N")."""
    label = f"The output of job {output.job_id}"
    if not output.file or not (output.mime_type or "image/").startswith("image/"):
        raise ValidationError({"input_output": f"{label} (#{output.order_index}) is not a stored image; "
                                               "upload the image instead."})
    try:
        with output.file.storage.open(output.file.name, "rb") as handle:
            return image_upload_check(handle, label=label)
    except OSError:
        raise ValidationError({"input_output": f"{label} (#{output.order_index}): its file is missing."}) from None
    except ValidationError as exc:
        raise ValidationError({"input_output": exc.messages}) from None


def _check_image_settings(model_type: str, strategy: str, *, has_images: bool, strength, clip_skip,
                          motion_bucket) -> None:
    """Settings a pipeline would not use are refused rather than recorded as if they ran."""
    errors = {}
    if strength is not None:
        if model_type == ModelType.WAN:
            errors["strength"] = "WAN image-to-video has no strength: it animates the input image as given."
        elif not has_images:
            errors["strength"] = "strength applies to image-to-image: give an input image."
        elif not 0.01 <= strength <= 1:
            errors["strength"] = f"strength must be between 0.01 and 1, got {strength:g}."
    if clip_skip is not None:
        if model_type != ModelType.SDXL:
            errors["clip_skip"] = "clip_skip applies to SDXL only."
        elif strategy in COMPEL_STRATEGIES:
            errors["clip_skip"] = ("Compel embeds SDXL's penultimate CLIP layer: clip_skip applies to the none "
                                   "and qwen strategies.")
        elif not 0 <= clip_skip <= 12:
            errors["clip_skip"] = f"clip_skip must be between 0 and 12, got {clip_skip}."
    if motion_bucket is not None:
        errors["motion_bucket"] = "No model here takes a motion bucket (WAN 2.x has no such input); leave it empty."
    if errors:
        raise ValidationError(errors)


def _check_templates(model_type: str, templates: Sequence) -> None:
    """Templates picked for a job must belong to its model and be active or labelled (``staging``, …): the
    workers' prompt snapshot holds exactly those, so a grid can compare a labelled candidate with the active one."""
    labelled = set(PromptLabel.objects.filter(template__in=[t.pk for t in templates]).values_list("template_id",
                                                                                                  flat=True))
    for template in templates:
        if not (template.is_active or template.pk in labelled) or template.model_family != model_type.lower():
            raise ValidationError({"template": f"{template} is not an active or labelled {model_type} template."})


def original_prompt_build(prompt: str, prompt_version, variables: dict[str, str]) -> str:
    """The typed prompt, or the version's user prompt with its ``{name}`` placeholders filled.

    ``{prompt}``/``{subject}`` take the typed prompt; other names come from
    ``variables``. A typed prompt replaces a version that has no place for it.
    """
    if prompt_version is None:
        return check_prompt(prompt)
    if prompt_version.is_deleted:
        raise ValidationError({"prompt_version": "This prompt version is deleted."})
    template = prompt_version.user_prompt
    typed = (prompt or "").strip()
    names = placeholder_names(template)
    if typed and not any(name in names for name in TYPED_PROMPT_NAMES):
        return check_prompt(typed)
    values = (dict.fromkeys(TYPED_PROMPT_NAMES, typed) if typed else {}) | variables
    try:
        where = f"Prompt version {prompt_version.name or str(prompt_version.pk)!r}"
        return check_prompt(fill(template, values, where=where))
    except MissingVariables as exc:
        raise ValidationError({"variables": str(exc)}) from None


def _check_backends(model_type: str, strategy: str) -> None:
    families = [model_type.lower()] + (["qwen"] if strategy in QWEN_STRATEGIES else [])
    for family in families:
        backend = model_backend_get(family)
        if backend is None or not backend.enabled or not backend.path:
            raise ValidationError(
                {"model_type": f"No model is configured for {family}; run `manage.py build_tiny_models` "
                               f"or set its directory under Model Configuration → Model backends."}
            )


def tier_resolve(tier: str | None, user) -> tuple[str, str]:
    """The tier whose parameter rows apply: the one asked for (an admin testing as a tier), else the user's."""
    if tier is None or tier == "":
        return user_tier(user)
    if tier not in UserTier.values:
        raise ValidationError({"tier": f"Unknown tier {tier!r}; use one of: "
                                       f"{', '.join(v for v in UserTier.values if v)}."})
    return tier, "requested"


def _check_pinned_model_config(model_type: str, model_config) -> None:
    if model_config is not None and model_config.model_type != model_type:
        raise ValidationError({"model_config": f"{model_config.config_name!r} is a {model_config.model_type} "
                                               f"configuration, not {model_type}."})


def _check_pinned_compel_config(strategy: str, compel_config) -> None:
    if compel_config is not None and strategy not in COMPEL_STRATEGIES:
        raise ValidationError({"compel_config": "A Compel configuration applies only to the compel and hybrid "
                                                "strategies."})


@transaction.atomic
def job_submit(
    *,
    prompt: str,
    model_type: str,
    strategy: str = EnhancementStrategy.NONE,
    job_type: str | None = None,
    user=None,
    seed: int | None = None,
    steps: int | None = None,
    guidance: float | None = None,
    width: int | None = None,
    height: int | None = None,
    frame_count: int | None = None,
    motion_bucket: int | None = None,
    negative_prompt: str = "",
    prompt_version=None,
    character=None,
    content_mode: str = "sfw",
    tags: Iterable[str] = (),
    test_series: str = "",
    input_files: Sequence = (),
    templates: Sequence = (),
    model_config=None,
    compel_config=None,
    input_output: GenerationImageOutput | None = None,
    strength: float | None = None,
    clip_skip: int | None = None,
    variables: dict[str, str] | None = None,
    tier: str | None = None,
    loras: Sequence[tuple[str, float | str | None]] = (),
) -> Job:
    """Validate a generation request, create its job and enqueue it after commit.

    ``model_config`` pins an ``EnhancedModelConfig`` of the job's model (else
    the active one); ``compel_config`` pins the Compel weights of a compel or
    hybrid job (A/B test arms use both). The configuration's switches decide
    the strategy (``generations.policy``): ``strategy="auto"`` takes the one
    they allow; a strategy they turn off is refused, naming the switch. The
    input image is an upload (``input_files``) or an existing output (``input_output``): SDXL with an
    image is image-to-image (``strength``), WAN with one image-to-video.
    ``clip_skip`` applies to SDXL without Compel. ``loras`` are (name, weight)
    pairs, added to the character's and the prompt's ``<lora:NAME:WEIGHT>``.

    Errors that can be known now (empty or over-long prompt, unknown model or
    strategy, Compel on WAN, malformed Compel brackets, out-of-range
    parameters, no configured model) raise ``ValidationError`` and write nothing.
    """
    model_type = choice_check(model_type, ModelType, "model_type")
    if strategy != AUTO:
        strategy = choice_check(strategy, EnhancementStrategy, "strategy")
    _check_pinned_model_config(model_type, model_config)
    config = model_config or model_config_active(model_type)
    strategy, strategy_source = strategy_allowed(model_type, strategy, config)
    if content_mode not in ("sfw", "nsfw"):
        raise ValidationError({"content_mode": "content_mode must be 'sfw' or 'nsfw'."})
    variables = variables_check(variables)
    original, inline = inline_loras(original_prompt_build(prompt, prompt_version, variables))
    original = check_prompt(original)
    chosen_loras, skipped_loras = loras_for_job(model_type=model_type, character=character, inline=inline,
                                 requested=[(name, weight) for name, weight in (loras or ())])
    if term := blocked_term_in(original, blocked_terms(content_mode)):
        raise ValidationError({"prompt": f"The prompt contains “{term}”, which the content policy blocks for "
                                         f"{content_mode.upper()} submissions."})
    if strategy in COMPEL_STRATEGIES:
        if model_type != ModelType.SDXL:
            raise ValidationError({"strategy": "Compel weighting is SDXL-only; use none or qwen for WAN."})
        check_compel_syntax(original)
    check_dimensions(model_type, width, height)
    check_ranges(steps=steps, guidance=guidance, frame_count=frame_count)
    if model_type == ModelType.WAN and frame_count is not None:
        frame_count = wan_frame_count(frame_count)
    images = _check_images(input_files)
    if input_output is not None:
        images.append(_output_as_input(input_output))
    _check_image_settings(model_type, strategy, has_images=bool(images), strength=strength, clip_skip=clip_skip,
                          motion_bucket=motion_bucket)
    _check_templates(model_type, templates)
    _check_backends(model_type, strategy)
    _check_pinned_compel_config(strategy, compel_config)
    metadata = {"template_ids": [str(t.pk) for t in templates]} if templates else {}
    if strategy_source == AUTO:
        metadata["strategy_source"] = AUTO
    metadata["user_tier"], metadata["tier_source"] = tier_resolve(tier, user)
    if chosen_loras:
        metadata["loras"] = chosen_loras
    if skipped_loras:
        metadata["loras_skipped"] = skipped_loras
    if variables:
        metadata["variables"] = variables
    if preset := preset_in_use(config):
        metadata["preset"] = preset
    job = Job(
        user=user, model_type=model_type, job_type=_job_type(model_type, job_type, bool(images)),
        enhancement_strategy=strategy, original_prompt=original, negative_prompt=negative_prompt.strip(),
        prompt_version=prompt_version, character=character, content_mode=content_mode,
        tags=sorted(set(tags)), test_series=test_series, model_config=config, compel_config=compel_config,
        compel_weights=compel_config.weights if compel_config is not None else None,
        seed=seed if seed is not None else random.randrange(2**32), num_inference_steps=steps,
        guidance_scale=guidance, width=width, height=height, frame_count=frame_count,
        denoise_strength=round(Decimal(str(strength)), 2) if strength is not None else None, clip_skip=clip_skip,
        status=JobStatus.QUEUED, attempts=1, queued_at=timezone.now(),
        metadata=metadata,
    )
    job.full_clean(exclude=["user", "prompt_version", "character", "model_config", "compel_config", "rated_by"])
    if missing := templates_missing_variables(job):
        raise ValidationError({"variables": str(missing)})
    job.save()
    for index, image in enumerate(images):
        stored = image_store(image)
        GenerationImageInput.objects.create(job=job, order_index=index, file=stored.name, mime_type=stored.mime_type,
                                            width=stored.width, height=stored.height, file_size_bytes=stored.size)
    queueing.enqueue_next_stage(job)
    events.job_changed(job, events.SUBMITTED)
    return job


@transaction.atomic
def job_cancel(*, job: Job, by=None) -> Job:
    """Cancel a queued job at once; ask a running one to stop at its next diffusion step."""
    job = Job.objects.select_for_update().get(pk=job.pk)
    if job.status == JobStatus.QUEUED:
        # The same ending a worker gives a job cancelled mid-run: tracking rows, rollups and A/B results follow.
        job = job_fail(job_id=job.pk, reason=FailureReason.CANCELLED,
                       message=f"Cancelled by {by}" if by else "Cancelled")
        transaction.on_commit(lambda: queueing.dequeue(job))
    elif job.status == JobStatus.PROCESSING:
        job.cancel_requested_at = timezone.now()
        job.save(update_fields=["cancel_requested_at", "updated_at"])
        transaction.on_commit(lambda: queueing.request_cancel(job))
    else:
        raise ValidationError(f"A {job.status} job cannot be cancelled.")
    return job


@transaction.atomic
def job_retry(*, job: Job, by=None) -> Job:
    """Re-queue a failed or cancelled job as a new attempt; its outputs are replaced, never duplicated."""
    job = Job.objects.select_for_update().get(pk=job.pk)
    if job.status not in RETRYABLE_STATUSES:
        raise ValidationError(f"Only failed or cancelled jobs can be retried; this one is {job.status}.")
    job.status = JobStatus.QUEUED
    job.attempts += 1
    job.failure_reason = ""
    job.error_message = ""
    job.progress = 0.0
    job.worker_name = ""
    job.queued_at = timezone.now()
    job.started_at = job.failed_at = job.cancelled_at = job.cancel_requested_at = None
    job.save()
    queueing.enqueue_next_stage(job)
    events.job_changed(job, events.RETRIED)
    return job


REVIEW_FIELDS = ("quality_rating", "notes", "failure_reason")


def job_review_check(*, job: Job, rating: int | None = None, failure_reason: str | None = None) -> None:
    """Raise ``ValidationError`` (keyed by field) if ``job_rate`` would refuse these review values.

    Forms call it in ``clean()`` so a refusal shows beside the field instead of failing the save.
    """
    if rating is not None and not 1 <= int(rating) <= 5:
        raise ValidationError({"quality_rating": "A rating is 1 to 5 stars."})
    if failure_reason:
        choice_check(failure_reason, FailureReason, "failure_reason")
    elif failure_reason == "" and job.status == JobStatus.FAILED:
        raise ValidationError({"failure_reason": "A failed job keeps a failure reason."})


@transaction.atomic
def job_rate(*, job: Job, by, rating: int | None = None, notes: str | None = None,
             failure_reason: str | None = None, clear_rating: bool = False) -> Job:
    """Set ``by``'s stars (1-5), notes and/or failure reason for a job: one rating per rater.

    Arguments left as None are not touched; ``clear_rating`` removes ``by``'s stars. The job keeps the
    raters' mean (``rating_mean``), their number (``rating_count``) and, in ``quality_rating``, the mean
    rounded half up to whole stars, which every statistic of whole stars reads; ``rated_by``/``rated_at``
    name the latest rater, and ``notes``/``failure_reason`` hold the latest rater's words.
    """
    job = Job.objects.select_for_update().get(pk=job.pk)
    # With no rater (a script, an import), the job's one unattributed rating is the one changed.
    mine = (JobRating.objects.filter(job=job, rater=by) if by is not None
            else JobRating.objects.filter(job=job, rater__isnull=True)).first() or JobRating(job=job, rater=by)
    changed, mine_changed = [], False
    if clear_rating and mine.stars is not None:
        mine.stars, mine_changed = None, True
    elif rating is not None and int(rating) != mine.stars:
        job_review_check(job=job, rating=rating)
        mine.stars, mine_changed = int(rating), True
    if notes is not None and notes[:5000] != mine.notes:
        mine.notes, mine_changed = notes[:5000], True
    if notes is not None and notes != job.notes:
        job.notes = notes[:5000]
        changed.append("notes")
    if failure_reason is not None and failure_reason != job.failure_reason:
        job_review_check(job=job, failure_reason=failure_reason)
        job.failure_reason = failure_reason
        changed.append("failure_reason")
    if failure_reason is not None and failure_reason != mine.failure_reason:
        mine.failure_reason, mine_changed = failure_reason, True
    if mine_changed:
        mine.rated_at = timezone.now()
        mine.save()
        changed += _aggregate_ratings(job, by=by, at=mine.rated_at)
    if changed:
        job.full_clean(exclude=[f.name for f in Job._meta.fields if f.name not in changed])
        job.save(update_fields=[*dict.fromkeys(changed), "updated_at"])
        if "quality_rating" in changed:
            # The usage rating is the rating of what the prompt produced: the job's stars.
            PromptUsage.objects.filter(job=job).update(rating=job.quality_rating)
            events.job_changed(job, events.RATED)
    return job


def _aggregate_ratings(job: Job, *, by, at) -> list[str]:
    """The job's mean, count and whole-star rating from its raters' stars; the fields that changed."""
    figures = JobRating.objects.filter(job=job, stars__isnull=False).aggregate(mean=Avg("stars"), count=Count("pk"))
    mean = None if figures["mean"] is None else Decimal(str(figures["mean"])).quantize(Decimal("0.01"), ROUND_HALF_UP)
    stars = None if mean is None else int(mean.quantize(Decimal("1"), ROUND_HALF_UP))
    changed = ["rating_mean", "rating_count"]
    job.rating_mean, job.rating_count = mean, figures["count"]
    if stars != job.quality_rating:
        job.quality_rating = stars
        changed.append("quality_rating")
    job.rated_by, job.rated_at = by, at
    return [*changed, "rated_by", "rated_at"]


def job_rating_of(*, job: Job, rater) -> JobRating | None:
    """``rater``'s own rating of ``job`` (None when they have not rated it)."""
    return JobRating.objects.filter(job=job, rater=rater).first() if rater is not None else None


def _bulk(jobs, operation, by) -> tuple[list[Job], list[str]]:
    done, errors, queue_down = [], [], None
    for job in jobs:
        try:
            done.append(operation(job=job, by=by))
        except ValidationError as exc:
            errors.append(f"{short_id(job.pk)}: {' '.join(exc.messages)}")
        except QueueUnavailable as exc:
            # Raised after the commit: the change is saved, the dispatcher hands it to the queue later.
            done.append(Job.objects.get(pk=job.pk))
            queue_down = str(exc)
    if queue_down:
        errors.append(queue_down)
    return done, errors


def jobs_retry(*, jobs, by=None) -> tuple[list[Job], list[str]]:
    """Retry each job that can be; return the retried jobs and one message per job that could not be."""
    return _bulk(jobs, job_retry, by)


def jobs_cancel(*, jobs, by=None) -> tuple[list[Job], list[str]]:
    """Cancel each job that can be; return the cancelled jobs and one message per job that could not be."""
    return _bulk(jobs, job_cancel, by)


@transaction.atomic
def jobs_archive_failed(*, queryset) -> int:
    """"Clear failed": archive (hide) the failed jobs of ``queryset``; reversible with ``jobs_unarchive``.

    Nothing is deleted: archived jobs keep their outputs and history and
    reappear under the "archived" filter of the jobs list.
    """
    return queryset.filter(status=JobStatus.FAILED, archived_at__isnull=True).update(
        archived_at=timezone.now(), updated_at=timezone.now()
    )


@transaction.atomic
def jobs_unarchive(*, queryset) -> int:
    """Bring archived jobs back into the default job lists."""
    return queryset.filter(archived_at__isnull=False).update(archived_at=None, updated_at=timezone.now())


@transaction.atomic
def output_rate(*, output, criteria: str, rating: int, by, notes: str = ""):
    """One reviewer's 1-5 rating of one output on one criterion; rating again replaces it."""
    from generations.models import GenerationImageRating
    from ourvidz_admin.choices import RatingCriterion

    choice_check(criteria, RatingCriterion, "criteria")
    if not isinstance(rating, int) or not 1 <= rating <= 5:
        raise ValidationError({"rating": "A rating is 1 to 5 stars."})
    row, _created = GenerationImageRating.objects.update_or_create(
        output=output, criteria=criteria, rated_by=by,
        defaults={"rating": rating, "notes": notes[:2000], "rated_at": timezone.now()},
    )
    return row


# --- images attached through the API ----------------------------------------
IMAGE_MODELS = {"input": GenerationImageInput, "output": GenerationImageOutput}


def _check_input_add(job: Job) -> None:
    """An input changes what a job runs, so it is given at submission, never added to a job on its way."""
    if job.job_type not in (JobType.IMAGE_TO_IMAGE, JobType.IMAGE_TO_VIDEO):
        raise ValidationError({"job": f"This job is {job.job_type.replace('_', '-')}: it takes no input image. "
                                      "Submit an image-to-image or image-to-video job with its image instead "
                                      "(POST /api/jobs/ with image or input_output_id)."})
    if job.status in (JobStatus.QUEUED, JobStatus.PROCESSING):
        raise ValidationError({"job": "This job is queued or running with the inputs it was submitted with; "
                                      "inputs can be recorded on it once it has ended."})


@transaction.atomic
def generation_image_add(*, job: Job, kind: str, file=None, url: str = "", order_index: int | None = None,
                         width: int | None = None, height: int | None = None, mime_type: str = ""):
    """Attach a file upload or an external ``url`` as the job's next (or given) input/output image.

    An upload must be a PNG, JPEG or WebP image; it is re-encoded and stored by
    content, and its type and size are the stored file's, whatever the client
    said. ``full_clean`` enforces one location and a free ``order_index``;
    ValidationError writes nothing.
    """
    model = IMAGE_MODELS[kind]
    checked = None
    if file is not None:
        try:
            checked = image_upload_check(file, label="The file")
        except ValidationError as exc:
            raise ValidationError({"file": exc.messages}) from None
    job = Job.objects.select_for_update().only("id", "status", "job_type").get(pk=job.pk)
    if kind == "input":
        _check_input_add(job)
    if order_index is None:
        highest = model.objects.filter(job=job).aggregate(highest=Max("order_index"))["highest"]
        order_index = 0 if highest is None else highest + 1
    image = model(job=job, url=url or "", order_index=order_index, width=width, height=height,
                  mime_type=(mime_type or "")[:50])
    if checked is not None:
        image.full_clean(exclude=["file", "url"])
        stored = image_store(checked)
        image.file.name, image.mime_type, image.file_size_bytes = stored.name, stored.mime_type, stored.size
        image.width, image.height = width or stored.width, height or stored.height
    image.full_clean()
    image.save()
    return image


@transaction.atomic
def generation_image_delete(*, image) -> None:
    """Delete an input or output row; its stored files go once the deletion commits, unless another row uses them.

    Demo data, retried jobs and identical uploads share files, so a file is
    removed only when no input or output (file or thumbnail) references it.
    """
    names = [image.file.name if image.file else ""]
    if isinstance(image, GenerationImageOutput) and image.thumbnail:
        names.append(image.thumbnail.name)
    image.delete()
    for name in filter(None, names):
        transaction.on_commit(lambda name=name: stored_file_release(name, still_used=image_file_in_use))
