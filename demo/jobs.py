"""Build one demo ``Job`` from its index: a pure function of (seed, index, context, now).

Kept lean on purpose: a million jobs go through here, so it builds model
instances directly (no ``full_clean``) from precomputed constants.
"""

import functools
import random
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from demo import dynamic, phrases
from demo.context import DemoContext
from demo.failures import NOTES, failure
from demo.keys import job_rng, job_uuid, pick
from generations.models import Job
from generations.models.jobs import expansion_percent
from ourvidz_admin.choices import EnhancementStrategy as S
from ourvidz_admin.choices import FailureReason, JobStatus, JobType

DAY = 86_400
MODEL_USED = {"SDXL": "sdxl-lustify-v2", "WAN": "wan2.1-t2v-1.3b"}
STRATEGIES = {"SDXL": ((S.NONE, 25), (S.QWEN, 20), (S.COMPEL, 22), (S.HYBRID, 33)),
              "WAN": ((S.NONE, 55), (S.QWEN, 45))}
JOB_TYPES = {"SDXL": ((JobType.TEXT_TO_IMAGE, 80), (JobType.IMAGE_TO_IMAGE, 20)),
             "WAN": ((JobType.TEXT_TO_VIDEO, 75), (JobType.IMAGE_TO_VIDEO, 25))}
SIZES = {"SDXL": (((1024, 1024), 50), ((832, 1216), 30), ((1216, 832), 20)), "WAN": (((832, 480), 1),)}
RATINGS = {S.NONE: (5, 12, 35, 33, 15), S.COMPEL: (3, 8, 30, 38, 21), S.QWEN: (2, 6, 22, 42, 28),
           S.HYBRID: (2, 4, 16, 42, 36)}
# Test series and which jobs can belong to them: (name, predicate on (job, subject, tags)).
TEST_SERIES = (
    ("couples-v3", lambda job, subject, tags: "couple" in subject),
    ("portrait-baseline", lambda job, subject, tags: "portrait" in tags and job.model_type == "SDXL"),
    ("lighting-sweep", lambda job, subject, tags: True),
    ("wan-motion-ab", lambda job, subject, tags: job.model_type == "WAN"),
    ("compel-weights-grid", lambda job, subject, tags: job.enhancement_strategy in (S.COMPEL, S.HYBRID)),
    ("qwen-length-test", lambda job, subject, tags: job.enhancement_strategy in (S.QWEN, S.HYBRID)),
    ("negative-prompt-trim", lambda job, subject, tags: job.model_type == "SDXL"),
)
GUIDANCE = {value: Decimal(value) for value in ("6.5", "7.0", "7.5", "8.0")}
CENT = Decimal("0.01")
# The stage costs the worker would have recorded at the seeded cost rates (configs migration 0013).
TOKEN_RATE, GPU_HOUR_RATE, MICRO = Decimal("0.40"), Decimal("2.50"), Decimal("0.000001")
NEGATIVE = {"SDXL": dynamic.SDXL_NEGATIVE, "WAN": dynamic.WAN_NEGATIVE}
# Enhancer prompt tokens: system + rewrite template, then ~4 characters per token.
QWEN_OVERHEAD_TOKENS = 160


def qwen_tokens(original: str, enhanced: str) -> tuple[int, int]:
    """(input, output) token counts of one Qwen rewrite, estimated at ~4 characters per token."""
    return QWEN_OVERHEAD_TOKENS + len(original) // 4, len(enhanced) // 4 + 8


# Every TWIN_EVERY-th job re-runs the job before it without enhancement (same model, type, prompt and
# seed) when that one was enhanced: the baseline that gives the enhanced job its quality_improvement.
TWIN_EVERY = 6
TWIN_FIELDS = ("model_type", "job_type", "model_used", "user_id", "model_config_id", "negative_prompt",
               "worker_name", "original_prompt", "test_series", "seed", "num_inference_steps", "guidance_scale",
               "width", "height", "frame_count", "motion_bucket", "prompt_version_id", "character_id", "attempts")


