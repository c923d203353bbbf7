"""job_stats_daily: the rebuild equals an independent raw-SQL computation, and incremental equals rebuild."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.db import connection

from analytics.models import JobStatsDaily
from analytics.rollups.buckets import rebuild_all, rebuild_job_stats_daily, refresh_for_job, rollup_id
from tests.factories import JobFactory, UserFactory

pytestmark = pytest.mark.django_db
UTC = UTC
DAY_SQL = {"postgresql": "CAST(created_at AT TIME ZONE 'UTC' AS DATE)", "sqlite": "date(created_at)"}
RAW_SQL = """
SELECT {day} AS day, model_type, enhancement_strategy, COUNT(*),
       SUM(CASE WHEN status = 'completed' THEN 1 ELSE 0 END),
       SUM(CASE WHEN status = 'failed' THEN 1 ELSE 0 END),
       SUM(CASE WHEN status = 'cancelled' THEN 1 ELSE 0 END),
       COUNT(quality_rating),
       SUM(CASE WHEN quality_rating = 1 THEN 1 ELSE 0 END), SUM(CASE WHEN quality_rating = 2 THEN 1 ELSE 0 END),
       SUM(CASE WHEN quality_rating = 3 THEN 1 ELSE 0 END), SUM(CASE WHEN quality_rating = 4 THEN 1 ELSE 0 END),
       SUM(CASE WHEN quality_rating = 5 THEN 1 ELSE 0 END),
       COALESCE(SUM(quality_rating), 0),
       COALESCE(SUM(CASE WHEN status = 'completed' THEN inference_time_ms END), 0),
       COUNT(CASE WHEN status = 'completed' THEN inference_time_ms END),
       COALESCE(SUM(enhancement_time_ms), 0), COUNT(enhancement_time_ms),
       COALESCE(SUM(quality_improvement), 0), COUNT(quality_improvement)
FROM jobs GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
"""
COLUMNS = ("date", "model_type", "enhancement_strategy", "total_jobs", "completed_jobs", "failed_jobs",
           "cancelled_jobs", "rated_jobs", "stars_1", "stars_2", "stars_3", "stars_4", "stars_5", "rating_sum",
           "inference_time_sum_ms", "inference_time_count", "enhancement_time_sum_ms", "enhancement_time_count",
           "improvement_sum", "improvement_count")
MIDNIGHT = datetime(2026, 3, 10, tzinfo=UTC)


def _raw() -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(RAW_SQL.format(day=DAY_SQL[connection.vendor]))
        rows = cursor.fetchall()
    return [(str(r[0]), *r[1:-2], Decimal(str(r[-2])).quantize(Decimal("0.01")), r[-1]) for r in rows]


def _rollup() -> list[tuple]:
    return [(str(r[0]), *r[1:]) for r in JobStatsDaily.objects.order_by(*COLUMNS[:3]).values_list(*COLUMNS)]


def _job(at: datetime, **fields):
    defaults = {"status": "completed", "inference_time_ms": 40_000}
    if fields.get("model_type") == "WAN":
        defaults["job_type"] = "text_to_video"
    if fields.get("status") == "failed":
        defaults["failure_reason"] = "timeout"
    return JobFactory(created_at=at, **{**defaults, **fields})


@pytest.fixture
def jobs():
    """Two UTC days (a job one microsecond before midnight, one at midnight), both models, every status."""
    user = UserFactory()
    before, at = MIDNIGHT - timedelta(microseconds=1), MIDNIGHT
    return [
        _job(before, user=user, quality_rating=5, enhancement_strategy="qwen", enhancement_time_ms=9_000,
             quality_improvement=Decimal("1.25")),
        _job(before - timedelta(hours=3), user=user, quality_rating=3, enhancement_strategy="qwen",
             enhancement_time_ms=11_000, quality_improvement=Decimal("-0.50")),
        _job(before - timedelta(hours=5), user=user, status="failed", enhancement_strategy="qwen",
             enhancement_time_ms=7_000, inference_time_ms=12_000),  # a failed run's time is not counted
        _job(at, user=user, quality_rating=4, model_type="WAN", inference_time_ms=150_000),
        _job(at + timedelta(hours=2), user=None, status="cancelled", model_type="WAN", inference_time_ms=None),
        _job(at + timedelta(hours=3), user=user, status="queued", inference_time_ms=None, model_type="WAN"),
        _job(at + timedelta(hours=4), user=user, quality_rating=1, enhancement_strategy="hybrid",
             enhancement_time_ms=14_000, inference_time_ms=None),
    ]


def test_rebuild_equals_raw_sql(jobs):
    written = rebuild_job_stats_daily()

    assert written == 3
    assert _rollup() == _raw()
    assert _rollup() == [
        # date, model, strategy, total, completed, failed, cancelled, rated, 1★..5★, rating sum,
        # inference sum/count, enhancement sum/count, improvement sum/count
        ("2026-03-09", "SDXL", "qwen", 3, 2, 1, 0, 2, 0, 0, 1, 0, 1, 8, 80_000, 2, 27_000, 3, Decimal("0.75"), 2),
        ("2026-03-10", "SDXL", "hybrid", 1, 1, 0, 0, 1, 1, 0, 0, 0, 0, 1, 0, 0, 14_000, 1, Decimal("0.00"), 0),
        ("2026-03-10", "WAN", "none", 3, 1, 0, 1, 1, 0, 0, 0, 1, 0, 4, 150_000, 1, 0, 0, Decimal("0.00"), 0),
    ]


def test_rebuild_of_a_range_leaves_other_days_alone(jobs):
    rebuild_job_stats_daily()
    JobStatsDaily.objects.filter(date="2026-03-09").update(total_jobs=99)

    written = rebuild_job_stats_daily(MIDNIGHT.date(), MIDNIGHT.date() + timedelta(days=1))

    assert written == 2
    assert JobStatsDaily.objects.get(date="2026-03-09").total_jobs == 99
    assert JobStatsDaily.objects.get(date="2026-03-10", model_type="WAN").id == rollup_id(
        "job_stats_daily", MIDNIGHT.date(), "WAN", "none")


def test_incremental_refresh_equals_full_rebuild(jobs):
    for job in jobs:
        refresh_for_job(job)
    incremental = _rollup()
    ids = sorted(JobStatsDaily.objects.values_list("id", flat=True))

    result = rebuild_all()

    assert result["job_stats_daily"] == 3
    assert _rollup() == incremental == _raw()
    assert sorted(JobStatsDaily.objects.values_list("id", flat=True)) == ids


def test_rating_a_job_moves_its_day_only(jobs):
    rebuild_job_stats_daily()
    job = jobs[3]  # WAN, 4 stars, 2026-03-10
    job.quality_rating = 2
    job.save()

    refresh_for_job(job)

    row = JobStatsDaily.objects.get(date="2026-03-10", model_type="WAN")
    assert (row.stars_4, row.stars_2, row.rating_sum) == (0, 1, 2)
    assert _rollup() == _raw()
