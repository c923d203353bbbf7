"""Writes to alerts and alert rules: evaluate, acknowledge, resolve, edit a rule.

``alerts_evaluate`` is the scheduled entry point (``analytics.jobs.evaluate_alerts_job``,
``manage.py evaluate_alerts``). For every enabled rule it:

* opens an alert for each firing subject without an active one (active = open or acknowledged;
  the database allows one per rule and subject);
* refreshes ``last_seen_at``, value, threshold, message and severity of the active ones still firing
  (an acknowledged alert stays acknowledged);
* resolves, with ``resolved_by`` empty, the active ones whose subject was judged and no longer fires,
  or that the rule no longer watches (a deleted prompt; a prompt no longer active, for low usage).

A subject with too few samples to judge keeps its alert as it is. Rules that are disabled are not
evaluated and their alerts are left alone. After the transaction commits, the open alerts of rules
with ``notify_webhook`` that were never delivered are POSTed to ``ALERT_WEBHOOK_URL``
(``analytics.alerts.webhooks``): a failed delivery is logged and retried at the next evaluation.
"""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from analytics.alerts.rules import Evaluation, Finding, evaluate_rule
from analytics.alerts.webhooks import alerts_notify_pending
from analytics.choices import AlertStatus
from analytics.models import Alert, AlertRule
from analytics.models.alerts import ACTIVE_ALERT

REFRESHED_FIELDS = ("subject_label", "severity", "value", "threshold", "message", "recommendation", "last_seen_at")
RULE_FIELDS = ("name", "metric", "comparison", "threshold", "window_hours", "baseline_hours", "min_samples",
               "severity", "recommendation", "is_enabled", "notify_webhook")


def _open(rule: AlertRule, finding: Finding, now: datetime) -> Alert:
    alert = Alert(
        rule=rule, subject_type=finding.subject_type, subject_key=finding.subject_key,
        subject_label=finding.subject_label[:200], severity=rule.severity, value=finding.value,
        threshold=rule.threshold, message=finding.message, recommendation=rule.recommendation,
        first_seen_at=now, last_seen_at=now,
    )
    alert.full_clean()
    alert.save()
    return alert


def _refresh(alert: Alert, rule: AlertRule, finding: Finding, now: datetime) -> Alert:
    """``alert`` with the finding's figures, not yet saved (``_save_changes`` writes them all at once)."""
    alert.subject_label, alert.severity, alert.value = finding.subject_label[:200], rule.severity, finding.value
    alert.threshold, alert.message, alert.recommendation = rule.threshold, finding.message, rule.recommendation
    alert.last_seen_at = now
    return alert


def _apply(evaluation: Evaluation, now: datetime, changes: dict) -> None:
    """Open alerts for new firing subjects; queue the refreshes and resolutions in ``changes``."""
    rule = evaluation.rule
    active = {alert.subject_key: alert for alert in Alert.objects.select_for_update().filter(ACTIVE_ALERT, rule=rule)}
    for finding in evaluation.findings:
        alert = active.pop(finding.subject_key, None)
        if finding.fires and alert is None:
            _open(rule, finding, now)
            changes["opened"] += 1
        elif finding.fires:
            changes["refreshed"].append(_refresh(alert, rule, finding, now))
        elif alert is not None:
            changes["resolved"].append(alert.pk)
    changes["resolved"] += [alert.pk for key, alert in active.items() if key not in evaluation.watched]


def _save_changes(changes: dict, now: datetime) -> None:
    """One UPDATE for the refreshed alerts, one for those the evaluation resolves."""
    Alert.objects.bulk_update(changes["refreshed"], REFRESHED_FIELDS)
    if changes["resolved"]:
        Alert.objects.filter(pk__in=changes["resolved"]).update(status=AlertStatus.RESOLVED, resolved_at=now,
                                                                resolved_by=None)


def alerts_evaluate(*, now: datetime | None = None, metrics=None) -> dict[str, int]:
    """Evaluate every enabled rule (of ``metrics`` only, when given) at ``now`` (default: the current
    time) in one transaction.

    Returns ``{"rules": n, "opened": n, "updated": n, "resolved": n, "notified": n}``; ``notified``
    counts webhook deliveries, made after commit (still 0 when an outer transaction is open).
    Rules are locked while they are evaluated, so two evaluations never race.
    """
    now = now or timezone.now()
    counts = {"rules": 0, "opened": 0, "updated": 0, "resolved": 0, "notified": 0}
    with transaction.atomic():
        rules = AlertRule.objects.select_for_update().filter(is_enabled=True).order_by("metric", "name")
        rules = list(rules.filter(metric__in=metrics) if metrics else rules)
        cache: dict = {}
        changes = {"opened": 0, "refreshed": [], "resolved": []}
        for rule in rules:
            _apply(evaluate_rule(rule, now=now, cache=cache), now, changes)
        _save_changes(changes, now)
        counts.update(rules=len(rules), opened=changes["opened"], updated=len(changes["refreshed"]),
                      resolved=len(changes["resolved"]))
        transaction.on_commit(lambda: counts.update(notified=alerts_notify_pending()))
    return counts


def _locked(alert: Alert) -> Alert:
    return Alert.objects.select_for_update().select_related("rule").get(pk=alert.pk)


def alert_acknowledge(*, alert: Alert, user) -> Alert:
    """Mark an open alert as seen by ``user``; it stays active until it recovers or is resolved."""
    with transaction.atomic():
        alert = _locked(alert)
        if alert.status != AlertStatus.OPEN:
            raise ValidationError({"status": f"Only open alerts can be acknowledged; this one is {alert.status}."})
        alert.status, alert.acknowledged_at, alert.acknowledged_by = AlertStatus.ACKNOWLEDGED, timezone.now(), user
        alert.full_clean()
        alert.save(update_fields=["status", "acknowledged_at", "acknowledged_by"])
    return alert


def alert_resolve(*, alert: Alert, user) -> Alert:
    """Close an open or acknowledged alert by hand; if the rule still fires, the next evaluation opens a new one."""
    with transaction.atomic():
        alert = _locked(alert)
        if alert.status == AlertStatus.RESOLVED:
            raise ValidationError({"status": "This alert is already resolved."})
        alert.status, alert.resolved_at, alert.resolved_by = AlertStatus.RESOLVED, timezone.now(), user
        alert.full_clean()
        alert.save(update_fields=["status", "resolved_at", "resolved_by"])
    return alert


def alert_rule_save(*, rule: AlertRule, **changes) -> AlertRule:
    """Apply ``changes`` (fields of ``RULE_FIELDS``) to ``rule``, validate it (``AlertRule.clean``) and save."""
    unknown = set(changes) - set(RULE_FIELDS)
    if unknown:
        raise ValidationError(dict.fromkeys(sorted(unknown), "This field cannot be changed."))
    for name, value in changes.items():
        setattr(rule, name, value)
    with transaction.atomic():
        rule.full_clean()
        rule.save()
    return rule
