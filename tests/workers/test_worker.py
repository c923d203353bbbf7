"""End to end on real worker processes and the tiny models: nothing here mocks a model library."""

import os
import signal
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from configs.services import model_backend_set
from generations.models import Job
from generations.services import job_cancel, job_retry, job_submit
from gpu.models import WorkerHeartbeat
from gpu.outputs import parse_a1111_parameters, probe_mp4, read_png_parameters
from gpu.pipelines import clip
from prompts.models import PromptLog, PromptTemplate
from prompts.services import prompt_cache_refresh
from tests.workers.conftest import wait_for

pytestmark = pytest.mark.slow
SMALL_SDXL = dict(model_type="SDXL", steps=4, width=128, height=128)


def _png_upload(color="teal"):
    buffer = BytesIO()
    Image.new("RGB", (64, 64), color).save(buffer, format="PNG")
    return SimpleUploadedFile("in.png", buffer.getvalue(), content_type="image/png")


def _own_png_upload():
    """A PNG of pixels no other test uploads: inputs are stored once per content hash, so a test that damages
    its stored input must not share that file with the tests that run after it."""
    buffer = BytesIO()
    Image.frombytes("RGB", (64, 64), os.urandom(64 * 64 * 3)).save(buffer, format="PNG")
    return SimpleUploadedFile("own.png", buffer.getvalue(), content_type="image/png")


def _fresh(job) -> Job:
    return Job.objects.get(pk=job.pk)


def test_hybrid_sdxl_job_writes_png_whose_parameters_match_the_job(workers):
    job = job_submit(prompt="portrait of a woman, (red hat)1.3, sunset++", strategy="hybrid", seed=7, **SMALL_SDXL)

    workers.run_burst()

    job = _fresh(job)
    assert job.status == "completed", job.error_message
    assert job.enhanced_prompt and job.enhancement_time_ms is not None and job.qwen_tokens_used > 0
    assert job.compel_config is not None and job.compel_weights == job.compel_config.weights
    output = job.outputs.get()
    data = output.file.read()
    params = parse_a1111_parameters(read_png_parameters(data))
    assert params["prompt"] == job.final_prompt
    assert (params["Seed"], params["Steps"], params["Size"]) == ("7", "4", "128x128")
    assert params["Job id"] == str(job.pk)
    assert params["Model"] == "tiny-sdxl"
    assert (output.width, output.height, output.mime_type) == (128, 128, "image/png")
    assert output.file_size_bytes == len(data) and output.thumbnail
    assert set(PromptLog.objects.filter(job=job).values_list("use_case", flat=True)) == {"enhancement",
                                                                                        "text_to_image"}
    assert job.prompt_usages.count() == 2 and job.tracked_prompts.get().outcome == "success"
    assert sorted(job.prompt_usages.values_list("stage", "session_id")) == [("enhance", ""), ("generate", "")]
    assert job.live_tracking.status == "completed"


def test_wan_text_and_image_to_video_write_mp4_with_requested_frames(workers):
    text = job_submit(prompt="a paper boat drifting", model_type="WAN", steps=2, width=32, height=32, frame_count=9)
    image = job_submit(prompt="the boat sails off", model_type="WAN", steps=2, width=32, height=32, frame_count=9,
                       input_files=[_png_upload("navy")])

    workers.run_burst()

    for job, job_type in ((_fresh(text), "text_to_video"), (_fresh(image), "image_to_video")):
        assert (job.status, job.job_type) == ("completed", job_type), job.error_message
        output = job.outputs.get()
        probe = probe_mp4(output.file.read())
        assert (probe["frames"], probe["codec"], probe["width"], probe["height"]) == (9, "h264", 32, 32)
        assert output.frame_count == 9 and output.mime_type == "video/mp4" and output.thumbnail
        assert 0 <= output.clip_score <= 100 and job.clip_score == output.clip_score  # mean of 8 sampled frames


def test_image_to_image_and_two_jobs_load_the_model_once(workers, tiny_models):
    upload = _png_upload()
    first = job_submit(prompt="a teal square, watercolor", **SMALL_SDXL)
    second = job_submit(prompt="the same square, oil paint", input_files=[upload], **SMALL_SDXL)

    output = workers.run_burst()

    jobs = [_fresh(first), _fresh(second)]
    assert [j.status for j in jobs] == ["completed", "completed"], output
    assert jobs[1].job_type == "image_to_image"
    assert [j.metadata["model_loads"]["sdxl"] for j in jobs] == [1, 1]
    assert [j.metadata["model_loads"]["clip"] for j in jobs] == [1, 1]  # the scorer stays resident too
    assert jobs[0].metadata["worker_pid"] == jobs[1].metadata["worker_pid"]
    # each output is scored against its job's original prompt, as the scorer does in this process
    bundle = clip.load(str(tiny_models["clip"]), "cpu", "float32")
    for job in jobs:
        stored = job.outputs.get()
        with Image.open(stored.file) as image:
            expected = clip.score(bundle, job.original_prompt, [image.convert("RGB")])
        assert stored.clip_score == pytest.approx(expected, abs=1e-4)
        assert job.clip_score == stored.clip_score
        assert job.metadata["clip_model"] == str(tiny_models["clip"]) and "clip_error" not in job.metadata


