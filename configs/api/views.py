"""Model parameters CRUD (``model_parameters``)."""

from django.utils import timezone
from rest_framework import viewsets

from configs.api.serializers import ModelParametersSerializer
from configs.filters import ModelParametersFilterSet
from ourvidz_admin.api.filtering import FilterBackend
from ourvidz_admin.api.permissions import StaffModelPermissions
from prompts.models import ModelParameters


class ModelParametersViewSet(viewsets.ModelViewSet):
    """Parameter layers per model family, user tier and character."""

    queryset = ModelParameters.objects.select_related("character")
    serializer_class = ModelParametersSerializer
    permission_classes = [StaffModelPermissions]
    filter_backends = [FilterBackend]
    filterset_class = ModelParametersFilterSet

    def filter_queryset(self, queryset):
        return super().filter_queryset(queryset) if self.action == "list" else queryset

    def perform_update(self, serializer):
        serializer.save(updated_at=timezone.now())
