"""Alert evaluation: each default rule fires and recovers, one active alert per subject, people's actions, webhook."""

import json
import socket
import threading
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, HTTPServer
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from analytics.alerts.services import alert_acknowledge, alert_resolve, alert_rule_save, alerts_evaluate
from analytics.jobs import evaluate_alerts_job
from analytics.models import Alert
from analytics.prompt_performance import get_performance_alerts
from analytics.rollups.prompts import rebuild_prompt_performance
from tests.factories import AlertFactory, JobFactory, PromptFactory, PromptUsageFactory, UserFactory

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


def _uses(prompt, n, *, success=True, rating=None, ms=1000, hours_ago=30):
    for i in range(n):
        PromptUsageFactory(prompt=prompt, created_at=NOW - timedelta(hours=hours_ago, minutes=i), success=success,
                           rating=rating, response_time_ms=ms)


def _evaluate(now=NOW) -> dict:
    rebuild_prompt_performance()
    return alerts_evaluate(now=now)


def _active(rule=None):
    alerts = Alert.objects.filter(status__in=("open", "acknowledged"))
    return alerts.filter(rule=rule) if rule else alerts


@pytest.fixture
def prompt(db):
    return PromptFactory(name="portrait-lighting-guide", display_name="Portrait lighting", status="active")


def test_low_usage_fires_for_active_prompts_with_fewer_than_5_uses_and_recovers(default_rules, prompt):
    rule = default_rules["low_usage"]
    unused = PromptFactory(display_name="Never used", status="active")
    PromptFactory(status="draft")
    _uses(prompt, 4)

    counts = _evaluate()

    assert counts == {"rules": 7, "opened": 2, "updated": 0, "resolved": 0, "notified": 0}
    alerts = {a.subject_key: a for a in _active(rule)}
    assert set(alerts) == {str(prompt.pk), str(unused.pk)}
    low = alerts[str(prompt.pk)]
    assert (low.severity, low.value, low.threshold, low.subject_type) == ("low", Decimal("4.00"), Decimal("5.00"),
                                                                          "prompt")
    assert low.message == "Portrait lighting: 4 uses in the last 168 h (alert when below 5)."
    assert low.recommendation == rule.recommendation

    _uses(prompt, 1, hours_ago=2)
    assert _evaluate()["resolved"] == 1
    low.refresh_from_db()
    assert (low.status, low.resolved_by, low.resolved_at) == ("resolved", None, NOW)
    assert list(_active(rule).values_list("subject_key", flat=True)) == [str(unused.pk)]


def test_poor_success_and_high_error_rate_fire_then_recover(default_rules, prompt):
    _uses(prompt, 6)
    _uses(prompt, 4, success=False)

    _evaluate()

    success, error = _active(default_rules["success_rate"]).get(), _active(default_rules["error_rate"]).get()
    assert (success.value, success.severity, error.value, error.severity) == (Decimal("60.00"), "high",
                                                                             Decimal("40.00"), "high")
    _uses(prompt, 10, hours_ago=3)  # 16 of 20: 80 % success, 20 % errors (not above 20)
    counts = _evaluate()
    assert counts["resolved"] == 2 and not _active(default_rules["success_rate"]).exists()
    assert not _active(default_rules["error_rate"]).exists()


def test_poor_ratings_fire_with_5_rated_uses_then_recover(default_rules, prompt):
    for rating in (2, 2, 3, 3, 4):
        _uses(prompt, 1, rating=rating)
    _uses(prompt, 3)  # unrated uses do not count towards the mean

    _evaluate()

    alert = _active(default_rules["mean_rating"]).get()
    assert alert.value == Decimal("2.80")
    assert alert.message == ("Portrait lighting: mean rating 2.80/5 over 5 rated uses in the last 168 h "
                             "(alert when below 3.00).")
    _uses(prompt, 5, rating=5, hours_ago=1)
    _evaluate()
    alert.refresh_from_db()
    assert alert.status == "resolved"


def test_slow_response_fires_then_recovers(default_rules, prompt):
    _uses(prompt, 5, ms=6000)

    _evaluate()

    assert _active(default_rules["response_time"]).get().value == Decimal("6000.00")
    _uses(prompt, 10, ms=1000, hours_ago=50)  # (30 000 + 10 000) / 15 = 2 667 ms
    _evaluate()
    assert not _active(default_rules["response_time"]).exists()


def _jobs(strategy, n, status, hours_ago):
    for i in range(n):
        JobFactory(enhancement_strategy=strategy, status=status, created_at=NOW - timedelta(hours=hours_ago, minutes=i),
                   failure_reason="timeout" if status == "failed" else "")


