"""Enhancement effectiveness: per strategy from job_stats_daily; the view selectors equal the SQL views."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from analytics.dashboards.common import DayRange
from analytics.dashboards.effectiveness import (
    ANALYSIS_FIELDS,
    enhancement_effectiveness,
    job_enhancement_analysis,
    strategy_effectiveness,
)
from analytics.models import EnhancementEffectiveness, JobEnhancementAnalysis
from analytics.rollups.buckets import rebuild_all
from tests.factories import JobFactory

pytestmark = pytest.mark.django_db
UTC = UTC
URL = reverse("admin:analytics_enhancement_effectiveness")
DAY = date(2026, 3, 10)


def _job(created_at, strategy, status="completed", **fields):
    if status == "failed":
        fields.setdefault("failure_reason", "timeout")
    return JobFactory(created_at=created_at, enhancement_strategy=strategy, status=status, **fields)


@pytest.fixture
def recent():
    """Jobs of the last 40 days relative to now, spread so both view windows cut through them."""
    now = timezone.now()
    rows = [
        (1, "qwen", "completed", 5, Decimal("1.20"), 9_000), (2, "qwen", "completed", 3, Decimal("0.40"), 10_001),
        (3, "qwen", "failed", None, None, 7_000), (4, "compel", "completed", 4, Decimal("-0.25"), 2_000),
        (5, "none", "completed", 2, None, None), (6, "none", "cancelled", None, None, None),
        (6.5, "hybrid", "queued", None, None, None), (8, "qwen", "completed", 1, Decimal("-2.00"), 8_000),
        (20, "hybrid", "completed", 5, Decimal("1.00"), 15_000), (31, "none", "completed", 5, None, None),
    ]
    return [
        _job(now - timedelta(days=age), strategy, status, quality_rating=rating, quality_improvement=gain,
             enhancement_time_ms=time, completed_at=now - timedelta(days=age) + timedelta(seconds=45.5)
             if status == "completed" else None)
        for age, strategy, status, rating, gain, time in rows
    ]


def test_enhancement_effectiveness_equals_the_view(recent):
    view = list(EnhancementEffectiveness.objects.order_by("enhancement_strategy").values())

    rows = enhancement_effectiveness()

    assert rows == view
    assert [row["enhancement_strategy"] for row in rows] == ["compel", "hybrid", "none", "qwen"]
    qwen = rows[-1]
    assert qwen["total_jobs"] == 3 and qwen["success_rate"] == pytest.approx(200 / 3)
    assert qwen["avg_quality"] == 4.0 and qwen["high_quality_rate"] == pytest.approx(100 / 3)


def test_job_enhancement_analysis_equals_the_view(recent):
    view = list(JobEnhancementAnalysis.objects.order_by("-created_at", "-id").values(*ANALYSIS_FIELDS))

    rows = list(job_enhancement_analysis())

    assert len(rows) == 9  # the 31-day-old job is outside the 30 days
    assert rows == view
    assert rows[0]["generation_time_seconds"] == pytest.approx(45.5)
    assert [row["enhancement_display_name"] for row in rows[:4]] == [
        "Qwen Only", "Qwen Only", "Qwen Only", "Compel Only"]
    assert rows[6]["enhancement_display_name"] == "Hybrid (Both)" and rows[6]["generation_time_seconds"] is None


@pytest.fixture
def rollup_dataset():
    """One UTC day: qwen 5★ 4★ 3★ and a failure; compel 4★ and a cancellation; nothing for hybrid or none."""
    noon = datetime.combine(DAY, datetime.min.time(), UTC) + timedelta(hours=12)
    for rating, gain, time in ((5, "1.50", 9_000), (4, "0.50", 11_000), (3, None, 10_000)):
        _job(noon, "qwen", quality_rating=rating, quality_improvement=gain and Decimal(gain), enhancement_time_ms=time)
    _job(noon, "qwen", "failed", enhancement_time_ms=6_000)
    _job(noon, "compel", quality_rating=4, enhancement_time_ms=2_000)
    _job(noon, "compel", "cancelled")
    _job(noon - timedelta(days=8), "qwen", quality_rating=1)  # outside the range
    rebuild_all()


def test_strategy_effectiveness_exact_figures(rollup_dataset):
    data = strategy_effectiveness(days=DayRange(DAY - timedelta(days=6), DAY))

    assert set(data) == {"since", "until", "strategies"}
    assert (data["since"], data["until"]) == (DAY - timedelta(days=6), DAY)
    qwen, compel, hybrid, none = data["strategies"]
    assert (none["strategy"], none["jobs"], none["mean_quality"], none["success_rate"]) == ("none", 0, None, None)
    assert hybrid["jobs"] == 0
    assert none["quality_distribution"] == {"5": None, "4": None, "3": None, "2": None, "1": None}
    assert qwen == {
        "strategy": "qwen", "label": "Qwen Only", "jobs": 4, "completed": 3, "failed": 1, "cancelled": 0, "rated": 3,
        "mean_quality": Decimal("4.00"), "mean_improvement": Decimal("1.00"), "mean_enhancement_time_ms": 9_000,
        "success_rate": Decimal("75.00"), "finished_success_rate": Decimal("75.00"),
        "high_quality_rate": Decimal("50.00"),
        "quality_distribution": {"5": Decimal("33.33"), "4": Decimal("33.33"), "3": Decimal("33.33"),
                                 "2": Decimal("0.00"), "1": Decimal("0.00")},
    }
    assert (compel["success_rate"], compel["finished_success_rate"], compel["high_quality_rate"]) == (
        Decimal("50.00"), Decimal("100.00"), Decimal("50.00"))


def test_strategy_effectiveness_is_one_query(rollup_dataset, django_assert_num_queries):
    with django_assert_num_queries(1):
        strategy_effectiveness(days=DayRange(DAY, DAY))


@pytest.mark.parametrize("role", ["viewer", "moderator", "admin"])
def test_page_renders_for_every_role(client, role_user, rollup_dataset, role):
    client.force_login(role_user(role))

    response = client.get(URL, {"from": "2026-03-04", "to": "2026-03-10"})

    html = response.content.decode()
    assert response.status_code == 200
    assert "Qwen Only" in html and "75.0%" in html and "+1.00" in html and "9,000 ms" in html


def test_page_query_count(admin_client, rollup_dataset, django_assert_num_queries):
    admin_client.get(URL)

    with django_assert_num_queries(3):  # session, user, the rollup query
        admin_client.get(URL, {"from": "2026-03-04", "to": "2026-03-10"})


def test_page_shows_date_errors(admin_client):
    response = admin_client.get(URL, {"to": "2026-13-01"})

    assert "To: 2026-13-01 is not a date of the calendar." in response.content.decode()
