"""GET /api/analytics/ratings and /api/analytics/prompt-performance."""

from drf_spectacular.utils import extend_schema
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from analytics.api.serializers import PromptPerformanceSerializer, RatingDistributionSerializer
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