def build_job(index: int, seed: int, ctx: DemoContext, now: datetime) -> Job:
    """Demo job ``index``: the same whatever ``--jobs`` is, timestamps relative to ``now``.

    An enhanced job followed by its baseline twin gets ``quality_improvement``
    = its stars minus the twin's, as ``analytics.rollups.quality`` defines it.
    """
    if index % TWIN_EVERY == TWIN_EVERY - 1:
        twin = _baseline_twin(index, seed, ctx, now)
        if twin is not None:
            return twin
    job = _build(index, seed, ctx, now)
    if index % TWIN_EVERY == TWIN_EVERY - 2 and job.enhancement_strategy != S.NONE:
        twin = _baseline_twin(index + 1, seed, ctx, now, enhanced=job)
        if twin.quality_rating is not None and job.quality_rating is not None:
            job.quality_improvement = Decimal(job.quality_rating - twin.quality_rating).quantize(CENT)
    return job


def _baseline_twin(index: int, seed: int, ctx: DemoContext, now: datetime, enhanced: Job | None = None):
    """Job ``index`` as the unenhanced re-run of job ``index - 1``; None when that one was not enhanced."""
    enhanced = enhanced or _build(index - 1, seed, ctx, now)
    if enhanced.enhancement_strategy == S.NONE:
        return None
    rng = job_rng(seed, index)
    job = Job(id=job_uuid(index), enhancement_strategy=S.NONE, final_prompt=enhanced.original_prompt,
              **{name: getattr(enhanced, name) for name in TWIN_FIELDS})
    job.metadata = {"queue": job.model_type.lower(), "client": "portal", "preset": "Disabled",
                    "user_tier": enhanced.metadata["user_tier"], "tier_source": "user"}
    job.content_mode = enhanced.content_mode
    job.lineage = {**enhanced.lineage, "template_versions": {
        key: version for key, version in enhanced.lineage["template_versions"].items() if not key.startswith("qwen-")
    }}
    _timeline(rng, job, now)
    _costs(job)
    _review(rng, job, ctx, now)
    return job


def _build(index: int, seed: int, ctx: DemoContext, now: datetime) -> Job:
    rng = job_rng(seed, index)
    model = "SDXL" if rng.random() < 0.6 else "WAN"
    job = Job(id=job_uuid(index), model_type=model, job_type=pick(rng, JOB_TYPES[model]),
              enhancement_strategy=pick(rng, STRATEGIES[model]), model_used=MODEL_USED[model],
              user_id=rng.choice(ctx.user_ids), model_config_id=ctx.active_configs.get(model),
              negative_prompt=NEGATIVE[model], worker_name=f"gpu-worker-{rng.randint(1, 4)}")
    video = model == "WAN"
    job.original_prompt, subject, tags, style = phrases.user_prompt(rng, video)
    if rng.random() < 0.2:
        job.test_series = rng.choice([name for name, fits in TEST_SERIES if fits(job, subject, tags)])
    _parameters(rng, job, ctx)
    _enhance(rng, job, ctx, subject, style, video)
    _audience(job)
    _lineage(job, ctx, tags)
    _timeline(rng, job, now)
    _costs(job)
    _review(rng, job, ctx, now)
    return job


DEMO_TIERS = ("free", "free", "free", "starter", "pro", "pro", "premium", "admin")


def _audience(job: Job) -> None:
    """Tier and content mode, from the job's seed (drawing no random number, so every other demo figure stays)."""
    job.metadata["user_tier"], job.metadata["tier_source"] = DEMO_TIERS[(job.seed >> 3) % len(DEMO_TIERS)], "user"
    job.content_mode = "nsfw" if job.seed % 4 == 0 else "sfw"


def _costs(job: Job) -> None:
    """``enhancement_cost`` of a job whose rewrite ran, ``generation_cost`` of a completed one."""
    if job.enhanced_prompt and job.qwen_tokens_used:
        job.enhancement_cost = (job.qwen_tokens_used * TOKEN_RATE / 1_000_000).quantize(MICRO, ROUND_HALF_UP)
    if job.status == JobStatus.COMPLETED and job.inference_time_ms is not None:
        job.generation_cost = (job.inference_time_ms * GPU_HOUR_RATE / 3_600_000).quantize(MICRO, ROUND_HALF_UP)


