"""/api/analytics/prompts/..., /dashboard, /performance-alerts, /api/alerts and /api/alert-rules (document 002)."""

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from analytics.models import Alert
from analytics.rollups.prompts import rebuild_prompt_performance
from tests.analytics.conftest import default_rules  # noqa: F401  (fixture)
from tests.factories import AlertFactory, PromptFactory, PromptUsageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def prompts():
    """enhancer: 8 uses over two days (6 succeed, ratings 5 5 4 2, 1000-2400 ms); sketch: 1 use; idle: none."""
    now = timezone.now()
    enhancer = PromptFactory(name="enhancer", display_name="Enhancer", status="active")
    sketch = PromptFactory(name="sketch", display_name="Sketch", status="active")
    PromptFactory(name="idle", display_name="Idle", status="active")
    for i, (success, rating) in enumerate([(True, 5), (True, 5), (True, 4), (False, 2), (True, None),
                                           (True, None), (False, None), (True, None)]):
        PromptUsageFactory(prompt=enhancer, created_at=now - timedelta(hours=2 + 20 * (i % 2), minutes=i),
                           success=success, rating=rating, response_time_ms=1000 + 200 * i, tokens_used=100,
                           cost="0.000040")
    PromptUsageFactory(prompt=sketch, created_at=now - timedelta(days=3), rating=3, response_time_ms=500)
    rebuild_prompt_performance()
    return {"enhancer": enhancer, "sketch": sketch}


def test_prompt_summary(api, prompts):
    response = api.get(f"/api/analytics/prompts/{prompts['enhancer'].pk}/performance", {"period": "week"})

    assert response.status_code == 200
    body = response.json()
    assert {k: body[k] for k in ("period", "hours", "name", "usage_count", "successes", "success_rate",
                                 "error_rate", "mean_rating", "rating_count", "mean_response_time_ms",
                                 "tokens_used", "cost")} == {
        "period": "week", "hours": 168, "name": "enhancer", "usage_count": 8, "successes": 6,
        "success_rate": 75.0, "error_rate": 25.0, "mean_rating": 4.0, "rating_count": 4,
        "mean_response_time_ms": 1700, "tokens_used": 800, "cost": 0.00032,
    }


def test_prompt_summary_errors(api, prompts):
    missing = api.get(f"/api/analytics/prompts/{uuid.uuid4()}/performance")
    bad = api.get(f"/api/analytics/prompts/{prompts['enhancer'].pk}/performance", {"period": "year"})

    assert missing.status_code == 404
    assert bad.status_code == 400
    assert bad.json() == {"period": ["Unknown period 'year': use day, week, month, or a number of hours "
                                     "from 1h to 8784h."]}


def test_top_prompts(api, prompts):
    top = api.get("/api/analytics/prompts/top", {"period": "week", "limit": 5, "min_uses": 1})
    by_usage = api.get("/api/analytics/prompts/top", {"order_by": "usage", "min_uses": 1, "limit": 1})
    bad = api.get("/api/analytics/prompts/top", {"limit": 0, "order_by": "vibes"})

    assert [(r["rank"], r["name"], r["mean_rating"]) for r in top.json()] == [(1, "enhancer", 4.0),
                                                                              (2, "sketch", 3.0)]
    assert [r["name"] for r in by_usage.json()] == ["enhancer"]
    assert bad.status_code == 400 and set(bad.json()) == {"limit", "order_by"}


def test_dashboard(api, prompts, django_assert_num_queries):
    AlertFactory(severity="medium")

    with django_assert_num_queries(3):  # a day is two partial days: prompt_usage only; the library; alert counts
        response = api.get("/api/analytics/dashboard", {"period": "day"})

    body = response.json()
    assert (body["total_prompts"], body["active_prompts"], body["prompts_used"], body["total_usage"]) == (3, 3, 1, 8)
    assert (body["success_rate"], body["error_rate"], body["mean_rating"]) == (75.0, 25.0, 4.0)
    assert body["alerts"] == {"open": {"high": 0, "medium": 1, "low": 0, "total": 1}, "acknowledged": 0}


def test_performance_alerts_are_computed_not_saved(api, prompts, default_rules):  # noqa: F811
    response = api.get("/api/analytics/performance-alerts", {"period": "week"})

    assert [(a["rule"], a["subject_label"], a["value"]) for a in response.json()] == [
        ("High error rate", "Enhancer", 25.0), ("Low usage", "Idle", 0.0), ("Low usage", "Sketch", 1.0)]
    assert not Alert.objects.exists()


def test_alert_list_filters_and_orders(api, django_assert_num_queries):
    now = timezone.now()
    AlertFactory(subject_label="low", severity="low", last_seen_at=now)
    AlertFactory(subject_label="high", severity="high", last_seen_at=now - timedelta(hours=1))
    AlertFactory(subject_label="done", severity="high", status="resolved", last_seen_at=now - timedelta(hours=2))

    with django_assert_num_queries(2):  # count + page, rules and people joined
        everything = api.get("/api/alerts")
    active = api.get("/api/alerts", {"status": "active"})
    high = api.get("/api/alerts", {"severity": "high", "status": "resolved"})

    assert [a["subject_label"] for a in everything.json()["results"]] == ["high", "done", "low"]
    assert [a["subject_label"] for a in active.json()["results"]] == ["high", "low"]
    assert [a["subject_label"] for a in high.json()["results"]] == ["done"]
    assert api.get("/api/alerts", {"status": "sleeping"}).status_code == 400


@pytest.mark.parametrize("role,expected", [("admin", 200), ("moderator", 200), ("viewer", 403)])
def test_acknowledge_and_resolve_by_role(role_client, role, expected):
    client = role_client(role)
    alert = AlertFactory()

    acknowledged = client.post(f"/api/alerts/{alert.pk}/acknowledge")
    resolved = client.post(f"/api/alerts/{alert.pk}/resolve")

    assert (acknowledged.status_code, resolved.status_code) == (expected, expected)
    if expected == 200:
        assert acknowledged.json()["status"] == "acknowledged"
        assert (resolved.json()["status"], resolved.json()["resolved_by"]) == ("resolved", f"{role}-user")
    else:
        assert Alert.objects.get(pk=alert.pk).status == "open"


def test_resolving_twice_is_a_400(api):
    alert = AlertFactory(status="resolved")

    response = api.post(f"/api/alerts/{alert.pk}/resolve")

    assert response.status_code == 400 and response.json() == {"status": ["This alert is already resolved."]}


def test_alert_rules_list_and_update(api, role_client, default_rules):  # noqa: F811
    rule = default_rules["mean_rating"]

    listed = api.get("/api/alert-rules", {"metric": "mean_rating"})
    updated = api.patch(f"/api/alert-rules/{rule.pk}", {"threshold": "3.5", "severity": "high"}, format="json")
    invalid = api.patch(f"/api/alert-rules/{rule.pk}", {"threshold": "7"}, format="json")
    moderator = role_client("moderator").patch(f"/api/alert-rules/{rule.pk}", {"threshold": "1"}, format="json")

    assert [r["name"] for r in listed.json()["results"]] == ["Poor ratings"]
    assert (updated.status_code, updated.json()["threshold"], updated.json()["severity"]) == (200, 3.5, "high")
    assert invalid.status_code == 400 and invalid.json() == {
        "threshold": ["For Mean rating, stars (per prompt) the threshold is a rating from 1 to 5 stars."]}
    assert moderator.status_code == 403
    rule.refresh_from_db()
    assert (str(rule.threshold), rule.severity) == ("3.50", "high")
