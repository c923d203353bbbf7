"""The job domain's one seam: every state change reaches the JOB_LISTENERS, in order, inside its transaction."""

import pytest
from django.conf import settings
from django.db import transaction
from django.test import override_settings

from configs.services import model_backend_set
from generations import events, lifecycle
from generations.lifecycle import StageRecord
from generations.services import job_cancel, job_rate, job_retry, job_submit
from tests.factories import JobFactory, UserFactory

pytestmark = pytest.mark.django_db

CALLS: list[tuple[str, object, str]] = []
RECORDERS = ["tests.generations.test_events.first_listener", "tests.generations.test_events.second_listener"]


def first_listener(job, change):
    CALLS.append(("first", job.pk, change))


def second_listener(job, change):
    CALLS.append(("second", job.pk, change))


@pytest.fixture
def recorded():
    CALLS.clear()
    with override_settings(JOB_LISTENERS=RECORDERS):
        yield CALLS
    CALLS.clear()


@pytest.fixture
def backends(tmp_path):
    for family in ("qwen", "sdxl", "wan"):
        model_backend_set(family=family, path=str(tmp_path / family), model_name=family)


def _changes(calls) -> list[str]:
    return [change for name, _pk, change in calls if name == "first"]


def test_listeners_are_called_in_setting_order_with_the_job_and_change(recorded):
    job = JobFactory()

    events.job_changed(job, events.RATED)

    assert recorded == [("first", job.pk, "rated"), ("second", job.pk, "rated")]


def test_an_unknown_change_is_refused_before_any_listener_runs(recorded):
    with pytest.raises(ValueError, match="Unknown job change 'archived'; use one of: submitted, enhanced"):
        events.job_changed(JobFactory(), "archived")

    assert recorded == []


def test_listeners_resolve_once_per_setting_value():
    with override_settings(JOB_LISTENERS=RECORDERS):
        first = events.job_listeners()
        again = events.job_listeners()
    with override_settings(JOB_LISTENERS=RECORDERS[:1]):
        narrowed = events.job_listeners()

    assert first is again
    assert [f.__name__ for f in first] == ["first_listener", "second_listener"]
    assert [f.__name__ for f in narrowed] == ["first_listener"]


def test_the_shipped_listeners_are_analytics_reactions():
    assert settings.JOB_LISTENERS == [
        "analytics.job_listeners.job_quality",
        "analytics.job_listeners.job_rollups",
        "analytics.job_listeners.job_ab_tests",
    ]
    assert [f.__module__ for f in events.job_listeners()] == ["analytics.job_listeners"] * 3


def test_submit_and_cancel_of_a_queued_job_announce_submitted_then_cancelled(recorded, backends):
    job = job_submit(prompt="a cat", model_type="SDXL")
    job_cancel(job=job)

    assert _changes(recorded) == ["submitted", "cancelled"]


def test_a_worker_run_announces_enhanced_then_completed(recorded):
    job = JobFactory(enhancement_strategy="qwen", status="processing")
    record = StageRecord(model_family="qwen_base", use_case="enhancement", input_prompt="a cat",
                         output_prompt="a fluffy cat")

    lifecycle.job_enhanced(job=job, enhanced_prompt="a fluffy cat", record=record, expansion=None)
    job.refresh_from_db()
    job.status = "processing"
    job.save(update_fields=["status"])
    lifecycle.job_complete(job=job, outputs=[], record=StageRecord(
        model_family="sdxl", use_case="text_to_image", input_prompt="a fluffy cat", output_prompt="a fluffy cat"),
        fields={})

    assert _changes(recorded) == ["enhanced", "completed"]


def test_a_failure_then_a_retry_announce_failed_then_retried(recorded):
    job = JobFactory(status="processing")

    lifecycle.job_fail(job_id=job.pk, reason="out_of_memory", message="CUDA out of memory")
    job.refresh_from_db()
    job_retry(job=job)

    assert _changes(recorded) == ["failed", "retried"]


def test_a_changed_rating_announces_rated_and_an_unchanged_one_announces_nothing(recorded):
    job = JobFactory(status="completed")
    rater = UserFactory()

    job_rate(job=job, by=rater, rating=4)
    job_rate(job=job, by=rater, rating=4)
    job_rate(job=job, by=rater, notes="sharp")

    assert _changes(recorded) == ["rated"]


def test_a_change_whose_transaction_rolls_back_enqueues_nothing(django_capture_on_commit_callbacks):
    job = JobFactory(status="completed")

    with django_capture_on_commit_callbacks() as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            job_rate(job=job, by=UserFactory(), rating=5)
            raise RuntimeError("the caller's transaction fails after the rating")

    assert callbacks == []


def test_analytics_listeners_queue_their_work_after_commit(django_capture_on_commit_callbacks):
    job = JobFactory(status="completed", compel_config=None, metadata={"preset": "Balanced"})

    with django_capture_on_commit_callbacks() as callbacks:
        job_rate(job=job, by=UserFactory(), rating=5)

    names = sorted(callback.__qualname__ for callback in callbacks)
    assert names == ["ab_tests_job_changed.<locals>.refresh", "rollups_schedule.<locals>.<lambda>",
                     "rollups_schedule.<locals>.<lambda>"]