def test_bad_input_fails_with_the_right_reason(workers, tmp_path):
    corrupted = job_submit(prompt="a river", model_type="WAN", steps=2, width=32, height=32, frame_count=9,
                           input_files=[_own_png_upload()])
    stored = corrupted.inputs.get().file
    with open(stored.path, "wb") as handle:  # the stored input went bad after submission
        handle.write(b"not a png")
    model_backend_set(family="sdxl", path=str(tmp_path / "missing"), model_name="gone")
    missing_model = job_submit(prompt="a lighthouse", **SMALL_SDXL)

    workers.run_burst()

    bad = _fresh(corrupted)
    assert (bad.status, bad.failure_reason) == ("failed", "invalid_parameters")
    assert "cannot be read" in bad.error_message
    missing = _fresh(missing_model)
    assert (missing.status, missing.failure_reason) == ("failed", "model_load_error")
    assert str(tmp_path / "missing") in missing.error_message
    assert missing.outputs.count() == 0 and missing.tracked_prompts.get().failure_reason == "model_load_error"


def test_cancel_queued_and_running_then_retry(workers):
    queued = job_submit(prompt="never runs", **SMALL_SDXL)
    job_cancel(job=queued)
    # ~10 s of diffusion on the tiny model: long enough to be seen running and cancelled mid-way.
    running = job_submit(prompt="a long render", model_type="SDXL", steps=150, width=256, height=256)
    worker = workers.start(burst=False)

    wait_for(lambda: _fresh(running).progress > 0, timeout=120)
    heartbeat = wait_for(lambda: WorkerHeartbeat.objects.filter(current_job=running.pk).first(), timeout=10)
    job_cancel(job=_fresh(running))
    cancelled = wait_for(lambda: (j := _fresh(running)).status == "cancelled" and j, timeout=60)

    assert (heartbeat.pid, heartbeat.queues, heartbeat.device) == (
        worker.pid, ["enhance", "sdxl", "wan", "default"], "cpu"
    )
    assert [m["family"] for m in heartbeat.loaded_models] == ["sdxl"] and heartbeat.current_stage == "generate"
    assert _fresh(queued).status == "cancelled" and _fresh(queued).outputs.count() == 0
    assert cancelled.failure_reason == "cancelled" and 0 < cancelled.progress < 1
    retried = job_retry(job=cancelled)
    assert (retried.status, retried.attempts) == ("queued", 2)
    done = wait_for(lambda: (j := _fresh(running)).status == "completed" and j, timeout=180)
    assert done.outputs.count() == 1
    worker.send_signal(signal.SIGTERM)


def test_killed_worker_leaves_failed_retryable_job(workers):
    # ~10 s of diffusion on the tiny model, killed as soon as the worker claims it: the job cannot finish first.
    job = job_submit(prompt="a long render", model_type="SDXL", steps=150, width=256, height=256)
    worker = workers.start(burst=False, WORKER_STALE_AFTER_S="2")
    wait_for(lambda: _fresh(job).status == "processing", timeout=120, interval=0.05)

    os.kill(worker.pid, signal.SIGKILL)
    worker.wait(timeout=10)
    workers.start(burst=False, WORKER_STALE_AFTER_S="2", WORKER_REAP_EVERY_S="1")
    failed = wait_for(lambda: (j := _fresh(job)).status == "failed" and j, timeout=90)

    assert failed.failure_reason == "worker_died"
    job_retry(job=failed)
    assert wait_for(lambda: _fresh(job).status == "completed", timeout=240)
    assert _fresh(job).attempts == 2 and _fresh(job).outputs.count() == 1


def test_running_worker_picks_up_refreshed_template_after_broadcast(workers):
    PromptTemplate.objects.create(name="sys", model_family="sdxl", use_case="text_to_image",
                                  template_type="system", content="style one", version=1, is_active=True)
    workers.start(burst=False, PROMPT_CACHE_TTL="3600")
    first = job_submit(prompt="a fox", **SMALL_SDXL)
    wait_for(lambda: _fresh(first).status == "completed", timeout=120)

    PromptTemplate.objects.filter(version=1).update(is_active=False)
    PromptTemplate.objects.create(name="sys", model_family="sdxl", use_case="text_to_image",
                                  template_type="system", content="style two", version=2, is_active=True)
    receivers = prompt_cache_refresh()
    second = job_submit(prompt="a fox", **SMALL_SDXL)
    wait_for(lambda: _fresh(second).status == "completed", timeout=120)

    assert receivers >= 1
    assert _fresh(first).final_prompt.startswith("style one")
    assert _fresh(second).final_prompt.startswith("style two")
    assert _fresh(second).lineage["templates"]["system"]["version"] == 2


def test_rollups_follow_the_jobs_through_the_queue(workers):
    from analytics.models import ModelPerformanceLog
    from analytics.rollups.buckets import rebuild_all

    job = job_submit(prompt="a heron at dawn", **SMALL_SDXL)

    workers.run_burst()

    row = ModelPerformanceLog.objects.get(model_type="SDXL")
    assert (row.total_generations, row.successful_generations) == (1, 1)
    assert row.avg_generation_time_ms == _fresh(job).inference_time_ms
    before = list(ModelPerformanceLog.objects.values_list("id", "total_generations", "avg_generation_time_ms"))
    rebuild_all()
    assert list(ModelPerformanceLog.objects.values_list("id", "total_generations", "avg_generation_time_ms")) == before
