"""Model Analytics: exact figures from the rollups, the page for every role, date validation."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from analytics.dashboards.common import DayRange, day_range_parse
from analytics.dashboards.model_analytics import model_analytics, model_days, model_summaries
from analytics.rollups.buckets import rebuild_all
from tests.factories import JobFactory

pytestmark = pytest.mark.django_db
UTC = UTC
DAY1, DAY2 = date(2026, 3, 9), date(2026, 3, 10)
URL = reverse("admin:analytics_model_analytics")


def _job(day: date, **fields):
    if fields.get("model_type") == "WAN":
        fields.setdefault("job_type", "text_to_video")
    if fields.get("status") == "failed":
        fields.setdefault("failure_reason", "timeout")
    return JobFactory(created_at=datetime.combine(day, datetime.min.time(), UTC) + timedelta(hours=12), **fields)


@pytest.fixture
def dataset():
    """Day 1: SDXL 5★ 4★ (40 s, 50 s) and a failure; WAN 3★ (150 s). Day 2: SDXL 2★ (45 s), a cancelled WAN."""
    _job(DAY1, quality_rating=5, inference_time_ms=40_000)
    _job(DAY1, quality_rating=4, inference_time_ms=50_000, enhancement_strategy="qwen")
    _job(DAY1, status="failed", inference_time_ms=None)
    _job(DAY1, model_type="WAN", quality_rating=3, inference_time_ms=150_000)
    _job(DAY2, quality_rating=2, inference_time_ms=45_000)
    _job(DAY2, model_type="WAN", status="cancelled", inference_time_ms=None)
    rebuild_all()


def test_model_analytics_exact_figures(dataset):
    data = model_analytics(days=DayRange(DAY1 - timedelta(days=1), DAY2))

    sdxl, wan = data["models"]
    assert sdxl == {
        "model_type": "SDXL", "jobs": 4, "completed": 3, "failed": 1, "cancelled": 0,
        "success_rate": Decimal("75.00"), "mean_time_ms": 45_000, "rated": 3, "mean_quality": Decimal("3.67"),
        "quality_distribution": {"5": Decimal("33.33"), "4": Decimal("33.33"), "3": Decimal("0.00"),
                                 "2": Decimal("33.33"), "1": Decimal("0.00")},
    }
    assert wan == {
        "model_type": "WAN", "jobs": 2, "completed": 1, "failed": 0, "cancelled": 1,
        "success_rate": Decimal("100.00"), "mean_time_ms": 150_000, "rated": 1, "mean_quality": Decimal("3.00"),
        "quality_distribution": {"5": Decimal("0.00"), "4": Decimal("0.00"), "3": Decimal("100.00"),
                                 "2": Decimal("0.00"), "1": Decimal("0.00")},
    }
    assert data["days"] == [
        {"date": DAY2, "sdxl_success_rate": Decimal("100.00"), "wan_success_rate": None,
         "mean_quality": Decimal("2.00"), "rated": 1, "sdxl_jobs": 1, "wan_jobs": 1, "total_jobs": 2},
        {"date": DAY1, "sdxl_success_rate": Decimal("66.67"), "wan_success_rate": Decimal("100.00"),
         "mean_quality": Decimal("4.00"), "rated": 3, "sdxl_jobs": 3, "wan_jobs": 1, "total_jobs": 4},
        {"date": DAY1 - timedelta(days=1), "sdxl_success_rate": None, "wan_success_rate": None,
         "mean_quality": None, "rated": 0, "sdxl_jobs": 0, "wan_jobs": 0, "total_jobs": 0},
    ]


def test_model_analytics_only_counts_days_in_range(dataset):
    data = model_analytics(days=DayRange(DAY2, DAY2))

    assert [m["jobs"] for m in data["models"]] == [1, 1]
    assert [d["date"] for d in data["days"]] == [DAY2]


def test_model_analytics_is_two_queries(dataset, django_assert_num_queries):
    with django_assert_num_queries(2):
        model_analytics(days=DayRange(DAY1, DAY2))


@pytest.mark.parametrize("part,selector", [("models", model_summaries), ("days", model_days)])
def test_each_table_alone_is_two_queries_and_equals_the_page_table(dataset, django_assert_num_queries, part,
                                                                  selector):
    days = DayRange(DAY1 - timedelta(days=1), DAY2)
    whole_page = model_analytics(days=days)

    with django_assert_num_queries(2):
        alone = selector(days=days)

    assert alone == whole_page[part]


@pytest.mark.parametrize("params,default_days,expected", [
    ({}, 7, (date(2026, 3, 4), date(2026, 3, 10))),
    ({"to": "2026-02-01"}, 7, (date(2026, 1, 26), date(2026, 2, 1))),
    ({"from": "2026-03-01"}, 7, (date(2026, 3, 1), date(2026, 3, 10))),
    ({"from": " 2026-03-09 ", "to": "2026-03-09"}, 30, (date(2026, 3, 9), date(2026, 3, 9))),
    ({"from": ""}, 30, (date(2026, 2, 9), date(2026, 3, 10))),
])
def test_day_range_defaults(params, default_days, expected):
    days = day_range_parse(params, default_days=default_days, today=DAY2)

    assert (days.since, days.until) == expected


@pytest.mark.parametrize("params,field,message", [
    ({"from": "yesterday"}, "from", "From: enter a date as YYYY-MM-DD (for example 2026-01-15), not 'yesterday'."),
    ({"to": "2026-02-30"}, "to", "To: 2026-02-30 is not a date of the calendar."),
    ({"to": "20260301"}, "to", "To: enter a date as YYYY-MM-DD (for example 2026-01-15), not '20260301'."),
    ({"from": "1999-12-31"}, "from", "From: 1999-12-31 is outside 2000-01-01 .. 2999-12-31."),
    ({"from": "2026-03-10", "to": "2026-03-01"}, "from", "From (2026-03-10) is after To (2026-03-01)."),
    ({"from": "2025-01-01", "to": "2026-01-01"}, "from", "The range covers 366 days; at most 366."),
    ({"from": "2024-12-31", "to": "2026-01-01"}, "from", "The range covers 367 days; at most 366."),
])
def test_day_range_errors(params, field, message):
    if message.startswith("The range covers 366"):
        assert day_range_parse(params, today=DAY2).days == 366
        return
    with pytest.raises(ValidationError) as raised:
        day_range_parse(params, today=DAY2)

    assert raised.value.message_dict == {field: [message]}


@pytest.mark.parametrize("role", ["viewer", "moderator", "admin"])
def test_page_renders_for_every_role(client, role_user, dataset, role):
    client.force_login(role_user(role))

    response = client.get(URL, {"from": "2026-03-09", "to": "2026-03-10"})

    assert response.status_code == 200
    html = response.content.decode()
    assert "75.0%" in html and "45.0 s" in html and "33.3%" in html and "2026-03-10" in html
    assert '<strong>Model analytics</strong>' in html


def test_page_query_count(admin_client, dataset, django_assert_num_queries):
    admin_client.get(URL)  # warm the session and permission caches the same way each time

    with django_assert_num_queries(4):  # session, user, then the two rollup queries
        admin_client.get(URL, {"from": "2026-03-09", "to": "2026-03-10"})


def test_page_shows_date_errors_and_no_tables(admin_client, dataset):
    response = admin_client.get(URL, {"from": "2026-03-10", "to": "2026-03-01"})

    html = response.content.decode()
    assert response.status_code == 200
    assert "From (2026-03-10) is after To (2026-03-01)." in html and 'value="2026-03-10"' in html
    assert "Day by day" not in html


def test_page_refuses_staff_without_permission(client):
    from tests.factories import UserFactory

    client.force_login(UserFactory(username="no-role"))

    assert client.get(URL).status_code == 403


def test_index_lists_the_dashboards(admin_client):
    html = admin_client.get(reverse("admin:index")).content.decode()

    for label in ("Model analytics", "Enhanced prompt analytics", "Live prompt performance",
                  "Enhancement effectiveness", "User adoption"):
        assert f"▶ {label}" in html


@pytest.mark.parametrize("name,queries", [
    ("analytics_model_analytics", 2), ("analytics_enhanced_prompts", 4), ("analytics_live_performance", 4),
    ("analytics_live_performance_json", 4), ("analytics_enhancement_effectiveness", 1),
    ("analytics_user_adoption", 3), ("analytics_operations", 8),
])
def test_every_dashboard_query_count_for_a_viewer(client, role_user, name, queries, django_assert_num_queries):
    client.force_login(role_user("viewer"))
    client.get(reverse(f"admin:{name}"))

    # session, user, the user's and the groups' permissions, then the page's own queries
    with django_assert_num_queries(4 + queries):
        assert client.get(reverse(f"admin:{name}")).status_code == 200
