"""The System Health admin page: queues, workers, failed and stuck jobs, storage; refreshed every few seconds.

The page renders complete HTML (it works without JavaScript on reload); a
small inline script fetches ``health.json`` and swaps in the table bodies,
which the JSON carries already rendered by the same fragment templates.
"""

from django.core.exceptions import PermissionDenied
from django.core.serializers.json import DjangoJSONEncoder
from django.http import JsonResponse
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import path

from gpu.selectors import system_health_get

PERMISSION = "gpu.view_workerheartbeat"
REFRESH_S = 5
# Element id on the page -> the fragment template that renders its content.
FRAGMENTS = {
    "health-status": "admin/gpu/system_health_status.html",
    "health-overview": "admin/gpu/system_health_overview.html",
    "health-queues": "admin/gpu/system_health_queues.html",
    "health-workers": "admin/gpu/system_health_workers.html",
    "health-failed": "admin/gpu/system_health_failed.html",
    "health-stuck": "admin/gpu/system_health_stuck.html",
}


class SystemHealthAdminMixin:
    """Adds ``health/`` (``admin:gpu_system_health``) and ``health.json`` to a ModelAdmin's URLs."""

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("health/", view(self.system_health_view), name="gpu_system_health"),
            path("health.json", view(self.system_health_json_view), name="gpu_system_health_json"),
            *super().get_urls(),
        ]

    def _health_context(self, request) -> dict:
        if not request.user.has_perm(PERMISSION):
            raise PermissionDenied
        return {"health": system_health_get(), "refresh_s": REFRESH_S}

    def system_health_view(self, request):
        health = self._health_context(request)
        context = {
            **self.admin_site.each_context(request), **health,
            "title": "System health", "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/gpu/system_health.html", context)

    def system_health_json_view(self, request):
        context = self._health_context(request)
        html = {element: render_to_string(template, context) for element, template in FRAGMENTS.items()}
        return JsonResponse({"health": context["health"], "html": html}, encoder=DjangoJSONEncoder)
