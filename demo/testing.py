"""Prompt tracker rows, prompt test results and enhanced prompt tests of detail jobs (documents 000, 003)."""

import random
from datetime import timedelta
from decimal import Decimal

from django.core.files.storage import default_storage

from analytics.models import EnhancedPromptTest, PromptTestResult
from demo.context import DemoContext
from demo.keys import demo_uuid, pick
from generations.models import Job, TrackedPrompt
from generations.models.jobs import expansion_percent
from generations.prompt_analysis import analyse_prompt, prompt_hash
from ourvidz_admin.choices import EnhancementStrategy as S
from ourvidz_admin.choices import JobStatus

CATEGORIES = {"couples-v3": "couples", "lighting-sweep": "lighting", "portrait-baseline": "portrait",
              "wan-motion-ab": "motion", "compel-weights-grid": "compel", "negative-prompt-trim": "negative",
              "qwen-length-test": "enhancement"}


def _run_ms(job: Job) -> int | None:
    end = job.completed_at or job.failed_at
    return int((end - job.created_at).total_seconds() * 1000) if end else None


def tracked_prompt(rng: random.Random, index: int, job: Job, outputs) -> list[TrackedPrompt]:
    """The tracker keeps every finished prompt; derived columns computed as ``TrackedPrompt.save`` would."""
    if job.status not in (JobStatus.COMPLETED, JobStatus.FAILED):
        return []
    success = job.status == JobStatus.COMPLETED
    text = job.final_prompt or job.original_prompt
    parameters = {"steps": job.num_inference_steps, "guidance_scale": float(job.guidance_scale),
                  "width": job.width, "height": job.height, "seed": job.seed}
    if job.frame_count:
        parameters["frame_count"] = job.frame_count
    row = TrackedPrompt(
        id=demo_uuid("tracked", index), job_id=job.id, user_id=job.user_id, prompt=text, prompt_hash=prompt_hash(text),
        ai_model=job.model_used, outcome="success" if success else "failed",
        result_url=default_storage.url(outputs[0].file.name) if success and outputs else "",
        save_method=pick(rng, (("auto", 70), ("manual", 20), ("user_save", 10))) if success else "",
        model_parameters=parameters, failure_reason="" if success else job.failure_reason,
        error_message=job.error_message, quality_rating=job.quality_rating, feedback=job.notes,
        created_at=job.completed_at or job.failed_at, rated_at=job.rated_at, **analyse_prompt(text),
    )
    return [row]


def test_result(index: int, job: Job) -> list[PromptTestResult]:
    """Jobs of a test series were submitted from the Prompt Testing page."""
    if not job.test_series or job.status not in (JobStatus.COMPLETED, JobStatus.FAILED):
        return []
    return [PromptTestResult(
        id=demo_uuid("test-result", index), job_id=job.id, prompt_text=job.original_prompt,
        model_type=job.model_type, prompt_category=CATEGORIES.get(job.test_series, "general"),
        quality_rating=job.quality_rating, generation_time_ms=_run_ms(job),
        success=job.status == JobStatus.COMPLETED, error_message=job.error_message, notes=job.notes,
        tested_by_id=job.user_id, created_at=job.created_at,
    )]


def enhanced_test(rng: random.Random, index: int, job: Job, ctx: DemoContext, outputs) -> list[EnhancedPromptTest]:
    """About half of the rated enhanced jobs are recorded as enhancement experiments."""
    if job.enhancement_strategy == S.NONE or job.quality_improvement is None or rng.random() >= 0.5:
        return []
    enhanced = job.enhanced_prompt or job.final_prompt
    original = job.original_prompt
    hashes = {pk: digest for pk, _weights, digest, _share in ctx.compel}
    return [EnhancedPromptTest(
        id=demo_uuid("enhanced-test", index), job_id=job.id, original_prompt=original, enhanced_prompt=enhanced,
        enhancement_strategy=job.enhancement_strategy, model_type=job.model_type, job_type=job.job_type,
        original_length=len(original), enhanced_length=len(enhanced),
        expansion_percentage=expansion_percent(original, enhanced),
        enhancement_time_ms=job.enhancement_time_ms, compel_weights=job.compel_weights,
        weight_config_hash=hashes.get(job.compel_config_id, ""),
        baseline_quality=Decimal(job.quality_rating) - job.quality_improvement,
        enhanced_quality=Decimal(job.quality_rating), quality_improvement=job.quality_improvement,
        consistency_score=None, generation_time_ms=job.inference_time_ms,
        file_size_bytes=outputs[0].file_size_bytes if outputs else None, success=True,
        test_series=job.test_series, test_tier=pick(rng, (("free", 30), ("pro", 45), ("premium", 25))),
        notes=job.notes, created_at=job.rated_at + timedelta(minutes=1), tested_by_id=job.rated_by_id,
    )]
