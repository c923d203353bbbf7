"""The API's ReDoc page, fully offline.

drf-spectacular's template links Google Fonts (dropped by ``api/redoc.html``) and ReDoc's bundle shows a
logo from cdn.redoc.ly. The page loads the sidecar's bundle through ``redoc_bundle``, which blanks that
one address (ReDoc drops a logo it cannot show), and its Content-Security-Policy keeps the browser on
this server whatever a later bundle adds.
"""

from functools import cache

from django.contrib.staticfiles import finders
from django.http import HttpResponse, HttpResponseForbidden
from django.urls import reverse
from django.views.decorators.http import require_GET
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularRedocView

BUNDLE = "drf_spectacular_sidecar/redoc/bundles/redoc.standalone.js"
OUTSIDE = ("https://cdn.redoc.ly/redoc/logo-mini.svg",)
SAME_ORIGIN_ONLY = ("default-src 'self'; script-src 'self' 'unsafe-inline' blob:; worker-src 'self' blob:; "
                    "style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self' data:; "
                    "connect-src 'self'")


@cache
def _bundle() -> bytes:
    with open(finders.find(BUNDLE), "rb") as handle:
        source = handle.read()
    for address in OUTSIDE:
        source = source.replace(address.encode(), b"")
    return source


@require_GET
def redoc_bundle(request):
    """The bundle, for the staff who may open the docs page (as ``SERVE_PERMISSIONS``)."""
    if not (request.user.is_active and request.user.is_staff):
        return HttpResponseForbidden("The API docs are for staff: log in to the admin first.",
                                     content_type="text/plain")
    response = HttpResponse(_bundle(), content_type="application/javascript; charset=utf-8")
    response["Cache-Control"] = "private, max-age=86400"
    return response


class OfflineRedocView(SpectacularRedocView):
    template_name = "api/redoc.html"

    @extend_schema(exclude=True)
    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        response.data["redoc_standalone"] = reverse("api:redoc-bundle")
        response["Content-Security-Policy"] = SAME_ORIGIN_ONLY
        return response