def _parameters(rng: random.Random, job: Job, ctx: DemoContext) -> None:
    job.seed = rng.randrange(2**32)
    job.num_inference_steps = pick(rng, ((25, 70), (20, 10), (30, 12), (40, 8)))
    job.guidance_scale = GUIDANCE[pick(rng, (("7.5", 70), ("7.0", 12), ("8.0", 10), ("6.5", 8)))]
    job.width, job.height = pick(rng, SIZES[job.model_type])
    if job.model_type == "WAN":
        job.frame_count = pick(rng, ((64, 75), (32, 15), (96, 10)))
        job.motion_bucket = pick(rng, ((127, 80), (90, 10), (150, 10)))
    if ctx.version_ids and rng.random() < 0.3:
        job.prompt_version_id = rng.choice(ctx.version_ids)
    if ctx.characters and rng.random() < 0.1:
        job.character_id, _slug, base = rng.choice(ctx.characters)
        job.original_prompt = f"{base}, {job.original_prompt}"
    job.attempts = 2 if rng.random() < 0.05 else 1


def _enhance(rng, job: Job, ctx: DemoContext, subject: str, style: str, video: bool) -> None:
    strategy, original = job.enhancement_strategy, job.original_prompt
    final = original
    if strategy in (S.QWEN, S.HYBRID):
        enhanced = phrases.enhanced_prompt(rng, subject, style, video)
        job.enhanced_prompt = final = enhanced
        job.enhancement_time_ms = rng.randint(6_000, 16_000)
        job.qwen_expansion_percentage = expansion_percent(original, enhanced)
        job.qwen_tokens_used = sum(qwen_tokens(original, enhanced))
    if strategy in (S.COMPEL, S.HYBRID) and ctx.compel:
        config_id, weights, _hash, _share = pick(rng, [(row, row[3]) for row in ctx.compel])
        job.compel_config_id, job.compel_weights = config_id, weights
        if strategy == S.COMPEL:
            job.enhancement_time_ms = rng.randint(20, 150)
            body = ", ".join(part for part in original.split(", ") if part != subject)
            final = phrases.compel_prompt(rng, subject, body, weights, style)
        else:
            lead, rest = phrases.split_lead(final)
            final = phrases.compel_prompt(rng, lead, rest, weights, style)
    job.final_prompt = final
    job.metadata = {"queue": job.model_type.lower(), "client": "portal" if rng.random() < 0.7 else "api"}
    preset = _preset(rng, job.model_type, strategy)
    if preset:
        job.metadata["preset"] = preset


def _preset(rng, model: str, strategy: str) -> str | None:
    """The enhancement preset a job ran under: strategy plus Compel availability (SDXL only)."""
    if strategy == S.NONE:
        return "Disabled"
    if strategy == S.COMPEL:
        return "Speed Focus"
    if strategy == S.HYBRID or model == "WAN":  # Quality presets on WAN run Qwen only.
        return pick(rng, (("Quality Focus", 70), ("Maximum Quality", 20), ("Portrait Studio", 10)))
    return None  # Qwen-only on SDXL is a manual choice, not a preset.


@functools.lru_cache(maxsize=256)
def _lineage_parts(job_type: str, enhanced: bool, tags: tuple[str, ...]) -> tuple[dict, list[str]]:
    keys = {JobType.TEXT_TO_IMAGE: ("sdxl-t2i-system", "sdxl-t2i-negative-sfw"),
            JobType.IMAGE_TO_IMAGE: ("sdxl-i2i-rewrite", "sdxl-i2i-negative"),
            JobType.TEXT_TO_VIDEO: ("wan-t2v-system", "wan-t2v-negative"),
            JobType.IMAGE_TO_VIDEO: ("wan-i2v-system", "wan-i2v-negative")}[job_type]
    if enhanced:
        video = job_type in (JobType.TEXT_TO_VIDEO, JobType.IMAGE_TO_VIDEO)
        keys += ("qwen-enhance-system", "qwen-rewrite-wan" if video else "qwen-rewrite-sdxl")
    family = "sdxl" if job_type in (JobType.TEXT_TO_IMAGE, JobType.IMAGE_TO_IMAGE) else "wan"
    return keys, dynamic.rule_ids(family, set(tags))


def _lineage(job: Job, ctx: DemoContext, tags) -> None:
    enhanced = job.enhancement_strategy in (S.QWEN, S.HYBRID)
    keys, rules = _lineage_parts(job.job_type, enhanced, tuple(tags))
    slug = next((slug for pk, slug, _b in ctx.characters if pk == job.character_id), None)
    job.lineage = {
        "template_versions": {key: ctx.template_versions.get(key) for key in keys},
        "rule_ids": rules,
        "character": slug,
        "parameters": {"guidance_scale": float(job.guidance_scale), "num_inference_steps": job.num_inference_steps,
                       "seed": job.seed, "width": job.width, "height": job.height},
    }