def test_enhancement_success_drop_fires_per_strategy_then_recovers(default_rules):
    rule = default_rules["enhancement_success_drop"]
    _jobs("qwen", 20, "completed", hours_ago=5)
    _jobs("qwen", 2, "completed", hours_ago=0.5)
    _jobs("qwen", 3, "failed", hours_ago=0.5)
    _jobs("compel", 10, "completed", hours_ago=0.5)  # no drop
    _jobs("none", 5, "failed", hours_ago=0.5)  # not an enhancement

    _evaluate()

    alert = _active(rule).get()
    assert (alert.subject_type, alert.subject_key, alert.subject_label) == ("strategy", "qwen", "Qwen Only")
    assert alert.value == Decimal("48.00")  # 22 of 25 = 88 % over 24 h, 2 of 5 = 40 % in the last hour
    assert alert.message == ("Qwen Only: success rate 40.00% over 5 finished jobs in the last 1 h against 88.00% "
                             "over 25 in the last 24 h, a drop of 48.00 points (alert when above 10.00).")
    assert get_performance_alerts("week", now=NOW) == []  # prompt rules only: the drop has its own windows
    _jobs("qwen", 20, "completed", hours_ago=0.2)  # 22 of 25 = 88 % recent, 42 of 45 = 93.33 % baseline
    _evaluate()
    alert.refresh_from_db()
    assert (alert.status, alert.resolved_by) == ("resolved", None)


def test_re_evaluation_updates_the_one_active_alert(default_rules, prompt):
    _uses(prompt, 2)
    _evaluate()
    first = _active(default_rules["low_usage"]).get()

    counts = _evaluate(NOW + timedelta(minutes=10))

    assert (counts["opened"], counts["updated"]) == (0, 1)
    again = _active(default_rules["low_usage"]).get()
    assert again.pk == first.pk and again.first_seen_at == NOW and again.last_seen_at == NOW + timedelta(minutes=10)
    assert Alert.objects.count() == 1


def test_acknowledged_alerts_stay_acknowledged_then_auto_resolve(default_rules, prompt):
    moderator = UserFactory()
    _uses(prompt, 2)
    _evaluate()
    alert = alert_acknowledge(alert=_active().get(), user=moderator)

    _evaluate(NOW + timedelta(minutes=5))
    alert.refresh_from_db()
    assert (alert.status, alert.acknowledged_by, alert.last_seen_at) == ("acknowledged", moderator,
                                                                        NOW + timedelta(minutes=5))
    _uses(prompt, 3, hours_ago=1)
    _evaluate(NOW + timedelta(minutes=10))
    alert.refresh_from_db()
    assert (alert.status, alert.resolved_by) == ("resolved", None)


def test_a_resolved_alert_that_still_fires_comes_back_as_a_new_one(default_rules, prompt):
    _uses(prompt, 2)
    _evaluate()
    resolved = alert_resolve(alert=_active().get(), user=UserFactory())

    counts = _evaluate()

    assert counts["opened"] == 1 and _active().get().pk != resolved.pk
    assert resolved.resolved_by is not None


def test_too_few_samples_leave_an_alert_as_it_is(default_rules, prompt):
    _uses(prompt, 5, success=False)
    _evaluate()
    alert = _active(default_rules["success_rate"]).get()

    _evaluate(NOW + timedelta(days=8))  # the uses left the window: nothing to judge

    alert.refresh_from_db()
    assert (alert.status, alert.last_seen_at) == ("open", NOW)


def test_alerts_of_deleted_or_retired_prompts_are_resolved(default_rules, prompt):
    _uses(prompt, 1)
    _evaluate()
    prompt.status = "deprecated"
    prompt.save()

    assert _evaluate()["resolved"] == 1 and not _active().exists()


def test_disabled_rules_are_not_evaluated(default_rules, prompt):
    for rule in default_rules.values():
        alert_rule_save(rule=rule, is_enabled=False)

    assert _evaluate() == {"rules": 0, "opened": 0, "updated": 0, "resolved": 0, "notified": 0}


def test_people_can_only_acknowledge_open_and_resolve_active_alerts():
    alert = AlertFactory()
    user = UserFactory()

    alert_acknowledge(alert=alert, user=user)
    with pytest.raises(ValidationError, match="Only open alerts can be acknowledged; this one is acknowledged"):
        alert_acknowledge(alert=alert, user=user)
    resolved = alert_resolve(alert=alert, user=user)
    with pytest.raises(ValidationError, match="already resolved"):
        alert_resolve(alert=alert, user=user)

    assert (resolved.status, resolved.resolved_by, resolved.acknowledged_by) == ("resolved", user, user)


