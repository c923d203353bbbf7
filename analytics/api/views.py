"""GET /api/analytics/ratings, /api/analytics/prompt-performance and /api/analytics/agreement."""

import uuid

from django.core.exceptions import ValidationError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from analytics.agreement import JOB_STARS, agreement
from analytics.api.serializers import AgreementSerializer, PromptPerformanceSerializer, RatingDistributionSerializer
from analytics.models import PromptABTest
from analytics.selectors import prompt_performance, rating_distribution
from generations.filters import JobFilterSet
from generations.models import Job
from ourvidz_admin.api.filtering import FilterBackend
from ourvidz_admin.api.permissions import require
from ourvidz_admin.api.schema import filterset_parameters


class RatingDistributionApi(GenericAPIView):
    """Counts per star and label, plus unrated, over the jobs the generation filters select."""

    permission_classes = [require("generations.view_job")]
    queryset = Job.objects.all()
    filter_backends = [FilterBackend]
    filterset_class = JobFilterSet
    serializer_class = RatingDistributionSerializer
    pagination_class = None

    @extend_schema(parameters=filterset_parameters(JobFilterSet), responses={200: RatingDistributionSerializer})
    def get(self, request):
        data = rating_distribution(jobs=self.filter_queryset(self.get_queryset()))
        return Response(RatingDistributionSerializer(data).data)


class PromptPerformanceApi(APIView):
    """Per live prompt version: generation count, average 0-4 score, excellent and poor counts."""

    permission_classes = [require("generations.view_job", "prompts.view_promptversion")]

    @extend_schema(responses={200: PromptPerformanceSerializer(many=True)})
    def get(self, request):
        return Response(PromptPerformanceSerializer(prompt_performance(), many=True).data)


class AgreementApi(APIView):
    """Krippendorff's α between raters over a test series' or an A/B test's outputs (one criterion)."""

    permission_classes = [require("generations.view_job")]

    @extend_schema(parameters=[
        OpenApiParameter("test_series", str, description="A test series (or give ab_test)."),
        OpenApiParameter("ab_test", OpenApiTypes.UUID, description="An A/B test id (or give test_series)."),
        OpenApiParameter("criterion", str, description="'stars' (default: each rater's job stars) or a rating "
                                                        "criterion of the outputs (overall, composition, ...)."),
    ], responses={200: AgreementSerializer})
    def get(self, request):
        ab_test = None
        if request.query_params.get("ab_test"):
            try:
                ab_test = PromptABTest.objects.get(pk=uuid.UUID(request.query_params["ab_test"]))
            except (ValueError, PromptABTest.DoesNotExist):
                raise ValidationError({"ab_test": "No A/B test has this id."}) from None
        data = agreement(test_series=request.query_params.get("test_series") or None, ab_test=ab_test,
                         criterion=request.query_params.get("criterion") or JOB_STARS)
        return Response(AgreementSerializer(data).data)
