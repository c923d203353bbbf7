"""FilterSets of the analytics app, shared by the API and selectors."""

import django_filters

from analytics.choices import AlertMetric, AlertStatus, Severity
from analytics.models import Alert, AlertRule
from analytics.models.alerts import ACTIVE_ALERT

ACTIVE = "active"


class AlertFilterSet(django_filters.FilterSet):
    """``status`` (open, acknowledged, resolved, or ``active`` for the first two), ``severity``, ``rule``."""

    status = django_filters.ChoiceFilter(
        choices=[(ACTIVE, "Active (open or acknowledged)"), *AlertStatus.choices], method="filter_status",
        help_text="open, acknowledged, resolved, or active (open or acknowledged).",
    )
    severity = django_filters.ChoiceFilter(choices=Severity.choices, help_text="high, medium or low.")
    rule = django_filters.UUIDFilter(field_name="rule_id", help_text="An alert rule's id.")

    class Meta:
        model = Alert
        fields = ("status", "severity", "rule")

    def filter_status(self, queryset, name, value):
        return queryset.filter(ACTIVE_ALERT) if value == ACTIVE else queryset.filter(status=value)


class AlertRuleFilterSet(django_filters.FilterSet):
    metric = django_filters.ChoiceFilter(choices=AlertMetric.choices)
    is_enabled = django_filters.BooleanFilter()

    class Meta:
        model = AlertRule
        fields = ("metric", "is_enabled")
