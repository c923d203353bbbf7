"""The Forecasts admin page: per model, the next days of volume and success rate with 80% intervals.

``forecasts/`` (``admin:analytics_forecasts``) on the ``model_performance_logs`` admin, the rollup it
reads; it needs the same permission as ``GET /api/analytics/forecast`` and shows the same figures, each
written by ``ourvidz_admin.formatting``, with the method named above each table.
"""

from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import path, reverse

from analytics.admin.dashboards import DASHBOARDS
from analytics.api.forecasts import PERMISSIONS, ForecastRangeSerializer
from analytics.forecasts import DEFAULT_DAYS, DEFAULT_HISTORY_DAYS, ForecastDay, ModelForecast, forecast_all
from ourvidz_admin import formatting

REPORT_PERMISSIONS = ("analytics.view_modelperformancelog", "analytics.view_jobstatsdaily",
                      "analytics.view_promptabtest", "analytics.view_alert")
# The pages of this module and of analytics/admin/reports.py, listed after the dashboards in their menu.
PAGES = {
    "analytics_forecasts": ("Forecasts", PERMISSIONS),
    "analytics_reports": ("Reports", REPORT_PERMISSIONS),
}


def page_links(request, current: str) -> list[dict]:
    """The dashboards' menu plus Forecasts and Reports, as the dashboards' base template lists it."""
    pages = {**DASHBOARDS, **PAGES}
    return [{"label": label, "url": reverse(f"admin:{name}"), "current": name == current}
            for name, (label, perms) in pages.items() if request.user.has_perms(perms)]


def _interval(low, high, write) -> str:
    if low is None or high is None:
        return formatting.DASH
    return f"{write(low)} – {write(high)}"


def _volume(value) -> str:
    return formatting.number(value, 1)


def forecast_row(day: ForecastDay) -> dict:
    """One table row of the page: every figure as the portal writes it (volume 1 decimal, rates 1 decimal %)."""
    return {
        "date": day.date.isoformat(), "weekday": day.date.strftime("%a"),
        "volume": _volume(day.volume), "volume_interval": _interval(day.volume_low, day.volume_high, _volume),
        "success_rate": formatting.fraction(day.success_rate),
        "success_rate_interval": _interval(day.success_rate_low, day.success_rate_high, formatting.fraction),
    }


def forecast_table(result: ModelForecast) -> dict:
    """A model's forecast as the page shows it."""
    return {"model_type": result.model_type, "method": result.method, "message": result.message,
            "notes": result.notes, "rows": [forecast_row(day) for day in result.days],
            "history_since": result.history_since, "history_until": result.history_until,
            "history_days": result.history_days}


class ForecastPagesMixin:
    """Adds ``forecasts/`` (``admin:analytics_forecasts``) to a ModelAdmin's URLs."""

    def get_urls(self):
        view = self.admin_site.admin_view
        return [path("forecasts/", view(self.forecasts_view), name="analytics_forecasts"), *super().get_urls()]

    def forecasts_view(self, request):
        if not request.user.has_perms(PERMISSIONS):
            raise PermissionDenied
        params = ForecastRangeSerializer(data=request.GET)
        context = {
            **self.admin_site.each_context(request), "title": "Forecasts", "opts": self.model._meta,
            "dashboards": page_links(request, "analytics_forecasts"),
            "values": {"days": request.GET.get("days", DEFAULT_DAYS),
                       "history_days": request.GET.get("history_days", DEFAULT_HISTORY_DAYS)},
        }
        if not params.is_valid():
            errors = [message for messages in params.errors.values() for message in messages]
            return TemplateResponse(request, "admin/analytics/forecasts.html", {**context, "errors": errors})
        tables = [forecast_table(result) for result in forecast_all(**params.validated_data)]
        return TemplateResponse(request, "admin/analytics/forecasts.html", {**context, "tables": tables})
