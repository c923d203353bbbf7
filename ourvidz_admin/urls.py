"""URL configuration: the admin portal at /admin/, the REST API at /api/, media when SERVE_MEDIA is on."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.generic import RedirectView

from gpu.admin.queues import rq_urlpatterns
from ourvidz_admin.media import media_serve

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="admin:index", permanent=False)),
    path("api/", include("ourvidz_admin.api.urls")),
    path("admin/rq/", include((rq_urlpatterns(), "django_rq"))),
    path("admin/", admin.site.urls),
]
if settings.SERVE_MEDIA:
    urlpatterns += [re_path(rf"^{settings.MEDIA_URL.strip('/')}/(?P<path>.+)$", media_serve, name="media")]

# Under /api/ every error is JSON, even those raised before a view runs (no URL matched, a crash).
handler404 = "ourvidz_admin.api.errors.not_found"
handler500 = "ourvidz_admin.api.errors.server_error"