@pytest.mark.parametrize("metric,changes,field,message", [
    ("success_rate", {"threshold": 120}, "threshold", "a percentage from 0 to 100"),
    ("error_rate", {"threshold": -1}, "threshold", "a percentage from 0 to 100"),
    ("mean_rating", {"threshold": 6}, "threshold", "a rating from 1 to 5 stars"),
    ("low_usage", {"threshold": Decimal("2.5")}, "threshold", "whole number"),
    ("low_usage", {"comparison": "above"}, "comparison", "when the value is below the threshold"),
    ("response_time", {"baseline_hours": 500}, "baseline_hours", "Only drop rules"),
    ("enhancement_success_drop", {"baseline_hours": None}, "baseline_hours", "set baseline_hours"),
    ("enhancement_success_drop", {"baseline_hours": 1}, "baseline_hours", "longer than window_hours"),
])
def test_rule_thresholds_are_validated(default_rules, metric, changes, field, message):
    with pytest.raises(ValidationError) as error:
        alert_rule_save(rule=default_rules[metric], **changes)

    assert message in " ".join(error.value.message_dict[field] if field in error.value.message_dict
                               else error.value.messages)


def test_rule_save_refuses_unknown_fields(default_rules):
    with pytest.raises(ValidationError, match="cannot be changed"):
        alert_rule_save(rule=default_rules["low_usage"], created_at=NOW)


class _Receiver(BaseHTTPRequestHandler):
    received: list = []
    status = 204
    url = ""

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        type(self).received.append((self.headers["Content-Type"], json.loads(body)))
        self.send_response(type(self).status)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def webhook(settings):
    """A real HTTP server on localhost, in a thread, recording what it receives."""
    _Receiver.received, _Receiver.status = [], 204
    server = HTTPServer(("127.0.0.1", 0), _Receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _Receiver.url = settings.ALERT_WEBHOOK_URL = f"http://127.0.0.1:{server.server_port}/hook"
    yield _Receiver
    server.shutdown()
    server.server_close()


def test_new_alerts_are_posted_to_the_webhook_after_commit(default_rules, prompt, webhook,
                                                          django_capture_on_commit_callbacks):
    _uses(prompt, 2)
    rebuild_prompt_performance()

    with django_capture_on_commit_callbacks(execute=True):
        counts = alerts_evaluate(now=NOW)

    alert = Alert.objects.get()
    assert counts["opened"] == 1 and alert.notified_at is not None
    content_type, payload = webhook.received[0]
    assert content_type == "application/json" and len(webhook.received) == 1
    assert payload == {
        "event": "alert.opened",
        "text": f"[LOW] Low usage: {alert.message}",
        "alert": {"id": str(alert.pk), "rule": "Low usage", "metric": "low_usage", "comparison": "below",
                  "severity": "low", "subject_type": "prompt", "subject_key": str(prompt.pk),
                  "subject_label": "Portrait lighting", "value": "2.00", "threshold": "5.00",
                  "message": alert.message, "recommendation": default_rules["low_usage"].recommendation,
                  "status": "open", "first_seen_at": NOW.isoformat(), "last_seen_at": NOW.isoformat()},
    }
    with django_capture_on_commit_callbacks(execute=True):
        alerts_evaluate(now=NOW + timedelta(minutes=5))
    assert len(webhook.received) == 1  # still firing: no second notification


def test_rules_without_notify_webhook_are_not_posted(default_rules, prompt, webhook,
                                                     django_capture_on_commit_callbacks):
    alert_rule_save(rule=default_rules["low_usage"], notify_webhook=False)
    _uses(prompt, 2)
    rebuild_prompt_performance()

    with django_capture_on_commit_callbacks(execute=True):
        alerts_evaluate(now=NOW)

    assert webhook.received == [] and Alert.objects.get().notified_at is None


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_a_down_or_failing_webhook_never_breaks_evaluation(default_rules, prompt, settings, webhook, caplog,
                                                           django_capture_on_commit_callbacks):
    settings.ALERT_WEBHOOK_URL = f"http://127.0.0.1:{_closed_port()}/hook"
    _uses(prompt, 2)
    rebuild_prompt_performance()

    with django_capture_on_commit_callbacks(execute=True):
        counts = alerts_evaluate(now=NOW)

    alert = Alert.objects.get()
    assert counts["opened"] == 1 and alert.notified_at is None
    assert "Alert webhook delivery of alert" in caplog.text
    webhook.status = 500
    settings.ALERT_WEBHOOK_URL = webhook.url
    with django_capture_on_commit_callbacks(execute=True):
        alerts_evaluate(now=NOW)
    alert.refresh_from_db()
    assert len(webhook.received) == 1 and alert.notified_at is None  # 500: tried, not marked, retried later
    webhook.status = 200
    with django_capture_on_commit_callbacks(execute=True):
        alerts_evaluate(now=NOW)
    alert.refresh_from_db()
    assert len(webhook.received) == 2 and alert.notified_at is not None


def test_command_and_job_print_and_return_counts(default_rules, prompt):
    _uses(prompt, 2)
    rebuild_prompt_performance()
    out = StringIO()

    call_command("evaluate_alerts", stdout=out)
    result = evaluate_alerts_job()

    assert out.getvalue().startswith("rules 7, opened 1, updated 0, resolved 0")
    assert (result["opened"], result["updated"]) == (0, 1)
