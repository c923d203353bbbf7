"""The two stages of a job: Qwen enhancement, and SDXL/WAN generation with optional Compel weighting."""

import logging
import math
import os
import time

from django.conf import settings
from django.core.exceptions import ValidationError

from configs.choices import DEFAULT_COMPEL_WEIGHTS, QualityFocus
from configs.models import CompelConfig
from configs.models.compel import compel_config_hash
from configs.selectors import model_backend_get, model_config_active
from generations import lifecycle
from generations.models.jobs import MAX_PROMPT_CHARS, expansion_percent
from generations.prompting import core_prompt, job_variables, prompt_request, rewrite_system_prompt
from gpu.cache import MODEL_CACHE
from gpu.db_retry import db_retry
from gpu.errors import ContentFilterError, ModelLoadError, PromptTooLongError
from gpu.params import DIFFUSION_KEYS, WAN_FPS, apply_backend_limits, resolve_generation_parameters
from gpu.storage import load_input_image, load_output_frames, save_images, save_video
from gpu.worker import STATE
from ourvidz_admin.choices import EnhancementStrategy, ModelType
from prompts.cache import PROMPT_CACHE
from prompts.compel_syntax import sanitize_llm_text
from prompts.policy import blocked_term_in, blocked_terms
from prompts.resolution import PromptRequest, compose, resolve, resolve_parameters, resolved_fill

logger = logging.getLogger(__name__)
FAMILY = {ModelType.SDXL: "sdxl", ModelType.WAN: "wan"}
#: What the CLIP scoring of a previous attempt left in the job's metadata (replaced on every run).
CLIP_METADATA = ("clip_model", "clip_ms", "clip_error")
DEFAULT_REWRITE = "Rewrite the user's request as one detailed, vivid prompt for an image or video model."


def model_load(family: str):
    """The resident model bundle of ``family`` (loaded into ``MODEL_CACHE`` once) and its backend row;
    a ValidationError when no model directory is configured for it."""
    backend = model_backend_get(family)
    if backend is None or not backend.path:
        raise ValidationError(f"No model directory is configured for {family}.")
    return MODEL_CACHE.get(family, backend.path, backend.device, backend.dtype).bundle, backend


#: The rewrite instruction added for each ``qwen_quality_focus``: how much of the token budget to spend.
FOCUS_INSTRUCTIONS = {
    QualityFocus.HIGH: "Quality focus: high. Use the full length: subject, setting, lighting, composition, "
                       "style and quality cues.",
    QualityFocus.MEDIUM: "Quality focus: medium. Add the most important details only; keep it to a few sentences.",
    QualityFocus.LOW: "Quality focus: low. Return one short sentence that keeps the user's wording.",
}


