"""Alert notifications: a JSON POST to ``ALERT_WEBHOOK_URL`` per newly opened alert.

Delivery is best effort and never breaks an evaluation: a timeout, a refused
connection or a non-2xx answer is logged and the alert keeps ``notified_at``
empty, so the next evaluation tries it again while it stays open. One run
stops at the first failure (a down endpoint costs at most one timeout) and
sends at most ``MAX_PER_RUN`` alerts.
"""

import logging

import requests
from django.conf import settings
from django.utils import timezone

from analytics.choices import AlertStatus
from analytics.models import Alert

logger = logging.getLogger(__name__)
MAX_PER_RUN = 50


def alert_payload(alert: Alert) -> dict:
    """The JSON body of one alert; ``text`` makes it readable as a Slack-style incoming webhook."""
    rule = alert.rule
    return {
        "event": "alert.opened",
        "text": f"[{alert.severity.upper()}] {rule.name}: {alert.message}",
        "alert": {
            "id": str(alert.pk), "rule": rule.name, "metric": rule.metric, "comparison": rule.comparison,
            "severity": alert.severity, "subject_type": alert.subject_type, "subject_key": alert.subject_key,
            "subject_label": alert.subject_label, "value": str(alert.value), "threshold": str(alert.threshold),
            "message": alert.message, "recommendation": alert.recommendation, "status": alert.status,
            "first_seen_at": alert.first_seen_at.isoformat(), "last_seen_at": alert.last_seen_at.isoformat(),
        },
    }


def _post(url: str, alert: Alert) -> bool:
    try:
        response = requests.post(url, json=alert_payload(alert), timeout=settings.ALERT_WEBHOOK_TIMEOUT_S)
        response.raise_for_status()
    except requests.RequestException as exc:
        logger.warning("Alert webhook delivery of alert %s failed: %s", alert.pk, exc)
        return False
    return True


def alerts_notify_pending() -> int:
    """POST the open, never delivered alerts of rules with ``notify_webhook``, oldest first; return how many went.

    Does nothing (returns 0) when ``ALERT_WEBHOOK_URL`` is empty.
    """
    url = settings.ALERT_WEBHOOK_URL
    if not url:
        return 0
    pending = (Alert.objects.filter(status=AlertStatus.OPEN, notified_at__isnull=True, rule__notify_webhook=True)
               .select_related("rule").order_by("first_seen_at", "id")[:MAX_PER_RUN])
    sent = 0
    for alert in pending:
        if not _post(url, alert):
            break
        Alert.objects.filter(pk=alert.pk).update(notified_at=timezone.now())
        sent += 1
    return sent
