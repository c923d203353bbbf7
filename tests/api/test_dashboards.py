"""/api/analytics/ dashboards: exact JSON, access per role, date validation, query counts."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from analytics.models import UserEnhancementAdoption
from analytics.rollups.buckets import rebuild_all
from tests.factories import JobFactory, PromptABTestFactory, UserEnhancementAdoptionFactory, UserFactory

pytestmark = pytest.mark.django_db
UTC = UTC
DAY = date(2026, 3, 10)
ENDPOINTS = {  # url: selector queries
    "/api/analytics/model-performance": 2,
    "/api/analytics/enhanced-prompts": 4,
    "/api/analytics/live": 4,
    "/api/analytics/enhancement-effectiveness": 1,
    "/api/analytics/user-adoption": 3,
}
RANGED = ["/api/analytics/model-performance", "/api/analytics/enhancement-effectiveness",
          "/api/analytics/user-adoption"]


@pytest.fixture
def dataset():
    noon = datetime.combine(DAY, datetime.min.time(), UTC) + timedelta(hours=12)
    JobFactory(created_at=noon, quality_rating=4, inference_time_ms=40_000, enhancement_strategy="qwen",
               enhanced_prompt="a long rewritten prompt", enhancement_time_ms=10_000)
    JobFactory(created_at=noon, status="failed", failure_reason="timeout", inference_time_ms=None)
    JobFactory(created_at=noon, model_type="WAN", job_type="text_to_video", quality_rating=5,
               inference_time_ms=120_000)
    PromptABTestFactory(baseline_avg_quality=Decimal("3.50"), enhanced_avg_quality=Decimal("4.30"))
    rebuild_all()
    UserEnhancementAdoption.objects.all().delete()
    UserEnhancementAdoptionFactory(user=UserFactory(), date=DAY, total_jobs=4, jobs_with_enhancement=1,
                                   qwen_usage_count=1, no_enhancement_count=3)


def test_model_performance_json(api, dataset):
    response = api.get("/api/analytics/model-performance", {"from": "2026-03-10", "to": "2026-03-10"})

    assert response.status_code == 200
    assert response.json() == {
        "since": "2026-03-10", "until": "2026-03-10",
        "models": [
            {"model_type": "SDXL", "jobs": 2, "completed": 1, "failed": 1, "cancelled": 0, "success_rate": 50.0,
             "mean_time_ms": 40_000, "rated": 1, "mean_quality": 4.0,
             "quality_distribution": {"5": 0.0, "4": 100.0, "3": 0.0, "2": 0.0, "1": 0.0}},
            {"model_type": "WAN", "jobs": 1, "completed": 1, "failed": 0, "cancelled": 0, "success_rate": 100.0,
             "mean_time_ms": 120_000, "rated": 1, "mean_quality": 5.0,
             "quality_distribution": {"5": 100.0, "4": 0.0, "3": 0.0, "2": 0.0, "1": 0.0}},
        ],
        "days": [{"date": "2026-03-10", "sdxl_success_rate": 50.0, "wan_success_rate": 100.0, "mean_quality": 4.5,
                  "rated": 2, "sdxl_jobs": 2, "wan_jobs": 1, "total_jobs": 3}],
    }


def test_effectiveness_and_adoption_json(api, dataset):
    effectiveness = api.get("/api/analytics/enhancement-effectiveness", {"from": "2026-03-10", "to": "2026-03-10"})
    adoption = api.get("/api/analytics/user-adoption", {"from": "2026-03-10", "to": "2026-03-10"})

    qwen, _compel, _hybrid, none = effectiveness.json()["strategies"]
    assert (qwen["jobs"], qwen["mean_quality"], qwen["mean_enhancement_time_ms"]) == (1, 4.0, 10_000)
    assert (none["jobs"], none["success_rate"], none["finished_success_rate"]) == (2, 50.0, 50.0)
    assert adoption.json()["summary"]["adoption_rate"] == 25.0
    assert adoption.json()["summary"]["strategies"][0] == {"strategy": "qwen", "label": "Qwen Only", "jobs": 1,
                                                           "job_share": 25.0, "users": 1}


def test_enhanced_prompts_and_live_json(api, dataset):
    prompts = api.get("/api/analytics/enhanced-prompts", {"limit": 1}).json()
    live = api.get("/api/analytics/live").json()

    assert [row["enhanced_length"] for row in prompts["qwen"]] == [23]
    assert prompts["ab_tests"][0]["improvement_percent"] == 22.86
    assert [m["key"] for m in live["metrics"]] == ["jobs_per_hour", "qwen_usage", "compel_usage",
                                                   "mean_enhancement_time_ms", "quality_gain",
                                                   "quality_with_minus_without"]
    assert set(live["queue"]) == {"active", "finished"} and len(live["strategies"]) == 4


@pytest.mark.parametrize("url,queries", ENDPOINTS.items())
def test_query_counts(api, dataset, url, queries, django_assert_num_queries):
    with django_assert_num_queries(queries):
        assert api.get(url).status_code == 200


@pytest.mark.parametrize("role", ["viewer", "moderator", "admin"])
@pytest.mark.parametrize("url", ENDPOINTS)
def test_every_role_reads(role_client, dataset, role, url):
    assert role_client(role).get(url).status_code == 200


@pytest.mark.parametrize("url", ENDPOINTS)
def test_anonymous_and_roleless_staff_are_refused(anon, url):
    staff = APIClient()
    staff.force_authenticate(UserFactory(username="no-role"))

    assert anon.get(url).status_code == 401
    assert staff.get(url).status_code == 403


@pytest.mark.parametrize("url", RANGED)
@pytest.mark.parametrize("params,errors", [
    ({"from": "2026-03-10", "to": "2026-03-01"}, {"from": ["From (2026-03-10) is after To (2026-03-01)."]}),
    ({"from": "tomorrow"}, {"from": ["From: enter a date as YYYY-MM-DD (for example 2026-01-15), not 'tomorrow'."]}),
    ({"from": "2026-02-31", "to": "x"}, {"from": ["From: 2026-02-31 is not a date of the calendar."],
                                         "to": ["To: enter a date as YYYY-MM-DD (for example 2026-01-15), not 'x'."]}),
    ({"from": "2020-01-01", "to": "2026-01-01"}, {"from": ["The range covers 2193 days; at most 366."]}),
])
def test_bad_ranges_are_400(api, url, params, errors):
    response = api.get(url, params)

    assert response.status_code == 400
    assert response.json() == errors


def test_limit_is_validated(api):
    assert api.get("/api/analytics/enhanced-prompts", {"limit": 0}).status_code == 400
    assert api.get("/api/analytics/enhanced-prompts", {"limit": 201}).status_code == 400
