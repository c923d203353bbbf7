"""User adoption from user_enhancement_adoption: summary, strategy preferences, quality, learning curve."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal as D

import pytest
from django.urls import reverse

from analytics.dashboards.adoption import adoption_days, adoption_learning, adoption_summary, user_adoption
from analytics.dashboards.common import DayRange, utc_today
from tests.factories import UserEnhancementAdoptionFactory, UserFactory

pytestmark = pytest.mark.django_db
UTC = UTC
URL = reverse("admin:analytics_user_adoption")
RANGE = DayRange(date(2026, 2, 28), date(2026, 3, 9))


def _day(user, day, total, *, qwen=0, compel=0, hybrid=0, first=None, with_=None, without=None):
    none = total - qwen - compel - hybrid
    gain = with_ - without if with_ is not None and without is not None else None
    return UserEnhancementAdoptionFactory(
        user=user, date=day, total_jobs=total, jobs_with_enhancement=total - none, qwen_usage_count=qwen,
        compel_usage_count=compel, hybrid_usage_count=hybrid, no_enhancement_count=none,
        avg_quality_with_enhancement=with_, avg_quality_without_enhancement=without, avg_quality_improvement=gain,
        first_enhancement_date=first)


@pytest.fixture
def dataset():
    """A first enhanced on 03-01 (a day before, that day, a week later); B since January; C never."""
    a, b, c = UserFactory(username="a"), UserFactory(username="b"), UserFactory(username="c")
    first_a, first_b = datetime(2026, 3, 1, 10, tzinfo=UTC), datetime(2026, 1, 1, 8, tzinfo=UTC)
    _day(a, date(2026, 2, 28), 4, first=first_a, without=D("3.00"))
    _day(a, date(2026, 3, 1), 5, qwen=2, hybrid=1, first=first_a, with_=D("4.00"), without=D("3.00"))
    _day(a, date(2026, 3, 9), 2, compel=2, first=first_a, with_=D("5.00"))
    _day(b, date(2026, 3, 5), 10, qwen=5, first=first_b, with_=D("3.50"), without=D("4.00"))
    _day(c, date(2026, 3, 5), 3, without=D("2.00"))
    _day(c, date(2026, 3, 10), 7, without=D("1.00"))  # after the range


def test_summary_and_strategy_preferences(dataset):
    summary = user_adoption(days=RANGE)["summary"]

    strategies = summary.pop("strategies")
    assert summary == {
        "users": 3, "user_days": 5, "jobs": 24, "enhanced_jobs": 10, "adoption_rate": D("41.67"), "adopters": 2,
        "adopter_rate": D("66.67"), "quality_with": D("4.17"), "quality_with_user_days": 3,
        "quality_without": D("3.00"), "quality_without_user_days": 4, "quality_gain": D("0.25"),
        "quality_gain_user_days": 2,
    }
    assert [(s["strategy"], s["jobs"], s["job_share"], s["users"]) for s in strategies] == [
        ("qwen", 7, D("29.17"), 2), ("compel", 2, D("8.33"), 1), ("hybrid", 1, D("4.17"), 1),
        ("none", 14, D("58.33"), 3)]


def test_days_newest_first_with_empty_days(dataset):
    days = user_adoption(days=RANGE)["days"]

    assert len(days) == 10
    assert days[0] == {"date": date(2026, 3, 9), "users": 1, "jobs": 2, "enhanced_jobs": 2,
                       "adoption_rate": D("100.00")}
    assert days[1] == {"date": date(2026, 3, 8), "users": 0, "jobs": 0, "enhanced_jobs": 0, "adoption_rate": None}
    assert days[4]["adoption_rate"] == D("38.46")  # 03-05: 5 of 13


def test_learning_by_weeks_since_first_enhancement(dataset):
    learning = user_adoption(days=RANGE)["learning"]

    assert [(w["week"], w["user_days"], w["jobs"], w["enhanced_jobs"], w["adoption_rate"], w["quality_with"],
             w["quality_without"], w["quality_gain"]) for w in learning] == [
        ("before", 1, 4, 0, D("0.00"), None, D("3.00"), None),
        ("0", 1, 5, 3, D("60.00"), D("4.00"), D("3.00"), D("1.00")),
        ("1", 1, 2, 2, D("100.00"), D("5.00"), None, None),
        ("8+", 1, 10, 5, D("50.00"), D("3.50"), D("4.00"), D("-0.50")),
    ]


def test_is_three_queries(dataset, django_assert_num_queries):
    with django_assert_num_queries(3):
        user_adoption(days=RANGE)


@pytest.mark.parametrize("part,selector", [
    ("summary", adoption_summary), ("days", adoption_days), ("learning", adoption_learning),
])
def test_each_part_alone_is_one_query_and_equals_the_page_part(dataset, django_assert_num_queries, part, selector):
    whole_page = user_adoption(days=RANGE)

    with django_assert_num_queries(1):
        alone = selector(days=RANGE)

    assert alone == whole_page[part]


def test_empty_range():
    data = user_adoption(days=DayRange(date(2026, 1, 1), date(2026, 1, 1)))

    assert data["summary"]["users"] == 0 and data["summary"]["adoption_rate"] is None
    assert data["learning"] == []


@pytest.mark.parametrize("role", ["viewer", "moderator", "admin"])
def test_page_renders_for_every_role(client, role_user, dataset, role):
    client.force_login(role_user(role))

    response = client.get(URL, {"from": "2026-02-28", "to": "2026-03-09"})

    html = response.content.decode()
    assert response.status_code == 200
    assert "41.7%" in html and "4.17/5" in html and "8+" in html and "29.2%" in html


def test_page_query_count(admin_client, dataset, django_assert_num_queries):
    admin_client.get(URL)

    with django_assert_num_queries(5):  # session, user, summary, days, learning
        admin_client.get(URL, {"from": "2026-02-28", "to": "2026-03-09"})


def test_default_range_is_30_days(admin_client):
    response = admin_client.get(URL)

    assert response.context["days"] == DayRange(utc_today() - timedelta(days=29), utc_today())
