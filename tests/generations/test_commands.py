"""Management commands: seed_demo, submit_prompts, job_status, ensure_admin, build_tiny_models."""

from io import StringIO

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command

from configs.models import LoRA, ModelBackend
from configs.services import model_backend_set
from generations.models import Job
from tests.factories import JobFactory, OutputFactory

pytestmark = pytest.mark.django_db


def _run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO())
    return out.getvalue()


def _counts() -> dict[str, int]:
    return {
        model._meta.label: model.objects.count()
        for app in ("prompts", "generations", "analytics", "configs")
        for model in apps.get_app_config(app).get_models()
    }


@pytest.mark.slow
def test_seed_demo_fills_every_model_and_is_idempotent(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)

    _run("seed_demo", "--jobs", "60", "--no-progress")
    first = _counts()
    _run("seed_demo", "--jobs", "60", "--no-progress")

    assert first == _counts()
    assert first["generations.Job"] == 60
    empty = sorted(label for label, count in first.items() if count == 0)
    # Model directories come from build_tiny_models, not demo data; variant jobs exist once a test with more
    # than two arms is started (the demo's four-arm test is a draft: "Start" on its page makes them).
    assert empty == ["analytics.ABTestArmJob", "configs.ModelBackend"], empty


def test_seed_demo_improvements_follow_the_definition(settings, tmp_path):
    from analytics.rollups.quality import quality_rebuild

    settings.MEDIA_ROOT = str(tmp_path)
    _run("seed_demo", "--jobs", "120", "--no-progress")
    measured = Job.objects.filter(quality_improvement__isnull=False).count()

    assert measured > 0  # enhanced jobs followed by a rated baseline twin
    assert quality_rebuild() == 0


def test_seed_demo_queues_its_queued_jobs_for_the_workers(settings, tmp_path, django_capture_on_commit_callbacks):
    import django_rq
    from rq.job import Job as RQJob

    from generations import queueing

    settings.MEDIA_ROOT = str(tmp_path)
    for name in ("enhance", "sdxl", "wan"):
        django_rq.get_queue(name).empty()
    with django_capture_on_commit_callbacks(execute=True):
        _run("seed_demo", "--jobs", "400", "--no-progress")
    queued = list(Job.objects.filter(status="queued"))

    assert queued  # the demo has a backlog
    for job in queued:
        stage = queueing.next_stage(job)
        rq_job = RQJob.fetch(queueing.rq_job_id(job, stage), connection=queueing.connection())
        assert rq_job.origin == queueing.queue_for(job, stage)
    for name in ("enhance", "sdxl", "wan"):
        django_rq.get_queue(name).empty()


def test_seed_demo_rejects_bad_job_count():
    with pytest.raises(CommandError, match="--jobs"):
        _run("seed_demo", "--jobs", "-5")


def test_submit_prompts_prints_one_id_per_line(tmp_path):
    for family in ("qwen", "sdxl", "wan"):
        model_backend_set(family=family, path=str(tmp_path), model_name=family)
    prompts = tmp_path / "prompts.txt"
    prompts.write_text("a red fox\n\na blue heron\n")

    output = _run("submit_prompts", "--model", "SDXL", "--strategy", "compel", "--seed", "5", "--file",
                  str(prompts), "an owl")

    ids = output.split()
    jobs = Job.objects.filter(pk__in=ids)
    assert len(ids) == 3 and jobs.count() == 3
    assert set(jobs.values_list("seed", "enhancement_strategy", "status")) == {(5, "compel", "queued")}


def test_submit_prompts_writes_nothing_when_one_prompt_is_bad(tmp_path):
    for family in ("qwen", "sdxl", "wan"):
        model_backend_set(family=family, path=str(tmp_path), model_name=family)

    with pytest.raises(CommandError, match="Malformed Compel expression"):
        _run("submit_prompts", "--model", "SDXL", "--strategy", "compel", "fine prompt", "(broken")

    assert Job.objects.count() == 0


def test_job_status_prints_status_timings_and_outputs():
    job = JobFactory(status="failed", failure_reason="out_of_memory", error_message="CUDA out of memory")
    OutputFactory(job=job, url="https://cdn.example.com/a.png", width=64, height=64)

    output = _run("job_status", str(job.pk))

    assert f"job        {job.pk}" in output
    assert "status     failed (out_of_memory: CUDA out of memory)" in output
    assert "output     https://cdn.example.com/a.png (image/png, 64x64)" in output


def test_job_status_unknown_id():
    with pytest.raises(CommandError, match="No job with id 'nope'"):
        _run("job_status", "nope")


def test_ensure_admin_creates_once(settings, tmp_path):
    settings.VAR_DIR = tmp_path

    first = _run("ensure_admin", "--username", "boss")
    second = _run("ensure_admin", "--username", "boss")

    assert first.startswith("Created admin account: boss / ")
    assert (tmp_path / "admin-password.txt").read_text().strip() in first
    assert second.startswith("Admin account 'boss' exists")


@pytest.mark.slow
def test_build_tiny_models_configures_backends(tmp_path):
    output = _run("build_tiny_models", "--dir", str(tmp_path))

    backends = {b.family: b.path for b in ModelBackend.objects.all()}
    assert backends == {f: str(tmp_path / f) for f in ("qwen", "sdxl", "wan", "clip")}
    assert (tmp_path / "sdxl" / "model_index.json").exists()
    assert (tmp_path / "clip" / "config.json").exists()
    assert "Workers will load these directories." in output
    assert _run("build_tiny_models", "--dir", str(tmp_path), "--if-missing").startswith("Models already configured")


@pytest.mark.slow
def test_build_tiny_models_if_missing_configures_only_the_missing_families(tmp_path):
    # given real weights configured for SDXL and no CLIP scorer yet
    real = tmp_path / "real-sdxl"
    real.mkdir()
    model_backend_set(family="sdxl", path=str(real), model_name="sdxl-base-1.0")

    output = _run("build_tiny_models", "--dir", str(tmp_path / "tiny"), "--if-missing")

    backends = {b.family: b.path for b in ModelBackend.objects.all()}
    assert backends == {"sdxl": str(real), **{f: str(tmp_path / "tiny" / f) for f in ("qwen", "wan", "clip")}}
    assert "Configured: clip, qwen, wan" in output
    assert not LoRA.objects.filter(name="tiny_style").exists()  # the tiny LoRA does not fit the real SDXL
