"""The incremental rollup path gives the same rows as a full rebuild."""

from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from analytics.models import LivePromptMetric, ModelPerformanceLog, UserEnhancementAdoption
from analytics.rollups.buckets import rebuild_all, refresh_for_job
from tests.factories import JobFactory, UserFactory

pytestmark = pytest.mark.django_db
FIELDS = {
    ModelPerformanceLog: ("id", "model_type", "date", "total_generations", "successful_generations",
                          "failed_generations", "avg_generation_time_ms", "avg_quality_rating",
                          "total_processing_time_ms"),
    LivePromptMetric: ("id", "timestamp", "period_type", "total_jobs", "qwen_enhanced_jobs", "avg_quality_gain",
                       "qwen_success_rate", "sdxl_enhancement_usage"),
    UserEnhancementAdoption: ("id", "user", "date", "total_jobs", "jobs_with_enhancement",
                              "enhancement_adoption_rate", "avg_quality_improvement", "first_enhancement_date"),
}


def _snapshot():
    return {model: sorted(model.objects.values_list(*fields)) for model, fields in FIELDS.items()}


def test_incremental_refresh_equals_full_rebuild():
    now = (timezone.now() - timedelta(days=1)).replace(hour=12, minute=0)  # hours back stay in their day
    user = UserFactory()
    jobs = [
        JobFactory(user=user, created_at=now - timedelta(days=d, hours=h), enhancement_strategy=s, quality_rating=r,
                   status=st, failure_reason="timeout" if st == "failed" else "", inference_time_ms=1000 + d)
        for d, h, s, r, st in [(0, 1, "qwen", 5, "completed"), (0, 2, "none", 3, "completed"),
                               (1, 0, "hybrid", None, "failed"), (2, 3, "compel", 4, "completed")]
    ]
    for job in jobs:
        refresh_for_job(job)
    incremental = _snapshot()

    rebuild_all()

    assert incremental == _snapshot()
    assert ModelPerformanceLog.objects.count() == 3


def test_rating_a_job_updates_its_day():
    job = JobFactory(quality_rating=None, inference_time_ms=500)
    refresh_for_job(job)
    job.quality_rating = 2
    job.save()

    refresh_for_job(job)

    assert ModelPerformanceLog.objects.get().avg_quality_rating == 2


def test_rollup_metrics_command(capsys):
    JobFactory()

    call_command("rollup_metrics", "--since", timezone.now().date().isoformat())

    assert "model_performance 1" in capsys.readouterr().out
    with pytest.raises(CommandError, match="--since must be a date"):
        call_command("rollup_metrics", "--since", "yesterday")
