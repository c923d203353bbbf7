"""/api/model-parameters/, /api/cost-rates/."""

from django.urls import path

from configs.api.views import CostRateListCreateApi, ModelParametersViewSet

urlpatterns = [
    path("model-parameters/", ModelParametersViewSet.as_view({"get": "list", "post": "create"}),
         name="model-parameters-list"),
    path("model-parameters/<uuid:pk>/", ModelParametersViewSet.as_view(
        {"get": "retrieve", "put": "update", "patch": "partial_update", "delete": "destroy"}),
        name="model-parameters-detail"),
    path("cost-rates/", CostRateListCreateApi.as_view(), name="cost-rate-list"),
]
