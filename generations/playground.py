"""The prompt playground: a job's fully resolved prompt without the job, and the Qwen rewrite on request.

``playground_resolve`` validates inputs as ``job_submit`` does and resolves
them with the job path's own functions (``prompt_request``, ``resolve``,
``resolved_fill``, ``rewrite_system_prompt``, ``compose``) on an unsaved
``Job``: nothing is written and nothing is enqueued. ``playground_rewrite``
runs only the rewrite on the ``enhance`` worker (``gpu.jobs.run_preview_rewrite``)
and waits for it; the request and its result live only in Redis (the RQ job
and its result, for ``RESULT_TTL_S``). Chat turns are in ``generations.playground_chat``.
"""

import copy
import logging
import math
import random
import time
from dataclasses import dataclass, field, replace

from django.conf import settings
from django.core.exceptions import ValidationError

from configs.choices import DEFAULT_COMPEL_WEIGHTS
from configs.selectors import model_backend_get, model_config_active
from generations.loras import inline_loras
from generations.models import Job
from generations.models.jobs import expansion_percent
from generations.policy import AUTO, COMPEL_STRATEGIES, QWEN_STRATEGIES, strategy_allowed
from generations.prompting import core_prompt, job_variables, prompt_request, rewrite_system_prompt
from generations.queueing import ENHANCE
from generations.services import choice_check, original_prompt_build, tier_resolve
from generations.validation import check_compel_syntax, check_prompt
from ourvidz_admin import queues
from ourvidz_admin.choices import JOB_TYPES_BY_MODEL, EnhancementStrategy, ModelType
from ourvidz_admin.middleware import UNAVAILABLE
from ourvidz_admin.queues import QueueUnavailable
from prompts.placeholders import MissingVariables, variables_check
from prompts.policy import blocked_term_in, blocked_terms
from prompts.resolution import ResolvedPrompt, compose, resolve, resolved_fill
from prompts.snapshot import TemplateEntry, load_snapshot

logger = logging.getLogger(__name__)
PREVIEW_REWRITE_JOB = "gpu.jobs.run_preview_rewrite"
# How long a finished preview's result stays in Redis, for a client that reads it late; nothing else keeps it.
RESULT_TTL_S = 600
# Each blocking read of the result is shorter than redis-py's default socket timeout (5 s).
WAIT_SLICE_S = 4
NO_WORKER = "No worker is listening on the enhance queue; start one (make worker) and try again."


class PlaygroundTimeout(Exception):
    """The worker did not answer within the wait; the RQ job was cancelled if it had not started."""


class PlaygroundFailed(Exception):
    """The worker raised; the message is the last line of its error."""


@dataclass
class Preview:
    """A job's fully resolved prompt, as the worker will build it, and what the rewrite would be asked."""

    model_type: str
    job_type: str
    strategy: str
    strategy_source: str
    content_mode: str
    tier: str
    prompt: str
    system_prompt: str
    rules: list[dict]
    character: dict | None
    final_prompt: str
    negative_prompt: str
    rewrite_applies: bool
    rewrite_instruction: str
    compel_weights: dict | None
    parameters: dict
    lineage: dict
    warnings: list[str]
    seed: int
    resolved: ResolvedPrompt = field(repr=False)
    job: Job = field(repr=False)

    def as_dict(self) -> dict:
        return {name: getattr(self, name) for name in self.__dataclass_fields__ if name not in ("resolved", "job")}


def playground_resolve(
    *, model_type: str, prompt: str = "", job_type: str | None = None, template=None, character=None,
    prompt_version=None, tags=(), content_mode: str = "sfw", variables: dict | None = None,
    strategy: str = EnhancementStrategy.NONE, tier: str | None = None, seed: int | None = None, user=None,
) -> Preview:
    """Resolve what a job of these inputs would run: system prompt, rules in order, final and negative prompts,
    parameters and lineage. Writes nothing, enqueues nothing.

    Templates, rules and characters are read fresh from the database (the workers see an edit once their cache
    refreshes); ``template`` may be an inactive version, which a job could not use yet (a warning says so).
    Errors a submission would refuse raise ``ValidationError`` naming the field (``model_type``, ``job_type``,
    ``strategy``, ``prompt``, ``variables``, ``template``, ``tier``).
    """
    warnings: list[str] = []
    job = _preview_job(model_type=model_type, prompt=prompt, job_type=job_type, template=template,
                       character=character, prompt_version=prompt_version, tags=tags, content_mode=content_mode,
                       variables=variables, strategy=strategy, tier=tier, seed=seed, user=user)
    snapshot = load_snapshot()
    if template is not None and not any(entry.id == str(template.pk) for entry in snapshot.templates):
        # Not a row workers resolve (inactive, unlabelled): preview it all the same.
        snapshot = replace(snapshot, templates=(*snapshot.templates, template_entry(template)))
        warnings.append(f"Template “{template}” is not active: a job can use it once it is activated.")
    if character is not None and snapshot.character(str(character.pk)) is None:
        warnings.append(f"Character “{character}” is inactive: a job would run without it.")
    rewrites = job.enhancement_strategy in QWEN_STRATEGIES
    try:
        resolved = resolved_fill(resolve(snapshot, prompt_request(job)), job_variables(job))
        instruction = rewrite_system_prompt(job, resolved) if rewrites else ""
    except MissingVariables as exc:
        raise ValidationError({"variables": str(exc)}) from None
    weights = _compel_weights(job) if job.enhancement_strategy in COMPEL_STRATEGIES else None
    final = compose(resolved, job.original_prompt, weights)
    warnings += _policy_warnings(final, job.content_mode)
    return Preview(
        model_type=job.model_type, job_type=job.job_type, strategy=job.enhancement_strategy,
        strategy_source=job.metadata.get("strategy_source", "requested"), content_mode=job.content_mode,
        tier=job.metadata["user_tier"], prompt=job.original_prompt, system_prompt=resolved.system_prompt,
        rules=_rules(resolved, weights), character=_character(resolved), final_prompt=final,
        negative_prompt=resolved.negative_prompt, rewrite_applies=rewrites, rewrite_instruction=instruction,
        compel_weights=weights, parameters=resolved.parameters, lineage=resolved.lineage, warnings=warnings,
        seed=job.seed, resolved=resolved, job=job,
    )


