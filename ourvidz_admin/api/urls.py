"""Everything under /api/: each app's endpoints, token login, the OpenAPI schema and its docs."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.authtoken.views import obtain_auth_token

from ourvidz_admin.api.docs import OfflineRedocView, redoc_bundle

app_name = "api"

urlpatterns = [
    path("", include("prompts.api.urls")),
    path("", include("generations.api.urls")),
    path("", include("configs.api.urls")),
    path("", include("analytics.api.urls")),
    path("auth/token/", obtain_auth_token, name="token"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    path("redoc/", OfflineRedocView.as_view(url_name="api:schema"), name="redoc"),
    path("redoc/redoc.standalone.js", redoc_bundle, name="redoc-bundle"),
]
