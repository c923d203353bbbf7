"""The impact of a configuration change, measured from the jobs either side of it."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from analytics.config_impact import config_change_impact, config_change_refresh_impact
from configs.models import ConfigChangeHistory
from configs.selectors import config_change_next_at_subquery
from tests.factories import ConfigChangeHistoryFactory, EnhancedModelConfigFactory, JobFactory

pytestmark = pytest.mark.django_db

AT = timezone.now().replace(microsecond=0) - timedelta(days=20)
DAY = timedelta(days=1)


def _job(offset: timedelta, status="completed", *, rating=None, ms=None, model="SDXL"):
    extra = {"failure_reason": "timeout"} if status == "failed" else {}
    if model == "WAN":
        extra["job_type"] = "text_to_video"
    return JobFactory(created_at=AT + offset, status=status, quality_rating=rating, inference_time_ms=ms,
                      model_type=model, **extra)


@pytest.fixture
def change():
    """An SDXL change at AT whose configuration changes again 3 days later, with jobs around both."""
    config = EnhancedModelConfigFactory()
    change = ConfigChangeHistoryFactory(config=config, changed_at=AT)
    ConfigChangeHistoryFactory(config=config, changed_at=AT + 3 * DAY)
    ConfigChangeHistoryFactory(config=EnhancedModelConfigFactory(), changed_at=AT + DAY)  # another config
    # Before: 4 jobs in [AT - 7 days, AT); 2 completed, 1 failed, 1 queued.
    _job(-DAY, rating=3, ms=4000)
    _job(-2 * DAY, rating=4, ms=6000)
    _job(-3 * DAY, "failed")
    _job(-timedelta(hours=1), "queued")
    _job(-8 * DAY, rating=1, ms=90000)  # before the window
    _job(-DAY, rating=1, ms=90000, model="WAN")  # another model
    # After: 4 jobs in [AT, AT + 3 days), the next change of the same configuration; 3 completed, 1 cancelled.
    _job(timedelta(0), rating=5, ms=3000)
    _job(DAY, rating=4, ms=2000)
    _job(2 * DAY, ms=4000)
    _job(timedelta(hours=1), "cancelled")
    _job(4 * DAY, rating=1, ms=90000)  # after the next change
    return change


def test_impact_compares_jobs_before_and_after_the_change(change):
    impact = config_change_impact(change=change)

    assert impact["before"] == {
        "start": AT - 7 * DAY, "end": AT, "jobs": 4, "completed": 2, "failed": 1,
        "success_rate": Decimal(2) / Decimal(3), "mean_rating": Decimal("3.5"), "mean_time_s": Decimal("5"),
    }
    assert impact["after"] == {
        "start": AT, "end": AT + 3 * DAY, "jobs": 4, "completed": 3, "failed": 0,
        "success_rate": Decimal(1), "mean_rating": Decimal("4.5"), "mean_time_s": Decimal("3"),
    }
    assert impact["delta"] == {
        "jobs": 0, "success_rate": Decimal(1) - Decimal(2) / Decimal(3), "mean_rating": Decimal("1.0"),
        "mean_time_s": Decimal("-2"),
    }


def test_impact_after_window_ends_after_window_when_no_later_change(change):
    ConfigChangeHistory.objects.filter(changed_at=AT + 3 * DAY).delete()

    impact = config_change_impact(change=change, window=5 * DAY)

    assert (impact["before"]["start"], impact["after"]["end"]) == (AT - 5 * DAY, AT + 5 * DAY)
    assert (impact["before"]["jobs"], impact["after"]["jobs"]) == (4, 5)


def test_impact_with_no_jobs_has_no_means():
    change = ConfigChangeHistoryFactory(changed_at=AT)

    impact = config_change_impact(change=change)

    assert impact["after"] == {
        "start": AT, "end": AT + 7 * DAY, "jobs": 0, "completed": 0, "failed": 0, "success_rate": None,
        "mean_rating": None, "mean_time_s": None,
    }
    assert impact["delta"] == {"jobs": 0, "success_rate": None, "mean_rating": None, "mean_time_s": None}


def test_impact_is_one_aggregate_query_per_side(change, django_assert_num_queries):
    annotated = ConfigChangeHistory.objects.annotate(next_changed_at=config_change_next_at_subquery()).get(pk=change.pk)

    with django_assert_num_queries(2):
        assert config_change_impact(change=annotated)["after"]["end"] == AT + 3 * DAY
    with django_assert_num_queries(3):
        assert config_change_impact(change=change)["after"]["end"] == AT + 3 * DAY


def test_refresh_impact_stores_jobs_quality_and_seconds(change):
    config_change_refresh_impact(change=change)

    change.refresh_from_db()
    assert (change.jobs_affected, change.quality_impact, change.performance_impact) == (
        4, Decimal("1.00"), Decimal("-2.00"))


def test_refresh_impact_rounds_half_up_to_cents():
    change = ConfigChangeHistoryFactory(changed_at=AT)
    for offset, rating, ms in ((-DAY, 3, 1000), (-DAY, 4, 2000), (-DAY, 4, 2000), (DAY, 5, 1000)):
        _job(offset, rating=rating, ms=ms)

    config_change_refresh_impact(change=change)

    change.refresh_from_db()
    # Ratings 11/3 → 5: +1.333…; times 1.666… s → 1 s: −0.666… s.
    assert (change.jobs_affected, change.quality_impact, change.performance_impact) == (
        1, Decimal("1.33"), Decimal("-0.67"))