def rewrite_token_budget(config, qwen_params: dict) -> int:
    """Qwen's ``max_new_tokens``: ``qwen_expansion_target`` characters at ~4 per token, capped by a layered
    ``max_new_tokens`` for qwen_base when one is set."""
    target = max(16, -(-(config.qwen_expansion_target if config else 2500) // 4))
    ceiling = qwen_params.get("max_new_tokens")
    return min(target, int(ceiling)) if ceiling else target


def _check_policy(job, text: str, what: str) -> None:
    """``ContentFilterError`` (the job fails as ``content_filter``) when ``text`` holds a term blocked for
    the job's content mode; the term is in the message and the worker log."""
    if term := blocked_term_in(text, blocked_terms(job.content_mode)):
        logger.warning("job %s: %s contains the blocked term %r", job.pk, what.lower(), term)
        raise ContentFilterError(f"{what} contains “{term}”, which the content policy blocks for "
                                 f"{job.content_mode.upper()} jobs.")


def _resolve(snapshot, job):
    return resolved_fill(resolve(snapshot, prompt_request(job)), job_variables(job))


def rewrite_call(*, prompt: str, system_prompt: str, config, seed: int | None, snapshot) -> tuple[dict, str]:
    """The Qwen rewrite's arguments and quality focus: ``system_prompt`` (``DEFAULT_REWRITE`` when empty) plus the
    configuration's focus instruction, its token budget and time limit, and qwen_base's layered sampling values.

    Shared by the ``enhance`` stage and the playground's rewrite preview (``gpu.playground``).
    """
    qwen_params, _sources = resolve_parameters(snapshot, PromptRequest("qwen_base", "enhancement"), None)
    focus = config.qwen_quality_focus if config else QualityFocus.HIGH
    call = dict(
        prompt=prompt,
        system_prompt=f"{system_prompt or DEFAULT_REWRITE}\n\n{FOCUS_INSTRUCTIONS[focus]}",
        max_new_tokens=rewrite_token_budget(config, qwen_params),
        max_time_s=(config.qwen_max_time_ms if config else 15_000) / 1000,
        temperature=qwen_params.get("temperature"), top_p=qwen_params.get("top_p"), seed=seed,
    )
    return call, focus


def rewrite(call: dict):
    """Run ``call`` (``rewrite_call``) on the resident Qwen model; return the cleaned text, the raw result and the
    backend. A rewrite that came back empty keeps the prompt: generation still runs, and the result says why."""
    from gpu.pipelines import qwen

    bundle, backend = model_load("qwen")
    result = qwen.enhance(bundle, **call)
    text = (sanitize_llm_text(result.text) or call["prompt"])[:MAX_PROMPT_CHARS]
    return text, result, backend


def enhance(job, on_step) -> None:
    """Rewrite the original prompt with the resident Qwen model, within the configured time and length."""
    snapshot = PROMPT_CACHE.get()
    resolved = _resolve(snapshot, job)
    config = job.model_config or model_config_active(job.model_type)
    call, focus = rewrite_call(prompt=job.original_prompt, system_prompt=rewrite_system_prompt(job, resolved),
                               config=config, seed=job.seed, snapshot=snapshot)
    text, result, backend = rewrite(call)
    _check_policy(job, text, "The Qwen rewrite")
    expansion = expansion_percent(job.original_prompt, text)
    template = resolved.lineage["templates"].get("rewrite", {})
    record = lifecycle.StageRecord(
        model_family="qwen_base", use_case="enhancement", input_prompt=job.original_prompt, output_prompt=text,
        response_time_ms=result.elapsed_ms, tokens_in=result.input_tokens, tokens_out=result.output_tokens,
        template_id=template.get("id") if resolved.lineage["prompt_source"] == "database" else None,
        template_version=template.get("version"),
        flags={"stopped_by_time": result.stopped_by_time, "empty_output": not result.text,
               "model": backend.path, "quality_focus": focus, "max_new_tokens": call["max_new_tokens"],
               "max_time_s": call["max_time_s"]},
    )
    job.lineage = {**job.lineage, "enhance_call": {**call, "quality_focus": focus,
                                                   "stopped_by_time": result.stopped_by_time}}
    db_retry(lifecycle.job_enhanced, job=job, enhanced_prompt=text, record=record, expansion=expansion)


def _compel_config(job, config) -> CompelConfig | None:
    if job.enhancement_strategy not in (EnhancementStrategy.COMPEL, EnhancementStrategy.HYBRID):
        return None
    weights = job.compel_weights or (config.compel_weights if config else DEFAULT_COMPEL_WEIGHTS)
    compel_config, _ = CompelConfig.objects.get_or_create(
        config_hash=compel_config_hash(weights),
        defaults={"config_name": ", ".join(f"{k} {v:g}" for k, v in sorted(weights.items())), "weights": weights},
    )
    return compel_config


def generate(job, on_step) -> None:
    """Build the final prompts, run SDXL or WAN, store self-describing outputs, complete the job."""
    family = FAMILY[job.model_type]
    snapshot = PROMPT_CACHE.get()
    resolved = _resolve(snapshot, job)
    config = job.model_config or model_config_active(job.model_type)
    bundle, backend = model_load(family)
    compel_config = _compel_config(job, config)
    weights = compel_config.weights if compel_config else None
    has_input = job.inputs.exists()
    params = apply_backend_limits(
        resolve_generation_parameters(job, config, resolved.parameters, has_input=has_input,
                                      use_compel=weights is not None), backend, job.model_type)
    not_applied = params.pop("not_applied", {})
    job.final_prompt = compose(resolved, core_prompt(job), weights)
    _check_policy(job, job.final_prompt, "The final prompt (templates, rules and character included)")
    job.negative_prompt = job.negative_prompt or resolved.negative_prompt
    job.model_used = backend.model_name
    if job.model_type == ModelType.SDXL:
        outputs, pipeline_ms, call = _run_sdxl(job, bundle, params, weights is not None, on_step, not_applied)
    else:
        outputs, pipeline_ms, call = _run_wan(job, bundle, params, on_step)
    clip_metadata = score_outputs(job, outputs)
    enhanced = {"enhance_call": job.lineage["enhance_call"]} if "enhance_call" in (job.lineage or {}) else {}
    lineage = {**enhanced, **resolved.lineage,
               "parameters": {**_unused_layers(resolved.lineage["parameters"]), **params},
               "compel_config": compel_config.config_hash if compel_config else None}
    lineage["call"] = call
    if not_applied:
        lineage["not_applied"] = not_applied
    record = lifecycle.StageRecord(
        model_family=family, use_case=job.job_type, input_prompt=job.enhanced_prompt or job.original_prompt,
        output_prompt=job.final_prompt, negative_prompt=job.negative_prompt, response_time_ms=pipeline_ms,
        template_id=resolved.lineage["templates"].get("system", {}).get("id")
        if resolved.lineage["prompt_source"] == "database" else None,
        template_version=resolved.lineage["templates"].get("system", {}).get("version"),
        rule_ids=resolved.lineage["rule_ids"], flags={"model": backend.path},
        clip_time_ms=clip_metadata.get("clip_ms", 0),
    )
    fields = dict(
        num_inference_steps=params["num_inference_steps"], guidance_scale=params["guidance_scale"],
        width=params["width"], height=params["height"], frame_count=params.get("frame_count"),
        denoise_strength=params.get("denoise_strength"), clip_skip=params.get("clip_skip"),
        inference_time_ms=pipeline_ms, lineage=lineage,
        compel_config=compel_config, compel_weights=weights,
        metadata={**{key: value for key, value in job.metadata.items() if key not in CLIP_METADATA},
                  "model_loads": dict(MODEL_CACHE.load_count), "worker_pid": os.getpid(),
                  "worker": STATE.worker_name, "pipeline_ms": pipeline_ms, **clip_metadata},
    )
    db_retry(lifecycle.job_complete, job=job, outputs=outputs, record=record, fields=fields)


def score_outputs(job, outputs: list) -> dict:
    """Score each stored output against the job's original prompt with the resident CLIP model.

    Sets each ``OutputSpec.clip_score`` (``gpu.pipelines.clip``: a video is the mean over up to 8 evenly spaced
    frames) and returns what the job's metadata records: ``clip_model`` (the directory) and ``clip_ms``. Nothing
    when no enabled ``clip`` backend is configured. The score measures the job and must not fail it: a model
    that cannot be loaded or an output that cannot be scored logs one line, leaves every score empty and
    records ``clip_error``.
    """
    backend = model_backend_get("clip")
    if backend is None or not backend.path or not backend.enabled:
        return {}
    from gpu.pipelines import clip

    started = time.perf_counter()
    try:
        bundle = MODEL_CACHE.get("clip", backend.path, backend.device, backend.dtype).bundle
        scores = [clip.score(bundle, job.original_prompt,
                             load_output_frames(spec, clip.sample_indices(spec.frame_count or 1)))
                  for spec in outputs]
    except Exception as exc:  # noqa: BLE001 - whatever the scorer raises, the job it measures completes
        logger.warning("job %s: no CLIP score (%s): %s", job.pk, backend.path, exc)
        return {"clip_model": backend.path, "clip_error": str(exc)[:1000]}
    for spec, value in zip(outputs, scores):
        spec.clip_score = value
    return {"clip_model": backend.path, "clip_ms": int((time.perf_counter() - started) * 1000)}


def _unused_layers(layered: dict) -> dict:
    """The layered parameters the diffusion call does not take (Qwen's, for the lineage): the call's own replace
    the diffusion keys, so a value that was not passed is not shown as if it ran."""
    return {key: value for key, value in layered.items() if key not in DIFFUSION_KEYS}


def _run_sdxl(job, bundle, params: dict, use_compel: bool, on_step, not_applied: dict) -> tuple[list, int, dict]:
    """Run SDXL; return the stored outputs, the milliseconds inside the pipeline call and the call's arguments.

    Prompts over CLIP's 75 tokens are embedded in chunks by compel (as literal
    text unless the strategy weights it) instead of being truncated; a prompt
    over ``SDXL_MAX_PROMPT_TOKENS`` fails the job as ``prompt_too_long``. The
    job's LoRAs are switched on before anything is embedded (their text-encoder
    layers shape the embeddings too) and off again after the call, whatever happens.
    """
    from gpu.pipelines import compel, sdxl

    pipe = bundle.text2img
    tokens = {"prompt": compel.token_count(pipe, job.final_prompt),
              "negative": compel.token_count(pipe, job.negative_prompt)}
    cap = settings.SDXL_MAX_PROMPT_TOKENS
    if tokens["prompt"] > cap:
        raise PromptTooLongError(f"The final prompt is {tokens['prompt']} CLIP tokens; the limit is {cap} "
                                 "(SDXL_MAX_PROMPT_TOKENS).")
    strength, steps = params.get("denoise_strength"), params["num_inference_steps"]
    if strength is not None and int(steps * strength) < 1:
        raise ValueError(f"Strength {strength:g} with {steps} steps runs no denoising step: raise the strength to "
                         f"at least {1 / steps:.2f} or the steps.")
    longest = max(tokens.values())
    source = {"prompt_tokens": tokens["prompt"], "negative_tokens": tokens["negative"],
              "chunks": max(1, math.ceil(longest / compel.CHUNK_TOKENS))}
    applied = sdxl.use_loras(bundle, _job_loras(job))
    try:
        embeddings = None
        if use_compel:
            embeddings = compel.sdxl_embeddings(pipe, job.final_prompt, job.negative_prompt)
            source.update(embeddings="compel (weighted)", prompt=job.final_prompt,
                          negative_prompt=job.negative_prompt)
        elif longest > compel.CHUNK_TOKENS:
            embeddings = compel.sdxl_embeddings(pipe, compel.literal(job.final_prompt),
                                                compel.literal(job.negative_prompt))
            source.update(embeddings="compel (long prompt, unweighted)", prompt=job.final_prompt,
                          negative_prompt=job.negative_prompt)
        if embeddings is not None and params.get("clip_skip"):
            not_applied["clip_skip"] = "the prompt was embedded by compel (penultimate CLIP layer)"
            params.pop("clip_skip")
        init_image = load_input_image(job)
        call: dict = {}
        started = time.perf_counter()
        images = sdxl.generate(
            bundle, prompt=job.final_prompt, negative_prompt=job.negative_prompt, embeddings=embeddings,
            init_image=init_image, strength=strength, clip_skip=params.get("clip_skip"), steps=steps,
            guidance=params["guidance_scale"], width=params["width"], height=params["height"], seed=job.seed,
            step_callback=on_step, call=call, prompt_source=source,
        )
        if applied:
            call["loras"] = applied
    finally:
        sdxl.loras_off(bundle)
    pipeline_ms = int((time.perf_counter() - started) * 1000)
    return save_images(job, images, call=call, sampler=sdxl.sampler_name(bundle)), pipeline_ms, call


def _job_loras(job) -> list[tuple[str, str, float]]:
    """The job's LoRAs (chosen at submission) with their registered paths; ``ModelLoadError`` if one is gone."""
    from configs.models import LoRA

    wanted = job.metadata.get("loras", [])
    paths = dict(LoRA.objects.filter(name__in=[entry["name"] for entry in wanted], is_active=True)
                 .values_list("name", "path"))
    missing = [entry["name"] for entry in wanted if entry["name"] not in paths]
    if missing:
        raise ModelLoadError(f"LoRA {', '.join(missing)} is no longer registered and active (Model Configuration "
                             "→ LoRAs).")
    return [(entry["name"], paths[entry["name"]], float(entry["weight"])) for entry in wanted]


def _run_wan(job, bundle, params: dict, on_step) -> tuple[list, int, dict]:
    """Run WAN; return the stored video output, the milliseconds inside the pipeline call and its arguments."""
    from gpu.pipelines import wan

    image = load_input_image(job)
    call: dict = {}
    started = time.perf_counter()
    frames = wan.generate(
        bundle, prompt=job.final_prompt, negative_prompt=job.negative_prompt, image=image,
        steps=params["num_inference_steps"], guidance=params["guidance_scale"], width=params["width"],
        height=params["height"], num_frames=params["frame_count"], seed=job.seed, step_callback=on_step, call=call,
    )
    pipeline_ms = int((time.perf_counter() - started) * 1000)
    return save_video(job, frames, fps=WAN_FPS), pipeline_ms, call
