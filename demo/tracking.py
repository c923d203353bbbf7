"""Prompt logs, live tracking rows and prompt usage of detail jobs (documents 000, 002, 004)."""

import random
from decimal import ROUND_HALF_UP, Decimal

from demo.context import DemoContext
from demo.jobs import qwen_tokens
from demo.keys import demo_uuid
from generations.models import Job, LiveJobTracking, PromptUsage
from ourvidz_admin.choices import EnhancementStrategy as S
from ourvidz_admin.choices import JobStatus, JobType
from prompts.models import PromptLog

COST_PER_TOKEN = Decimal("0.0000004")
MICRO = Decimal("0.000001")
USER_AGENTS = ("OurVidz-Portal/1.4 (admin)", "ourvidz-api-client/2.1 python-httpx/0.27",
               "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 Safari/17.5")
_T2I = {JobType.TEXT_TO_IMAGE: "sdxl-t2i-system", JobType.IMAGE_TO_IMAGE: "sdxl-i2i-rewrite"}


def _enhanced(job: Job) -> bool:
    return job.enhancement_strategy in (S.QWEN, S.HYBRID) and bool(job.enhanced_prompt)


def prompt_log(index: int, job: Job, ctx: DemoContext) -> list[PromptLog]:
    """One log row per enhanced job: the Qwen rewrite, or the Compel resolution for Compel-only jobs."""
    if job.enhancement_strategy == S.NONE or not job.final_prompt:
        return []
    lineage = job.lineage or {}
    common = {"id": demo_uuid("prompt-log", index), "job_id": job.id, "rule_ids": lineage.get("rule_ids", []),
              "character_id": job.character_id, "input_prompt": job.original_prompt,
              "negative_prompt": job.negative_prompt, "response_time_ms": job.enhancement_time_ms,
              "created_at": job.started_at or job.created_at,
              "flags": {"strategy": job.enhancement_strategy, "test_series": job.test_series or None}}
    if _enhanced(job):
        key = "qwen-rewrite-wan" if job.model_type == "WAN" else "qwen-rewrite-sdxl"
        tokens_in, tokens_out = qwen_tokens(job.original_prompt, job.enhanced_prompt)
        return [PromptLog(model_family="qwen_base", use_case="enhancement", template_id=ctx.template_ids.get(key),
                          template_version=ctx.template_versions.get(key), output_prompt=job.enhanced_prompt,
                          tokens_in=tokens_in, tokens_out=tokens_out, **common)]
    key = _T2I.get(job.job_type)
    return [PromptLog(model_family="sdxl", use_case=job.job_type, template_id=ctx.template_ids.get(key),
                      template_version=ctx.template_versions.get(key), output_prompt=job.final_prompt, **common)]


def live_tracking(index: int, job: Job) -> LiveJobTracking:
    """The live-monitoring row of a job; baseline is the rating minus the measured improvement."""
    baseline = None
    if job.quality_rating is not None and job.quality_improvement is not None:
        baseline = Decimal(job.quality_rating) - job.quality_improvement
    return LiveJobTracking(
        id=demo_uuid("live", index), job_id=job.id, user_id=job.user_id, job_type=job.job_type,
        model_type=job.model_type, enhancement_strategy=job.enhancement_strategy,
        original_prompt=job.original_prompt, enhanced_prompt=job.enhanced_prompt,
        enhancement_time_ms=job.enhancement_time_ms, baseline_quality=baseline,
        final_quality=None if job.quality_rating is None else Decimal(job.quality_rating),
        quality_improvement=job.quality_improvement, status=job.status, created_at=job.created_at,
    )


def prompt_usage(rng: random.Random, index: int, job: Job, ctx: DemoContext) -> list[PromptUsage]:
    """One library-prompt call per Qwen rewrite: tokens, cost at $0.0000004 a token, response time."""
    if not _enhanced(job):
        return []
    slug = "wan-prompt-enhancer" if job.model_type == "WAN" else "sdxl-prompt-enhancer"
    key = "qwen-rewrite-wan" if job.model_type == "WAN" else "qwen-rewrite-sdxl"
    tokens_in, tokens_out = qwen_tokens(job.original_prompt, job.enhanced_prompt)
    total = tokens_in + tokens_out
    return [PromptUsage(
        id=demo_uuid("usage", index), prompt_id=ctx.prompt_ids.get(slug), template_id=ctx.template_ids.get(key),
        agent_id=ctx.agent_ids.get("prompt-enhancer"), job_id=job.id, user_id=job.user_id,
        user_prompt=job.original_prompt, enhanced_prompt=job.enhanced_prompt,
        response_time_ms=job.enhancement_time_ms, success=True,
        rating=job.quality_rating if job.status == JobStatus.COMPLETED else None,
        input_tokens=tokens_in, output_tokens=tokens_out, tokens_used=total,
        cost=(total * COST_PER_TOKEN).quantize(MICRO, ROUND_HALF_UP), stage="enhance",
        session_id=f"sess-{job.user_id}-{job.created_at:%Y%m%d}",
        ip_address=f"10.20.{rng.randint(0, 9)}.{rng.randint(2, 250)}",
        user_agent=rng.choice(USER_AGENTS), created_at=job.started_at or job.created_at,
    )]
