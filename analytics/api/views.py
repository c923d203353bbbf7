"""GET /api/analytics/ratings, /api/analytics/prompt-performance, /api/analytics/agreement and
/api/analytics/clip-correlation."""

import uuid

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import NotFound
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from analytics.abtests.selectors import ab_test_job_ids
from analytics.agreement import JOB_STARS, agreement
from analytics.api.serializers import (
    AgreementSerializer,
    ClipCorrelationSerializer,
    PromptPerformanceSerializer,
    RatingDistributionSerializer,
    RatingQueueCreateSerializer,
    RatingQueueSerializer,
)
from analytics.clip_correlation import clip_correlation
from analytics.models import PromptABTest
from analytics.selectors import prompt_performance, rating_distribution, rating_distribution_rollup
from generations.filters import JobFilterSet
from generations.models import Job, RatingQueue
from generations.rating_queues import rating_queue_create, rating_queue_progress
from ourvidz_admin.api.filtering import FilterBackend
from ourvidz_admin.api.permissions import require
from ourvidz_admin.api.schema import filterset_parameters

_ROLLUP_FILTERS, _ORDERING = {"model", "strategy"}, {"sort", "order"}


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
        jobs = self.filter_queryset(self.get_queryset())  # validates every filter (400 naming a bad one)
        given = {name for name, value in request.query_params.items() if value} - _ORDERING
        if given <= _ROLLUP_FILTERS:  # no filter, or only those the rollup is keyed by: read the rollup
            data = rating_distribution_rollup(model_type=(request.query_params.get("model") or "").upper(),
                                              enhancement_strategy=request.query_params.get("strategy"))
        else:
            data = rating_distribution(jobs=jobs)
        return Response(RatingDistributionSerializer(data).data)


class PromptPerformanceApi(APIView):
    """Per live prompt version: generation count, average 0-4 score, excellent and poor counts."""

    permission_classes = [require("generations.view_job", "prompts.view_promptversion")]

    @extend_schema(responses={200: PromptPerformanceSerializer(many=True)})
    def get(self, request):
        return Response(PromptPerformanceSerializer(prompt_performance(), many=True).data)


def _ab_test_param(request) -> PromptABTest | None:
    """The A/B test ``?ab_test=`` names (None without one); a 400 naming ``ab_test`` for a bad or unknown id."""
    if not request.query_params.get("ab_test"):
        return None
    try:
        return PromptABTest.objects.get(pk=uuid.UUID(request.query_params["ab_test"]))
    except (ValueError, PromptABTest.DoesNotExist):
        raise ValidationError({"ab_test": "No A/B test has this id."}) from None


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
        ab_test = _ab_test_param(request)
        data = agreement(test_series=request.query_params.get("test_series") or None, ab_test=ab_test,
                         criterion=request.query_params.get("criterion") or JOB_STARS)
        return Response(AgreementSerializer(data).data)


class ClipCorrelationApi(APIView):
    """Spearman's ρ between CLIP score and the raters' mean stars over a test series' or an A/B test's jobs."""

    permission_classes = [require("generations.view_job")]

    @extend_schema(parameters=[
        OpenApiParameter("test_series", str, description="A test series (or give ab_test)."),
        OpenApiParameter("ab_test", OpenApiTypes.UUID, description="An A/B test id, every arm (or give test_series)."),
    ], responses={200: ClipCorrelationSerializer})
    def get(self, request):
        ab_test = _ab_test_param(request)
        data = clip_correlation(test_series=request.query_params.get("test_series") or None, ab_test=ab_test)
        return Response(ClipCorrelationSerializer(data).data)


def _queue_data(queue) -> dict:
    return {"id": queue.pk, "name": queue.name, "source": queue.source, "overlap": float(queue.overlap),
            "progress": rating_queue_progress(queue=queue)}


class RatingQueueCreateApi(APIView):
    """Make a rating queue: a series' completed jobs, or both arms of an A/B test, shared among raters."""

    permission_classes = [require("generations.rate_job")]

    @extend_schema(request=RatingQueueCreateSerializer, responses={201: RatingQueueSerializer})
    def post(self, request):
        serializer = RatingQueueCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        users = {user.username: user for user in get_user_model().objects.filter(
            username__in=data["raters"], is_staff=True, is_active=True)}
        unknown = [name for name in data["raters"] if name not in users]
        if unknown:
            raise ValidationError({"raters": f"Not an active staff user: {', '.join(unknown)}."})
        jobs, source = None, ""
        if data["ab_test"]:
            test = PromptABTest.objects.filter(pk=data["ab_test"]).first()
            if test is None:
                raise ValidationError({"ab_test": "No A/B test has this id."})
            if data["test_series"]:
                raise ValidationError({"test_series": "Give a test series or an A/B test, one of them."})
            jobs, source = ab_test_job_ids(ab_test=test), f"A/B test {test.test_name}"
        queue = rating_queue_create(name=data["name"], raters=[users[name] for name in data["raters"]],
                                    test_series=data["test_series"], jobs=jobs, source=source,
                                    overlap=data["overlap"], created_by=request.user)
        return Response(RatingQueueSerializer(_queue_data(queue)).data, status=201)


class RatingQueueDetailApi(APIView):
    """A rating queue with each rater's progress."""

    permission_classes = [require("generations.view_job")]

    @extend_schema(responses={200: RatingQueueSerializer})
    def get(self, request, pk):
        queue = RatingQueue.objects.filter(pk=pk).first()
        if queue is None:
            raise NotFound("No rating queue has this id.")
        return Response(RatingQueueSerializer(_queue_data(queue)).data)
