"""The Prompt performance page (document 002's Overview, Performance, Analytics and Alerts tabs) and its rollup.

``performance/`` (``admin:analytics_prompt_performance``) shows, for the chosen
period, the dashboard metrics, the top performers, every prompt's figures, the
usage per day, the alerts the rules would raise for that period and the
active alerts. It needs ``analytics.view_promptperformancedaily``, as do the CSV downloads of its
per-prompt, top-performer and per-day tables (``performance/<table>.csv?period=``).
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseBadRequest
from django.template.response import TemplateResponse
from django.urls import path

from analytics.alerts.selectors import alert_list
from analytics.export_tables import PROMPT_PERFORMANCE_TABLES
from analytics.exports import csv_filename, csv_response, table_or_404
from analytics.models import PromptPerformanceDaily
from analytics.prompt_performance import (
    DEFAULT_MIN_USES,
    get_dashboard_metrics,
    get_performance_alerts,
    get_top_performing_prompts,
    prompt_performance_table,
    prompt_usage_trend,
)
from analytics.prompt_windows import DEFAULT_PERIOD, PERIOD_HOURS, Totals, Window, period_window
from analytics.rollups.buckets import UTC
from ourvidz_admin.admin.base import PortalAdmin
from ourvidz_admin.admin.mixins import ReadOnlyAdminMixin

PERMISSION = "analytics.view_promptperformancedaily"
RECENT_ALERTS = 10


def _period(request) -> tuple[str, Window]:
    """``?period=`` parsed once, as ``period_window`` does; a bad one is explained and the default shown."""
    try:
        return period_window(request.GET.get("period", DEFAULT_PERIOD))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages) + f" Showing {DEFAULT_PERIOD}.")
        return period_window(DEFAULT_PERIOD)


def performance_context(period: tuple[str, Window]) -> dict:
    """Everything the page shows for ``period``, a ``(name, Window)`` pair from ``period_window``.

    The selectors share the parsed window and one cache, so the window's totals and the prompt
    library are each read once.
    """
    cache: dict = {}
    metrics = get_dashboard_metrics(period, cache=cache)
    return {
        "period": period[0], "periods": list(PERIOD_HOURS), "min_uses": DEFAULT_MIN_USES, "metrics": metrics,
        "top": get_top_performing_prompts(period, 10, min_uses=DEFAULT_MIN_USES, cache=cache),
        "prompts": prompt_performance_table(period, cache=cache), "trend": prompt_usage_trend(period),
        "would_be_alerts": get_performance_alerts(period, cache=cache),
        "recent_alerts": list(alert_list(filters={"status": "active"})[:RECENT_ALERTS]),
        # Active = open or acknowledged, as the "active" status filter of the list behind the link.
        "active_alert_count": metrics["alerts"]["open"]["total"] + metrics["alerts"]["acknowledged"],
    }


@admin.register(PromptPerformanceDaily)
class PromptPerformanceDailyAdmin(ReadOnlyAdminMixin, PortalAdmin):
    list_display = ("date", "prompt", "uses", "successes", "success_rate", "mean_rating", "mean_response_time_ms",
                    "tokens_used", "cost")
    list_select_related = ("prompt",)
    list_filter = ("prompt",)
    date_hierarchy = "date"
    ordering = ("-date", "prompt")

    def get_urls(self):
        view = self.admin_site.admin_view
        return [path("performance/", view(self.performance_view), name="analytics_prompt_performance"),
                path("performance/<slug:table>.csv", view(self.csv_view), name="analytics_prompt_performance_csv"),
                *super().get_urls()]

    def performance_view(self, request):
        if not request.user.has_perm(PERMISSION):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request), **performance_context(_period(request)),
            "title": "Prompt performance", "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/analytics/prompt_performance.html", context)

    def csv_view(self, request, table: str):
        """One table of the page as CSV for ``?period=``; a bad period is a 400 with its message."""
        if not request.user.has_perm(PERMISSION):
            raise PermissionDenied
        spec = table_or_404(PROMPT_PERFORMANCE_TABLES, table)
        try:
            period = period_window(request.GET.get("period", DEFAULT_PERIOD))
        except ValidationError as exc:
            return HttpResponseBadRequest(" ".join(exc.messages), content_type="text/plain; charset=utf-8")
        window = period[1]
        dates = (window.start.astimezone(UTC).date(), window.end.astimezone(UTC).date())
        # The selectors take the parsed pair as their period, so the table covers this very window.
        return csv_response(spec.rows(period=period, now=window.end), spec.columns,
                            filename=csv_filename("prompt-performance", table, *dates))

    @admin.display(description="success %")
    def success_rate(self, obj):
        return Totals.of(obj).success_rate

    @admin.display(description="mean rating")
    def mean_rating(self, obj):
        return Totals.of(obj).mean_rating

    @admin.display(description="mean response (ms)")
    def mean_response_time_ms(self, obj):
        return Totals.of(obj).mean_response_time_ms
