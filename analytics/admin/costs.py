"""The Costs admin page: what the jobs of a day range cost per model, strategy, prompt and user.

Hung on the cost rates' admin (``configs.admin.costs.CostRateAdmin``), which this module registers again with
the page added: the configs app cannot import analytics, and the rates are what the page's figures are priced
at. The view is wrapped by ``admin_site.admin_view`` (staff login), checks the permissions of
``GET /api/analytics/costs`` and renders from the same selector (``analytics.costs.cost_report``).
"""

from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.template.response import TemplateResponse
from django.urls import path, reverse

from analytics.api.costs import COSTS, DEFAULT_DAYS
from analytics.costs import cost_report
from analytics.dashboards.common import MAX_DAYS, day_range_parse
from configs.admin.costs import CostRateAdmin
from configs.models import CostRate

TEMPLATE = "admin/analytics/costs.html"


class CostPagesMixin:
    """Adds ``costs/`` (url name ``analytics_costs``) to a ModelAdmin's URLs."""

    def get_urls(self):
        return [path("costs/", self.admin_site.admin_view(self.costs_view), name="analytics_costs"),
                *super().get_urls()]

    def costs_view(self, request):
        if not request.user.has_perms(COSTS):
            raise PermissionDenied
        context = {**self.admin_site.each_context(request), "title": "Costs", "opts": self.model._meta,
                   "max_days": MAX_DAYS, "rates_url": reverse("admin:configs_costrate_changelist")}
        try:
            days = day_range_parse(request.GET, default_days=DEFAULT_DAYS)
        except ValidationError as exc:
            errors = [message for messages in exc.message_dict.values() for message in messages]
            values = {"from": request.GET.get("from", ""), "to": request.GET.get("to", "")}
            return TemplateResponse(request, TEMPLATE, {**context, "errors": errors, "range": values})
        values = {"from": days.since.isoformat(), "to": days.until.isoformat()}
        return TemplateResponse(request, TEMPLATE, {**context, "data": cost_report(days), "range": values})


class CostRateWithCostsAdmin(CostPagesMixin, CostRateAdmin):
    """The cost rates' admin, plus the Costs page."""


admin.site.unregister(CostRate)
admin.site.register(CostRate, CostRateWithCostsAdmin)
