"""/api/model-parameters/."""

from django.urls import path

from configs.api.views import ModelParametersViewSet

urlpatterns = [
    path("model-parameters/", ModelParametersViewSet.as_view({"get": "list", "post": "create"}),
         name="model-parameters-list"),
    path("model-parameters/<uuid:pk>/", ModelParametersViewSet.as_view(
        {"get": "retrieve", "put": "update", "patch": "partial_update", "delete": "destroy"}),
        name="model-parameters-detail"),
]
