"""Everything under /api/: each app's endpoints, token login, the OpenAPI schema and its docs."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView
from rest_framework.authtoken.views import obtain_auth_token

app_name = "api"

urlpatterns = [
    path("", include("prompts.api.urls")),
    path("", include("generations.api.urls")),
    path("", include("configs.api.urls")),
    path("", include("analytics.api.urls")),
    path("auth/token/", obtain_auth_token, name="token"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    # Our template drops the Google Fonts links of drf-spectacular's: the docs load nothing from outside.
    path("redoc/", SpectacularRedocView.as_view(url_name="api:schema", template_name="api/redoc.html"),
         name="redoc"),
]
