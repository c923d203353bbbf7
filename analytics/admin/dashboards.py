"""The analytics dashboard pages: Model Analytics, Enhanced Prompts, Live, Effectiveness, User adoption, Operations.

Custom admin pages hung on the ``job_stats_daily`` admin (the rollup most of them read): each view
is wrapped by ``admin_site.admin_view`` (staff login), checks the same permissions as its API
endpoint, then renders dense tables from one selector. The live page renders complete HTML and a
small script fetches ``live.json`` every ``LIVE_REFRESH_S`` seconds to swap in the table bodies,
rendered by the same fragment templates (as the System Health page does).

Every table of the other pages downloads as CSV from ``dashboards/<page>/<table>.csv`` (the
tables are listed in ``analytics.export_tables``), with the page's range and permissions.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpResponseBadRequest, JsonResponse
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import path, reverse

from analytics.api.dashboards import ADOPTION, EFFECTIVENESS, ENHANCED_PROMPTS, LIVE, MODEL_ANALYTICS, OPERATIONS
from analytics.dashboards.adoption import user_adoption
from analytics.dashboards.common import MAX_DAYS, day_range_parse, utc_today
from analytics.dashboards.effectiveness import strategy_effectiveness
from analytics.dashboards.enhanced_prompts import enhanced_prompt_analytics
from analytics.dashboards.live import live_prompt_performance
from analytics.dashboards.model_analytics import model_analytics
from analytics.export_tables import DASHBOARD_EXPORTS
from analytics.exports import csv_filename, csv_response, table_or_404
from analytics.operations.figures import operations

LIVE_REFRESH_S = 15
_T = "admin/analytics/dashboards/"
# url name -> (menu label, permissions); the order of the links on every page.
DASHBOARDS = {
    "analytics_model_analytics": ("Model analytics", MODEL_ANALYTICS),
    "analytics_enhanced_prompts": ("Enhanced prompts", ENHANCED_PROMPTS),
    "analytics_live_performance": ("Live prompt performance", LIVE),
    "analytics_enhancement_effectiveness": ("Enhancement effectiveness", EFFECTIVENESS),
    "analytics_user_adoption": ("User adoption", ADOPTION),
    "analytics_operations": ("Operations", OPERATIONS),
}
# Element id on the live page -> the fragment template that renders its content.
LIVE_FRAGMENTS = {
    "live-status": _T + "live_status.html",
    "live-metrics": _T + "live_metrics.html",
    "live-active": _T + "live_active.html",
    "live-finished": _T + "live_finished.html",
    "live-strategies": _T + "live_strategies.html",
}


def _range_errors(exc: ValidationError) -> list[str]:
    return [message for messages in exc.message_dict.values() for message in messages]


class DashboardPagesMixin:
    """Adds the six dashboard pages (and ``live.json``) to a ModelAdmin's URLs."""

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("dashboards/models/", view(self.model_analytics_view), name="analytics_model_analytics"),
            path("dashboards/enhanced-prompts/", view(self.enhanced_prompts_view), name="analytics_enhanced_prompts"),
            path("dashboards/live/", view(self.live_view), name="analytics_live_performance"),
            path("dashboards/live.json", view(self.live_json_view), name="analytics_live_performance_json"),
            path("dashboards/effectiveness/", view(self.effectiveness_view),
                 name="analytics_enhancement_effectiveness"),
            path("dashboards/adoption/", view(self.adoption_view), name="analytics_user_adoption"),
            path("dashboards/operations/", view(self.operations_view), name="analytics_operations"),
            path("dashboards/<slug:page>/<slug:table>.csv", view(self.csv_view), name="analytics_dashboard_csv"),
            *super().get_urls(),
        ]

    @staticmethod
    def _check(request, url_name: str) -> None:
        if not request.user.has_perms(DASHBOARDS[url_name][1]):
            raise PermissionDenied

    def _page_context(self, request, url_name: str, **extra) -> dict:
        self._check(request, url_name)
        title = DASHBOARDS[url_name][0]
        links = [{"label": label, "url": reverse(f"admin:{name}"), "current": name == url_name}
                 for name, (label, perms) in DASHBOARDS.items() if request.user.has_perms(perms)]
        return {**self.admin_site.each_context(request), "title": title, "opts": self.model._meta,
                "dashboards": links, **extra}

    def _ranged_view(self, request, url_name: str, template: str, selector, default_days: int):
        context = self._page_context(request, url_name, max_days=MAX_DAYS)
        try:
            days = day_range_parse(request.GET, default_days=default_days)
        except ValidationError as exc:
            errors = _range_errors(exc)
            values = {"from": request.GET.get("from", ""), "to": request.GET.get("to", "")}
            return TemplateResponse(request, _T + template, {**context, "errors": errors, "range": values})
        values = {"from": days.since.isoformat(), "to": days.until.isoformat()}
        return TemplateResponse(request, _T + template, {**context, "data": selector(days), "range": values,
                                                         "days": days})

    def model_analytics_view(self, request):
        return self._ranged_view(request, "analytics_model_analytics", "model_analytics.html",
                                 lambda days: model_analytics(days=days), 7)

    def effectiveness_view(self, request):
        return self._ranged_view(request, "analytics_enhancement_effectiveness", "effectiveness.html",
                                 lambda days: strategy_effectiveness(days=days), 7)

    def adoption_view(self, request):
        return self._ranged_view(request, "analytics_user_adoption", "adoption.html",
                                 lambda days: user_adoption(days=days), 30)

    def operations_view(self, request):
        return self._ranged_view(request, "analytics_operations", "operations.html",
                                 lambda days: operations(days), 30)

    def enhanced_prompts_view(self, request):
        context = self._page_context(request, "analytics_enhanced_prompts")
        return TemplateResponse(request, _T + "enhanced_prompts.html",
                                {**context, "data": enhanced_prompt_analytics(limit=50)})

    def csv_view(self, request, page: str, table: str):
        """One table of a page as CSV, for the page's range; a bad range is a 400 with the page's message."""
        export = DASHBOARD_EXPORTS.get(page)
        if export is None:
            raise Http404(f"No page {page!r} to export.")
        self._check(request, export.url_name)
        spec = table_or_404(export.tables, table)
        if export.default_days is None:
            return csv_response(spec.rows(), spec.columns, filename=csv_filename(export.name, table, utc_today()))
        try:
            days = day_range_parse(request.GET, default_days=export.default_days)
        except ValidationError as exc:
            return HttpResponseBadRequest(" ".join(_range_errors(exc)), content_type="text/plain; charset=utf-8")
        return csv_response(spec.rows(days=days), spec.columns,
                            filename=csv_filename(export.name, table, days.since, days.until))

    def live_view(self, request):
        context = self._page_context(request, "analytics_live_performance", refresh_s=LIVE_REFRESH_S)
        return TemplateResponse(request, _T + "live.html", {**context, "data": live_prompt_performance()})

    def live_json_view(self, request):
        self._check(request, "analytics_live_performance")
        context = {"refresh_s": LIVE_REFRESH_S, "data": live_prompt_performance()}
        html = {element: render_to_string(template, context) for element, template in LIVE_FRAGMENTS.items()}
        return JsonResponse({"generated_at": context["data"]["generated_at"], "html": html}, encoder=DjangoJSONEncoder)
