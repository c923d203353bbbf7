"""Admin for alerts (the Alerts tab of document 002) and their editable rules.

Alerts are written by the evaluation only; people acknowledge or resolve them
with the list actions, which need ``analytics.change_alert`` (admins and
moderators; viewers read). Rule thresholds are edited in the rule list by
those with ``analytics.change_alertrule`` (admins); ``AlertRule.clean`` checks them.
"""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce

from analytics.alerts.selectors import alert_list
from analytics.alerts.services import alert_acknowledge, alert_resolve, alert_rule_save
from analytics.choices import AlertStatus
from analytics.filters import ACTIVE, AlertFilterSet
from analytics.models import Alert, AlertRule
from analytics.models.alerts import ACTIVE_ALERT
from ourvidz_admin.admin.base import PortalAdmin
from ourvidz_admin.admin.mixins import ReadOnlyAdminMixin, clip

ACT_PERMISSION = "analytics.change_alert"


class AlertStatusFilter(admin.SimpleListFilter):
    """Active alerts (open or acknowledged) unless another status, or all, is chosen."""

    title = "status"
    parameter_name = "status"
    ALL = "all"

    def lookups(self, request, model_admin):
        return [(ACTIVE, "Active (open or acknowledged)"), *AlertStatus.choices, (self.ALL, "All")]

    def value(self):
        return super().value() or ACTIVE

    def choices(self, changelist):
        for lookup, title in self.lookup_choices:
            yield {"selected": self.value() == str(lookup), "display": title,
                   "query_string": changelist.get_query_string({self.parameter_name: lookup})}

    def queryset(self, request, queryset):
        # AlertFilterSet's status filter, as the API applies it; an unknown value leaves the list unfiltered.
        if self.value() == self.ALL:
            return queryset
        return AlertFilterSet({"status": self.value()}, queryset=queryset).qs


def _act(modeladmin, request, queryset, service, verb: str) -> None:
    done, errors = 0, []
    for alert in queryset.select_related("rule"):
        try:
            alert = service(alert=alert, user=request.user)
        except ValidationError as exc:
            errors.append(f"{alert.subject_label}: {' '.join(exc.messages)}")
            continue
        message = [{"changed": {"fields": ["status"]}}, f"{verb.capitalize()} from the alert list"]
        modeladmin.log_change(request, alert, message)
        done += 1
    if done:
        modeladmin.message_user(request, f"{verb.capitalize()} {done} alert(s).", messages.SUCCESS)
    for error in errors:
        modeladmin.message_user(request, error, messages.ERROR)


@admin.action(description="Acknowledge selected open alerts", permissions=["act"])
def acknowledge_selected(modeladmin, request, queryset):
    _act(modeladmin, request, queryset, alert_acknowledge, "acknowledged")


@admin.action(description="Resolve selected alerts", permissions=["act"])
def resolve_selected(modeladmin, request, queryset):
    _act(modeladmin, request, queryset, alert_resolve, "resolved")


@admin.register(Alert)
class AlertAdmin(ReadOnlyAdminMixin, PortalAdmin):
    # The recommendation is on the alert's page; the message is clipped to one line (whole on hover).
    list_display = ("severity_display", "rule", "subject", "value_vs_threshold", "message_text",
                    "first_seen_at", "last_seen_at", "status")
    list_select_related = ("rule",)
    list_filter = (AlertStatusFilter, "severity", "rule")
    search_fields = ("subject_label", "message")
    actions = (acknowledge_selected, resolve_selected)
    show_full_result_count = False
    list_per_page = 50

    def get_queryset(self, request):
        # The selector's rows: annotated with severity_rank, which the ordering and a column sort by.
        return alert_list()

    def get_ordering(self, request):
        return ("severity_rank", "-last_seen_at")

    def has_act_permission(self, request):
        return request.user.has_perm(ACT_PERMISSION)

    @admin.display(description="severity", ordering="severity_rank")
    def severity_display(self, obj):
        return obj.get_severity_display()

    @admin.display(description="subject", ordering="subject_label")
    def subject(self, obj):
        return f"{obj.subject_type}: {obj.subject_label}"

    @admin.display(description="value vs threshold")
    def value_vs_threshold(self, obj):
        return f"{obj.value} {'<' if obj.rule.comparison == 'below' else '>'} {obj.threshold}"

    @admin.display(description="message")
    def message_text(self, obj):
        return clip(obj.message, "wide")

    @admin.display(description="recommendation")
    def recommendation_text(self, obj):
        return clip(obj.recommendation, "wide")


@admin.register(AlertRule)
class AlertRuleAdmin(PortalAdmin):
    # Baseline window and minimum samples are edited on the rule's page.
    list_display = ("name", "metric", "comparison", "threshold", "window_hours", "severity", "is_enabled",
                    "notify_webhook", "active_alerts")
    list_display_links = ("name",)
    list_editable = ("threshold", "window_hours", "severity", "is_enabled", "notify_webhook")
    list_filter = ("metric", "severity", "is_enabled")
    search_fields = ("name", "recommendation")

    def get_queryset(self, request):
        # A correlated count over the partial unique index of active alerts, not a join of every alert.
        active = (Alert.objects.filter(ACTIVE_ALERT, rule=OuterRef("pk")).order_by().values("rule")
                  .annotate(n=Count("pk")).values("n"))
        return super().get_queryset(request).annotate(active_count=Coalesce(Subquery(active), 0))

    @admin.display(description="active alerts", ordering="active_count")
    def active_alerts(self, obj):
        return obj.active_count

    def save_model(self, request, obj, form, change):
        try:
            alert_rule_save(rule=obj)
        except ValidationError as exc:
            self.message_user(request, f"{obj.name}: {' '.join(exc.messages)}", messages.ERROR)
