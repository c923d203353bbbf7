"""URL configuration: the admin portal at /admin/, the REST API at /api/, media in development."""

from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from gpu.admin.queues import rq_urlpatterns

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="admin:index", permanent=False)),
    path("api/", include("ourvidz_admin.api.urls")),
    path("admin/rq/", include((rq_urlpatterns(), "django_rq"))),
    path("admin/", admin.site.urls),
]
if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
