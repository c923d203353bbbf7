"""Model parameters CRUD (``model_parameters``); cost rates list and create (``cost_rates``)."""

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status, viewsets
from rest_framework.response import Response

from configs.api.serializers import CostRateCreateSerializer, CostRateSerializer, ModelParametersSerializer
from configs.filters import CostRateFilterSet, ModelParametersFilterSet
from configs.selectors import cost_rate_list
from configs.services import cost_rate_create
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


class CostRateListCreateApi(generics.GenericAPIView):
    """The cost rates per backend, newest first (filter ``backend``, ``unit``); POST adds a rate.

    A rate is never changed once in force: a new price is a new row from now or later.
    """

    queryset = cost_rate_list()
    serializer_class = CostRateSerializer
    permission_classes = [StaffModelPermissions]
    filter_backends = [FilterBackend]
    filterset_class = CostRateFilterSet

    @extend_schema(summary="List cost rates", responses={200: CostRateSerializer(many=True)})
    def get(self, request):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(CostRateSerializer(page, many=True).data)

    @extend_schema(summary="Add a cost rate", request=CostRateCreateSerializer, responses={201: CostRateSerializer})
    def post(self, request):
        serializer = CostRateCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        rate = cost_rate_create(**serializer.validated_data, created_by=request.user)
        return Response(CostRateSerializer(rate).data, status=status.HTTP_201_CREATED)
