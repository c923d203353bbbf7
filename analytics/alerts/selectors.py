"""Reads of alerts: the list (most severe, then most recent) and the counts the dashboard shows."""

from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When

from analytics.choices import AlertStatus, Severity
from analytics.filters import AlertFilterSet
from analytics.models import Alert

SEVERITY_RANK = {Severity.HIGH: 0, Severity.MEDIUM: 1, Severity.LOW: 2}


def severity_order() -> Case:
    """An expression ranking severities high (0), medium (1), low (2), for ordering alerts."""
    return Case(*(When(severity=s, then=Value(rank)) for s, rank in SEVERITY_RANK.items()),
                default=Value(9), output_field=IntegerField())


def alert_list(*, filters: dict | None = None) -> QuerySet:
    """Alerts with their rule and people, most severe first, then most recently seen.

    ``filters``: query parameters of ``AlertFilterSet`` (status, severity, rule).
    """
    alerts = (Alert.objects.select_related("rule", "acknowledged_by", "resolved_by")
              .annotate(severity_rank=severity_order()).order_by("severity_rank", "-last_seen_at", "-id"))
    return AlertFilterSet(filters or {}, queryset=alerts).qs


def alert_counts() -> dict:
    """Open alerts per severity (``high``, ``medium``, ``low``, ``total``) and the acknowledged ones."""
    counts = Alert.objects.filter(status__in=(AlertStatus.OPEN, AlertStatus.ACKNOWLEDGED)).aggregate(
        **{s.value: Count("pk", filter=Q(status=AlertStatus.OPEN, severity=s)) for s in Severity},
        acknowledged=Count("pk", filter=Q(status=AlertStatus.ACKNOWLEDGED)),
    )
    open_counts = {s.value: counts[s.value] for s in Severity}
    return {"open": {**open_counts, "total": sum(open_counts.values())}, "acknowledged": counts["acknowledged"]}
