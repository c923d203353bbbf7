"""The Prompt performance page, the Alerts list with its actions per role, and rule editing in the list."""

from datetime import timedelta

import pytest
from django.contrib.admin.models import LogEntry
from django.urls import reverse
from django.utils import timezone

from analytics.models import Alert, AlertRule
from analytics.rollups.prompts import rebuild_prompt_performance
from tests.factories import AlertFactory, PromptFactory, PromptUsageFactory, UserFactory

pytestmark = pytest.mark.django_db
PAGE = "/admin/analytics/promptperformancedaily/performance/"
ALERTS = "/admin/analytics/alert/"
RULES = "/admin/analytics/alertrule/"


@pytest.fixture
def used_prompt(db):
    prompt = PromptFactory(name="sdxl-prompt-enhancer", display_name="SDXL prompt enhancer", status="active")
    for i in range(6):
        PromptUsageFactory(prompt=prompt, created_at=timezone.now() - timedelta(hours=1, minutes=i), rating=4,
                           response_time_ms=900, success=i != 0)
    rebuild_prompt_performance()
    return prompt


def test_performance_page_shows_metrics_top_prompts_and_alerts_to_a_viewer(client, role_user, used_prompt,
                                                                           default_rules):
    AlertFactory(subject_label="Storyboard planner", message="Storyboard planner: 0 uses")
    client.force_login(role_user("viewer"))

    response = client.get(PAGE, {"period": "day"})

    assert response.status_code == 200
    page = response.content.decode()
    metrics = response.context["metrics"]
    assert (metrics["total_usage"], str(metrics["success_rate"]), metrics["mean_response_time_ms"]) == (6, "83.33",
                                                                                                     900)
    assert [row["name"] for row in response.context["top"]] == ["sdxl-prompt-enhancer"]
    assert "SDXL prompt enhancer" in page and "Storyboard planner: 0 uses" in page
    assert [a["rule"] for a in response.context["would_be_alerts"]] == []  # 6 uses, 83 % success: all fine


def test_performance_page_reads_each_table_once(admin_client, used_prompt, default_rules,
                                               django_assert_num_queries):
    PromptFactory(name="draft", status="draft")
    AlertFactory(subject_label="Storyboard planner")

    # session, user; the window's totals (rollup, edges); the prompt library; alert counts; the
    # per-day trend; the rules; the active alerts. Every rule and table shares the totals and the library.
    with django_assert_num_queries(9):
        response = admin_client.get(reverse("admin:analytics_prompt_performance"), {"period": "week"})

    assert response.status_code == 200
    assert [row["name"] for row in response.context["prompts"]] == ["sdxl-prompt-enhancer"]
    assert "at least 5 uses" in response.content.decode() and response.context["min_uses"] == 5


def test_performance_page_explains_a_bad_period_and_needs_the_permission(client, admin_client):
    response = admin_client.get(PAGE, {"period": "fortnight"}, follow=True)

    assert response.status_code == 200 and response.context["period"] == "week"
    assert "Unknown period &#x27;fortnight&#x27;" in response.content.decode()
    client.force_login(UserFactory())  # staff, in no role
    assert client.get(PAGE).status_code == 403


def test_index_links_the_pages(admin_client):
    page = admin_client.get("/admin/").content.decode()

    assert PAGE in page and "Prompt performance" in page and "/admin/analytics/alert/" in page
    assert "Active alerts" not in page  # the Alerts list (filtered to active by default) is listed once


def test_alert_list_shows_active_alerts_by_severity_then_recency(admin_client):
    now = timezone.now()
    AlertFactory(subject_label="old high", severity="high", last_seen_at=now - timedelta(hours=3))
    AlertFactory(subject_label="new low", severity="low", last_seen_at=now)
    AlertFactory(subject_label="new high", severity="high", last_seen_at=now - timedelta(minutes=1))
    AlertFactory(subject_label="medium acked", severity="medium", status="acknowledged", last_seen_at=now)
    AlertFactory(subject_label="resolved", status="resolved")

    response = admin_client.get(ALERTS)
    resolved = admin_client.get(ALERTS, {"status": "resolved"})

    assert [a.subject_label for a in response.context["cl"].result_list] == [
        "new high", "old high", "medium acked", "new low"]
    assert [a.subject_label for a in resolved.context["cl"].result_list] == ["resolved"]


def _act(client, action, alerts):
    data = {"action": action, "_selected_action": [str(a.pk) for a in alerts]}
    return client.post(ALERTS + "?status=all", data, follow=True)


def test_moderator_acknowledges_and_resolves_with_a_history_entry(client, role_user):
    moderator = role_user("moderator")
    client.force_login(moderator)
    first, second = AlertFactory(), AlertFactory()

    _act(client, "acknowledge_selected", [first])
    response = _act(client, "resolve_selected", [first, second])

    first.refresh_from_db()
    assert (first.status, first.acknowledged_by, first.resolved_by) == ("resolved", moderator, moderator)
    assert Alert.objects.get(pk=second.pk).status == "resolved"
    assert "Resolved 2 alert(s)." in response.content.decode()
    assert LogEntry.objects.filter(object_id=str(first.pk), user=moderator).count() == 2


def test_acknowledging_a_resolved_alert_is_refused_with_a_message(admin_client):
    alert = AlertFactory(status="resolved")

    response = _act(admin_client, "acknowledge_selected", [alert])

    assert "Only open alerts can be acknowledged" in response.content.decode()


def test_viewer_reads_alerts_but_has_no_actions(client, role_user):
    client.force_login(role_user("viewer"))
    alert = AlertFactory()

    response = client.get(ALERTS)
    _act(client, "acknowledge_selected", [alert])

    assert response.status_code == 200 and "acknowledge_selected" not in response.content.decode()
    assert Alert.objects.get(pk=alert.pk).status == "open"
    assert client.get(f"{ALERTS}{alert.pk}/change/").status_code == 200


def _rule_form(rule, **changes) -> dict:
    values = {"threshold": str(rule.threshold), "window_hours": rule.window_hours,
              "baseline_hours": rule.baseline_hours or "", "min_samples": rule.min_samples,
              "severity": rule.severity, "is_enabled": "on" if rule.is_enabled else "",
              "notify_webhook": "on" if rule.notify_webhook else "", **changes}
    data = {"form-TOTAL_FORMS": "1", "form-INITIAL_FORMS": "1", "form-0-id": str(rule.pk), "_save": "Save"}
    data.update({f"form-0-{name}": value for name, value in values.items() if value != ""})
    return data


def test_rule_thresholds_are_edited_in_the_list_and_validated(admin_client, default_rules):
    rule = default_rules["success_rate"]
    query = f"?metric={rule.metric}"

    saved = admin_client.post(RULES + query, _rule_form(rule, threshold="75"))
    refused = admin_client.post(RULES + query, _rule_form(rule, threshold="150"))

    assert saved.status_code == 302 and AlertRule.objects.get(pk=rule.pk).threshold == 75
    assert refused.status_code == 200 and "a percentage from 0 to 100" in refused.content.decode()
    assert AlertRule.objects.get(pk=rule.pk).threshold == 75


def test_moderator_cannot_edit_rules(client, role_user, default_rules):
    client.force_login(role_user("moderator"))
    rule = default_rules["success_rate"]

    client.post(RULES + f"?metric={rule.metric}", _rule_form(rule, threshold="10"))

    assert AlertRule.objects.get(pk=rule.pk).threshold == 70