def _preview_job(*, model_type, prompt, job_type, template, character, prompt_version, tags, content_mode,
                 variables, strategy, tier, seed, user) -> Job:
    """An unsaved job of these inputs, checked as ``job_submit`` checks them (with its own helpers)."""
    model_type = choice_check(model_type, ModelType, "model_type")
    allowed = JOB_TYPES_BY_MODEL[ModelType(model_type)]
    job_type = job_type or allowed[0]
    if job_type not in allowed:
        raise ValidationError({"job_type": f"{model_type} runs {' or '.join(allowed)}, not {job_type!r}."})
    if strategy != AUTO:
        strategy = choice_check(strategy, EnhancementStrategy, "strategy")
    strategy, strategy_source = strategy_allowed(model_type, strategy, model_config_active(model_type))
    if content_mode not in ("sfw", "nsfw"):
        raise ValidationError({"content_mode": "content_mode must be 'sfw' or 'nsfw'."})
    variables = variables_check(variables)
    original, _inline = inline_loras(original_prompt_build(prompt, prompt_version, variables))
    original = check_prompt(original)
    if term := blocked_term_in(original, blocked_terms(content_mode)):
        raise ValidationError({"prompt": f"The prompt contains “{term}”, which the content policy blocks for "
                                         f"{content_mode.upper()} submissions."})
    if strategy in COMPEL_STRATEGIES:
        if model_type != ModelType.SDXL:
            raise ValidationError({"strategy": "Compel weighting is SDXL-only; use none or qwen for WAN."})
        check_compel_syntax(original)
    if template is not None and template.model_family != model_type.lower():
        raise ValidationError({"template": f"{template} is a {template.model_family} template, not "
                                           f"{model_type.lower()}."})
    metadata = {"template_ids": [str(template.pk)] if template is not None else [], "variables": variables}
    metadata["user_tier"], metadata["tier_source"] = tier_resolve(tier, user)
    if strategy_source == AUTO:
        metadata["strategy_source"] = AUTO
    job = Job(model_type=model_type, job_type=job_type, enhancement_strategy=strategy, original_prompt=original,
              prompt_version=prompt_version, character=character, content_mode=content_mode,
              tags=sorted(set(tags)), seed=seed if seed is not None else random.randrange(2**32), metadata=metadata)
    return job


def template_entry(template) -> TemplateEntry:
    """A ``PromptTemplate`` row as the snapshot entry resolution reads (any version, active or not)."""
    return TemplateEntry(str(template.pk), template.name, template.model_family, template.use_case,
                         template.template_type, template.content_mode, template.content, template.version)


def _compel_weights(job) -> dict:
    """The weights a compel/hybrid job of the active configuration gets (``gpu.stages._compel_config``)."""
    config = model_config_active(job.model_type)
    return dict(config.compel_weights if config else DEFAULT_COMPEL_WEIGHTS)


def _rules(resolved: ResolvedPrompt, weights: dict | None) -> list[dict]:
    """The rules in the order they enter the final prompt: prepends, then appends, each by priority."""
    return [
        {"id": rule.id, "name": rule.name, "position": rule.rule_type, "content": rule.content,
         "priority": rule.priority, "weight_group": rule.weight_group, "tags": list(rule.tags),
         "weight": (weights or {}).get(rule.weight_group) if weights else None}
        for rule in (*resolved.prepend, *resolved.append)
    ]


def _character(resolved: ResolvedPrompt) -> dict | None:
    entry = resolved.character
    if entry is None:
        return None
    return {"id": entry.id, "slug": entry.slug, "name": entry.name, "base_prompt": entry.base_prompt,
            "negative_prompt": entry.negative_prompt}


