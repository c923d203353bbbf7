"""The guide's two views and the prompt tracker's derived analysis."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from analytics.models import EnhancementEffectiveness, JobEnhancementAnalysis
from generations.models import TrackedPrompt
from tests.factories import JobFactory, TrackedPromptFactory

pytestmark = pytest.mark.django_db


def test_job_enhancement_analysis_view():
    now = timezone.now()
    recent = JobFactory(enhancement_strategy="hybrid", created_at=now - timedelta(seconds=90), completed_at=now)
    JobFactory(created_at=now - timedelta(days=31), completed_at=now - timedelta(days=31))

    rows = list(JobEnhancementAnalysis.objects.all())

    assert [row.id for row in rows] == [recent.id]
    assert rows[0].enhancement_display_name == "Hybrid (Both)"
    assert rows[0].generation_time_seconds == pytest.approx(90, abs=0.01)


def test_enhancement_effectiveness_view():
    now = timezone.now()
    for rating, status in ((5, "completed"), (3, "completed"), (None, "failed")):
        JobFactory(enhancement_strategy="qwen", quality_rating=rating, status=status,
                   failure_reason="timeout" if status == "failed" else "", enhancement_time_ms=1000)
    JobFactory(enhancement_strategy="none", quality_rating=2, created_at=now - timedelta(days=8))

    rows = {row.enhancement_strategy: row for row in EnhancementEffectiveness.objects.all()}

    assert set(rows) == {"qwen"}
    qwen = rows["qwen"]
    assert qwen.total_jobs == 3
    assert qwen.avg_quality == pytest.approx(4.0)
    assert qwen.avg_enhancement_time == pytest.approx(1000)
    assert qwen.success_rate == pytest.approx(200 / 3)
    assert qwen.high_quality_rate == pytest.approx(100 / 3)


def test_tracked_prompt_analysis_is_derived():
    tracked = TrackedPromptFactory(prompt="(red hat)1.3, sunset++")

    assert (tracked.prompt_length, tracked.word_count, tracked.special_char_count) == (22, 3, 6)
    assert len(tracked.prompt_hash) == 64


def test_tracker_failed_needs_reason_and_success_has_none():
    with pytest.raises(IntegrityError), transaction.atomic():
        TrackedPromptFactory(outcome="failed", failure_reason="")
    with pytest.raises(IntegrityError), transaction.atomic():
        TrackedPromptFactory(outcome="success", failure_reason="timeout")

    TrackedPromptFactory(outcome="failed", failure_reason="content_filter")
    assert TrackedPrompt.objects.count() == 1
