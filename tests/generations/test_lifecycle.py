"""The worker's tracking rows: one usage row per job and stage, linked to the library prompt the stage ran."""

import pytest

from generations import lifecycle
from generations.lifecycle import StageRecord
from generations.models import Job, PromptUsage
from tests.factories import JobFactory, PromptFactory, PromptVersionFactory

pytestmark = pytest.mark.django_db


def _enhance_record(**extra) -> StageRecord:
    return StageRecord(model_family="qwen_base", use_case="enhancement", input_prompt="a cat",
                       output_prompt="a fluffy cat on a sofa, soft light", response_time_ms=850, tokens_in=12,
                       tokens_out=40, **extra)


def _generate_record() -> StageRecord:
    return StageRecord(model_family="sdxl", use_case="text_to_image", input_prompt="a fluffy cat",
                       output_prompt="a fluffy cat, best quality", response_time_ms=3600)


def test_enhance_usage_is_keyed_by_stage_and_linked_to_the_model_enhancer():
    sdxl_enhancer = PromptFactory(name="sdxl-prompt-enhancer")
    PromptFactory(name="wan-prompt-enhancer")
    job = JobFactory(model_type="SDXL", enhancement_strategy="qwen", status="processing")

    lifecycle.job_enhanced(job=job, enhanced_prompt="a fluffy cat on a sofa, soft light", record=_enhance_record(),
                           expansion=100.0)

    usage = PromptUsage.objects.get(job=job)
    assert (usage.stage, usage.session_id, usage.prompt_id) == ("enhance", "", sdxl_enhancer.pk)
    assert (usage.response_time_ms, usage.tokens_used, usage.success) == (850, 52, True)


def test_redelivered_stages_replace_their_own_row_only():
    PromptFactory(name="wan-prompt-enhancer")
    job = JobFactory(model_type="WAN", job_type="text_to_video", enhancement_strategy="qwen", status="processing")

    for stage in (lifecycle.job_enhanced, lifecycle.job_enhanced, lifecycle.job_complete, lifecycle.job_complete):
        Job.objects.filter(pk=job.pk).update(status="processing")  # what job_start does before each delivery
        if stage is lifecycle.job_enhanced:
            stage(job=job, enhanced_prompt="a boat", record=_enhance_record(), expansion=10.0)
        else:
            stage(job=job, outputs=[], record=_generate_record(), fields={})

    rows = sorted(PromptUsage.objects.filter(job=job).values_list("stage", "prompt__name"))
    assert rows == [("enhance", "wan-prompt-enhancer"), ("generate", None)]


def test_a_pinned_version_names_its_library_prompt():
    PromptFactory(name="sdxl-prompt-enhancer")
    library_prompt = PromptFactory(name="portrait-lighting-guide")
    version = PromptVersionFactory(prompt=library_prompt, system_prompt="Add studio lighting.")
    job = JobFactory(prompt_version=version, enhancement_strategy="qwen", status="processing")

    lifecycle.job_enhanced(job=job, enhanced_prompt="lit cat", record=_enhance_record(), expansion=5.0)

    assert PromptUsage.objects.get(job=job).prompt_id == library_prompt.pk


def test_without_a_library_prompt_the_usage_has_none():
    job = JobFactory(enhancement_strategy="qwen", status="processing")

    lifecycle.job_enhanced(job=job, enhanced_prompt="a cat", record=_enhance_record(), expansion=0.0)

    assert PromptUsage.objects.get(job=job).prompt_id is None


def test_a_stage_finishing_after_its_job_was_reaped_writes_nothing():
    job = JobFactory(enhancement_strategy="none", status="processing")
    Job.objects.filter(pk=job.pk).update(status="failed", failure_reason="worker_died")  # the reaper won

    result = lifecycle.job_complete(job=job, outputs=[], record=_generate_record(), fields={"inference_time_ms": 9})
    lifecycle.job_enhanced(job=job, enhanced_prompt="late", record=_enhance_record(), expansion=1.0)

    stored = Job.objects.get(pk=job.pk)
    assert result is None
    assert (stored.status, stored.failure_reason, stored.inference_time_ms, stored.enhanced_prompt) == (
        "failed", "worker_died", None, "")
    assert not PromptUsage.objects.filter(job=job).exists()


def _output(index: int, clip_score: float | None) -> lifecycle.OutputSpec:
    return lifecycle.OutputSpec(file_name=f"jobs/x/a1-{index}.png", mime_type="image/png", width=64, height=64,
                                file_size_bytes=100, clip_score=clip_score)


def test_completion_stores_each_output_clip_score_and_their_mean_on_the_job():
    job = JobFactory(status="processing")

    lifecycle.job_complete(job=job, outputs=[_output(0, 20.5), _output(1, 31.0)], record=_generate_record(),
                           fields={})

    job.refresh_from_db()
    assert job.clip_score == pytest.approx(25.75)
    assert list(job.outputs.order_by("order_index").values_list("clip_score", flat=True)) == [20.5, 31.0]


def test_a_redelivery_without_scores_clears_the_previous_ones():
    job = JobFactory(status="processing")
    lifecycle.job_complete(job=job, outputs=[_output(0, 20.5)], record=_generate_record(), fields={})
    Job.objects.filter(pk=job.pk).update(status="processing")

    lifecycle.job_complete(job=job, outputs=[_output(0, None)], record=_generate_record(), fields={})

    job.refresh_from_db()
    assert job.clip_score is None
    assert list(job.outputs.values_list("clip_score", flat=True)) == [None]