def _timeline(rng: random.Random, job: Job, now: datetime) -> None:
    """Timestamps and status; a job whose run would end after ``now`` is still queued."""
    if rng.random() < 0.015:  # a busy last hour with a backlog, so live views have something to show
        age, wait = rng.uniform(0, 3_600), rng.uniform(5, 900)
    else:  # half uniform, half ramping up toward now: recent days are busier
        u = rng.random()
        age = 30 * DAY * (u if rng.random() < 0.5 else 1 - (1 - u) ** 0.5)
        wait = rng.uniform(1, 25 if job.model_type == "SDXL" else 90)
    run = (job.enhancement_time_ms or 0) / 1000 + (
        rng.uniform(25, 60) if job.model_type == "SDXL" else rng.uniform(90, 200))
    outcome = pick(rng, ((JobStatus.COMPLETED, 89.5), (JobStatus.FAILED, 8), (JobStatus.CANCELLED, 2.5)))
    job.created_at = now - timedelta(seconds=age)
    job.queued_at = job.created_at + timedelta(seconds=rng.uniform(0.05, 0.6))
    start = job.queued_at + timedelta(seconds=wait + (rng.uniform(20, 120) if job.attempts > 1 else 0))
    if outcome == JobStatus.CANCELLED:
        return _cancel(rng, job, start, run, now)
    if start > now:
        return _unstarted(job)
    end = start + timedelta(seconds=run * (1 if outcome == JobStatus.COMPLETED else rng.uniform(0.1, 0.9)))
    if end > now:
        # No demo job is left processing: no worker of the demo holds it, so the first reaper pass (at
        # `make run`) would fail it as "worker died". One that would still run is still waiting instead.
        return _unstarted(job)
    job.started_at = start
    if outcome == JobStatus.COMPLETED:
        job.status, job.completed_at, job.progress = JobStatus.COMPLETED, end, 1.0
        job.inference_time_ms = int((run - (job.enhancement_time_ms or 0) / 1000) * 1000)
    else:
        job.status, job.failed_at = JobStatus.FAILED, end
        job.progress = round((end - start).total_seconds() / run, 2)
        job.failure_reason, job.error_message = failure(rng, job.model_type, job.model_used)


def _cancel(rng, job: Job, start: datetime, run: float, now: datetime) -> None:
    cancel = job.queued_at + timedelta(seconds=rng.uniform(2, 90))
    if cancel > now:
        return _unstarted(job)
    if cancel > start:
        job.started_at = start
        job.progress = round(min(0.95, (cancel - start).total_seconds() / run), 2)
    job.status, job.cancelled_at = JobStatus.CANCELLED, cancel
    job.failure_reason, job.error_message = FailureReason.CANCELLED, "Cancelled by the user from the job list."


def _unstarted(job: Job) -> None:
    """A queued job has not been enhanced yet: nothing past the user's prompt exists."""
    job.status, job.progress, job.attempts = JobStatus.QUEUED, 0.0, 0
    job.started_at, job.worker_name = None, ""
    job.enhanced_prompt = job.final_prompt = ""
    job.enhancement_time_ms = job.qwen_expansion_percentage = job.qwen_tokens_used = None


def _review(rng: random.Random, job: Job, ctx: DemoContext, now: datetime) -> None:
    """~70% of completed jobs are rated (74% drawn, minus those too recent to have been reviewed).

    Enhancement skews ratings up.
    """
    if job.status != JobStatus.COMPLETED or rng.random() >= 0.74 or not ctx.reviewer_ids:
        return
    rated_at = job.completed_at + timedelta(seconds=rng.uniform(300, 2 * DAY))
    if rated_at > now:
        return
    weights = RATINGS[job.enhancement_strategy]
    job.quality_rating = pick(rng, list(zip(range(1, 6), weights)))
    job.rated_at, job.rated_by_id = rated_at, rng.choice(ctx.reviewer_ids)
    if rng.random() < 0.15:
        job.notes = rng.choice(NOTES)