def _policy_warnings(text: str, content_mode: str) -> list[str]:
    if term := blocked_term_in(text, blocked_terms(content_mode)):
        return [f"The final prompt contains “{term}”, which the content policy blocks for {content_mode.upper()} "
                "jobs: a job would fail as content_filter."]
    return []


@dataclass
class Rewrite:
    """What the Qwen rewrite of a preview returned, and how long each part took."""

    text: str
    final_prompt: str
    expansion_percent: float | None
    input_tokens: int
    output_tokens: int
    model_ms: int
    queue_wait_ms: int
    round_trip_ms: int
    stopped_by_time: bool
    call: dict
    worker: str
    warnings: list[str]


def playground_rewrite(preview: Preview, *, wait_s: float | None = None) -> Rewrite:
    """Run only the Qwen rewrite of ``preview`` on the ``enhance`` worker and wait for it (``PLAYGROUND_WAIT_S``).

    The worker builds the call as the ``enhance`` stage does (``gpu.stages.rewrite_call``) from the preview's
    rewrite instruction. ``QueueUnavailable`` when Redis is down or no worker listens, ``PlaygroundTimeout``
    after the wait, ``PlaygroundFailed`` when the worker raised; a ``ValidationError`` on ``rewrite`` when
    no Qwen model is configured.
    """
    backend = model_backend_get("qwen")
    if backend is None or not backend.enabled or not backend.path:
        raise ValidationError({"rewrite": "No model is configured for qwen; run `manage.py build_tiny_models` or set "
                                          "its directory under Model Configuration → Model backends."})
    payload = {"model_type": preview.model_type, "prompt": preview.prompt, "seed": preview.seed,
               "system_prompt": preview.rewrite_instruction, "content_mode": preview.content_mode}
    result, round_trip_ms = run_on_enhance(PREVIEW_REWRITE_JOB, payload, wait_s=wait_s,
                                           job_timeout=backend.job_timeout_s)
    job = copy.copy(preview.job)
    job.enhanced_prompt = result["text"]
    final = compose(preview.resolved, core_prompt(job), preview.compel_weights)
    warnings = _policy_warnings(result["text"], preview.content_mode) + _policy_warnings(final, preview.content_mode)
    if result["call"].get("empty_output"):
        warnings.append("The rewrite came back empty: the prompt is kept, as a job would keep it.")
    return Rewrite(
        text=result["text"], final_prompt=final, expansion_percent=expansion_percent(preview.prompt, result["text"]),
        input_tokens=result["input_tokens"], output_tokens=result["output_tokens"], model_ms=result["model_ms"],
        queue_wait_ms=result["queue_wait_ms"], round_trip_ms=round_trip_ms, stopped_by_time=result["stopped_by_time"],
        call=result["call"], worker=result["worker"], warnings=list(dict.fromkeys(warnings)),
    )


def run_on_enhance(func: str, payload: dict, *, wait_s: float | None, job_timeout: int) -> tuple[dict, int]:
    """Enqueue ``func(payload)`` on ``enhance`` now (not at commit) and block until its result; return it and the
    round trip in ms. An RQ job nobody started within the wait leaves the queue (and expires: ``ttl``)."""
    from redis.exceptions import RedisError
    from rq.results import Result

    wait = max(1, math.ceil(wait_s if wait_s is not None else settings.PLAYGROUND_WAIT_S))
    started = time.monotonic()
    try:
        queue = queues.queue(ENHANCE, at_commit=False)
        if not _live_workers(queue):
            raise QueueUnavailable(NO_WORKER)
        rq_job = queue.enqueue(func, payload, job_timeout=job_timeout, ttl=wait, result_ttl=RESULT_TTL_S,
                               failure_ttl=RESULT_TTL_S)
        result = None
        while result is None and (left := started + wait - time.monotonic()) > 0:
            result = rq_job.latest_result(timeout=max(1, min(WAIT_SLICE_S, math.ceil(left))))
        if result is None:
            queue.remove(rq_job.id)  # not started yet: nobody will start it now (a running one finishes)
    except RedisError as exc:
        logger.warning("playground: the enhance queue is unavailable (%s)", exc)
        raise QueueUnavailable(UNAVAILABLE) from None
    if result is None:
        raise PlaygroundTimeout(f"The enhance worker did not answer within {wait} s (PLAYGROUND_WAIT_S); try again "
                                "when the queue is shorter.")
    if result.type != Result.Type.SUCCESSFUL:
        last = (result.exc_string or "").strip().splitlines()[-1:] or ["no error text"]
        raise PlaygroundFailed(f"The worker could not run it: {last[0]}")
    return result.return_value, int((time.monotonic() - started) * 1000)


def _live_workers(queue) -> int:
    """Workers registered on ``queue`` whose command channel still has its subscriber. A killed worker's
    registration outlives it (up to its job timeout); its subscription ends with its connection."""
    from rq import Worker

    channels = [worker.pubsub_channel_name for worker in Worker.all(queue=queue)]
    return sum(count for _channel, count in queue.connection.pubsub_numsub(*channels)) if channels else 0
