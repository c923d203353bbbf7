"""Job submission rejects what it can know is wrong, and writes nothing when it does."""

import pytest
from django.core.exceptions import ValidationError

from configs.models import ModelBackend
from configs.selectors import clear_cache
from configs.services import model_backend_set
from generations.models import Job
from generations.services import job_cancel, job_retry, job_submit
from tests.factories import EnhancedModelConfigFactory, JobFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def backends(tmp_path):
    for family in ("qwen", "sdxl", "wan"):
        model_backend_set(family=family, path=str(tmp_path / family), model_name=family)


def _rejected(**kwargs) -> dict:
    with pytest.raises(ValidationError) as excinfo:
        job_submit(**{"prompt": "a cat", "model_type": "SDXL", **kwargs})
    assert Job.objects.count() == 0
    return excinfo.value.message_dict


@pytest.mark.parametrize(
    "kwargs,field,message",
    [
        ({"prompt": "   "}, "prompt", "The prompt cannot be empty."),
        ({"prompt": "x" * 8001}, "prompt", "The prompt is 8,001 characters; the limit is 8,000."),
        ({"model_type": "MIDJOURNEY"}, "model_type", "Unknown model_type 'MIDJOURNEY'; use one of: SDXL, WAN."),
        ({"strategy": "magic"}, "strategy", "Unknown strategy 'magic'; use one of: none, qwen, compel, hybrid."),
        ({"model_type": "WAN", "strategy": "compel"}, "strategy",
         "Compel weighting is SDXL-only; use none or qwen for WAN."),
        ({"prompt": "(red hat1.3", "strategy": "compel"}, "prompt",
         "Malformed Compel expression: '(' at position 1 is never closed."),
        ({"prompt": "red hat)1.3", "strategy": "hybrid"}, "prompt",
         "Malformed Compel expression: unexpected ')' at position 8."),
        ({"width": 1001}, "width", "width must be a multiple of 8 between 16 and 2048 for SDXL."),
        ({"guidance": 25.0}, "guidance", "guidance must be between 1 and 20, got 25."),
        ({"steps": 500}, "steps", "steps must be between 1 and 150, got 500."),
        ({"content_mode": "spicy"}, "content_mode", "content_mode must be 'sfw' or 'nsfw'."),
    ],
)
def test_submission_rejects_bad_input(kwargs, field, message):
    errors = _rejected(**kwargs)

    assert message in errors[field]


def test_submission_needs_a_configured_model():
    ModelBackend.objects.filter(family="qwen").update(enabled=False)
    clear_cache()

    errors = _rejected(strategy="qwen")

    assert "No model is configured for qwen" in errors["model_type"][0]


def test_submission_queues_job_with_config_and_seed(django_capture_on_commit_callbacks):
    config = EnhancedModelConfigFactory(is_active=True)

    with django_capture_on_commit_callbacks() as callbacks:
        job = job_submit(prompt="  a cat on a windowsill ", model_type="SDXL", strategy="hybrid",
                         tags=["portrait", "portrait"])

    assert (job.status, job.attempts, job.original_prompt) == ("queued", 1, "a cat on a windowsill")
    assert job.model_config == config and job.job_type == "text_to_image"
    assert 0 <= job.seed < 2**32 and job.tags == ["portrait"]
    # a fresh config holds the built-in preset's values; an anonymous submission has the default tier
    assert job.metadata == {"preset": "Quality Focus", "user_tier": "free", "tier_source": "default"}
    assert len(callbacks) == 3  # the enqueue, the rollup refresh and the preset refresh wait for the commit


def test_wan_frame_count_is_rounded_to_4k_plus_1():
    job = job_submit(prompt="a wave", model_type="WAN", frame_count=64)

    assert job.frame_count == 65


def test_cancel_and_retry_rules():
    completed = JobFactory(status="completed")

    with pytest.raises(ValidationError, match="A completed job cannot be cancelled."):
        job_cancel(job=completed)
    with pytest.raises(ValidationError, match="Only failed or cancelled jobs can be retried"):
        job_retry(job=completed)


def test_cancel_running_job_only_flags_it():
    running = JobFactory(status="processing")

    job = job_cancel(job=running)

    assert job.status == "processing" and job.cancel_requested_at is not None


def test_rating_can_be_cleared_and_failed_jobs_keep_a_reason(superuser):
    from generations.services import job_rate

    rated = job_rate(job=JobFactory(), by=superuser, rating=4)
    failed = JobFactory(status="failed", failure_reason="timeout")

    cleared = job_rate(job=rated, by=superuser, clear_rating=True)
    with pytest.raises(ValidationError, match="A failed job keeps a failure reason."):
        job_rate(job=failed, by=superuser, failure_reason="")

    assert (cleared.quality_rating, cleared.rated_by) == (None, superuser)
    assert Job.objects.get(pk=failed.pk).failure_reason == "timeout"
