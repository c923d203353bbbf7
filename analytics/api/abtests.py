"""/api/ab-tests/...: create, list, plan, start and cancel A/B tests; rate their pairs blind.

Creating, starting and cancelling need ``analytics.add_promptabtest``
(admins); the blind pairs, their media and rating need
``generations.rate_job`` (moderators too).
Service errors keep their field: ``baseline.compel_config`` comes back as
``{"baseline": {"compel_config": [...]}}``, as DRF reports the arms' own errors.
"""

from contextlib import contextmanager

from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from analytics.abtests import RATE_PERMISSION
from analytics.abtests.filters import ABTestFilterSet
from analytics.abtests.media import blind_output_response
from analytics.abtests.results import ab_test_results
from analytics.abtests.selectors import (
    LABELS,
    ab_test_blind_pairs,
    ab_test_blind_side,
    ab_test_list,
    ab_test_pair_get,
    blind_pair,
)
from analytics.abtests.services import ab_pair_rate, ab_test_cancel, ab_test_create, ab_test_plan, ab_test_start
from analytics.api.abtest_serializers import (
    ABTestCreateSerializer,
    ABTestDetailSerializer,
    ABTestListSerializer,
    BlindPairSerializer,
    BlindRatingSerializer,
    PlanResultSerializer,
    PlanSerializer,
)
from analytics.models import PromptABTest
from ourvidz_admin.api.exceptions import NON_FIELD, validation_detail
from ourvidz_admin.api.permissions import StaffModelPermissions, require
from ourvidz_admin.api.serializers import StrictSerializer

ADD = "analytics.add_promptabtest"


def nested_errors(exc: ValidationError) -> serializers.ValidationError:
    """A service error as DRF's: dotted keys (``baseline.compel_config``, ``variants.0.name``) become nested
    objects; a key's own messages sit under ``non_field_errors`` where it also has nested ones."""
    detail: dict = {}
    for key, messages in validation_detail(exc).items():
        node, *path = key.split(".")
        target, name = detail, node
        for part in path:
            child = target.get(name)
            if not isinstance(child, dict):
                child = target[name] = {NON_FIELD: child} if child else {}
            target, name = child, part
        if isinstance(target.get(name), dict):
            target[name].setdefault(NON_FIELD, []).extend(messages)
        else:
            target.setdefault(name, []).extend(messages)
    return serializers.ValidationError(detail)


def _detail(test: PromptABTest, request) -> dict:
    test.live_results = ab_test_results(test).as_json()
    return ABTestDetailSerializer(test, context={"request": request}).data


@contextmanager
def output_image(output_id):
    """The stored file of output ``output_id`` opened for reading (None for no id); 400 on ``input_output_id``."""
    from generations.models import GenerationImageOutput

    if output_id is None:
        yield None
        return
    output = GenerationImageOutput.objects.filter(pk=output_id, mime_type__startswith="image/").exclude(file="") \
        .first()
    if output is None:
        raise ValidationError({"input_output_id": f"No stored output image with id {output_id}."})
    try:
        handle = output.file.storage.open(output.file.name, "rb")
    except OSError:
        raise ValidationError({"input_output_id": f"The file of output {output_id} is missing."}) from None
    with handle:
        yield handle


class ABTestListCreateApi(GenericAPIView):
    """A/B tests, newest first (view permission); POST creates a draft test with its pairs (admins)."""

    permission_classes = [StaffModelPermissions]
    queryset = PromptABTest.objects.all()
    filterset_class = ABTestFilterSet
    serializer_class = ABTestListSerializer
    cursor_ordering = ("-created_at", "-id")

    def get_queryset(self):
        return ab_test_list()

    @extend_schema(summary="List A/B tests", responses={200: ABTestListSerializer(many=True)})
    def get(self, request):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(ABTestListSerializer(page, many=True).data)

    @extend_schema(summary="Create a draft A/B test: arms, prompts, and the power calculation's inputs",
                   request=ABTestCreateSerializer, responses={201: ABTestDetailSerializer})
    def post(self, request):
        serializer = ABTestCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        values = dict(serializer.validated_data)
        output_id = values.pop("input_output_id", None)
        try:
            with output_image(output_id) as image:
                test = ab_test_create(created_by=request.user, input_image=image, **values)
        except ValidationError as exc:
            raise nested_errors(exc) from exc
        return Response(_detail(test, request), status=status.HTTP_201_CREATED)


class ABTestDetailApi(APIView):
    """One test with its arms and the results as its jobs stand now."""

    permission_classes = [require("analytics.view_promptabtest")]

    @extend_schema(summary="An A/B test with live results", responses={200: ABTestDetailSerializer})
    def get(self, request, pk):
        return Response(_detail(get_object_or_404(PromptABTest, pk=pk), request))


class ABTestPlanApi(APIView):
    """The power calculation alone: how many prompts a test with these inputs needs."""

    permission_classes = [require("analytics.view_promptabtest")]

    @extend_schema(summary="Power calculation preview", parameters=[PlanSerializer],
                   responses={200: PlanResultSerializer})
    def get(self, request):
        query = PlanSerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        try:
            plan = ab_test_plan(**query.validated_data)
        except ValidationError as exc:
            raise nested_errors(exc) from exc
        return Response(PlanResultSerializer(plan).data)


class EmptyBodySerializer(StrictSerializer):
    """No body."""


class ABTestStartApi(APIView):
    """Submit both arms of every pair (same prompt and seed) and mark the test running."""

    permission_classes = [require(ADD)]
    serializer_class = EmptyBodySerializer

    @extend_schema(summary="Start a draft A/B test", request=EmptyBodySerializer,
                   responses={200: ABTestDetailSerializer})
    def post(self, request, pk):
        EmptyBodySerializer(data=request.data).is_valid(raise_exception=True)
        test = get_object_or_404(PromptABTest, pk=pk)
        try:
            test = ab_test_start(ab_test=test, user=request.user)
        except ValidationError as exc:
            raise nested_errors(exc) from exc
        return Response(_detail(test, request))


class ABTestCancelApi(APIView):
    """Cancel a draft or running test: its unfinished jobs are stopped, finished ones and ratings are kept."""

    permission_classes = [require("analytics.change_promptabtest")]
    serializer_class = EmptyBodySerializer

    @extend_schema(summary="Cancel a draft or running A/B test", request=EmptyBodySerializer,
                   responses={200: ABTestDetailSerializer,
                              400: OpenApiResponse(description="The test is complete or already cancelled.")})
    def post(self, request, pk):
        EmptyBodySerializer(data=request.data).is_valid(raise_exception=True)
        test = get_object_or_404(PromptABTest, pk=pk)
        try:
            test = ab_test_cancel(ab_test=test, user=request.user)
        except ValidationError as exc:
            raise nested_errors(exc) from exc
        return Response(_detail(test, request))


class ABTestPairsApi(APIView):
    """A test's pairs for blind rating: the prompt and outputs A and B, never the arms."""

    permission_classes = [require(RATE_PERMISSION)]

    @extend_schema(summary="Pairs of an A/B test, blind", responses={200: BlindPairSerializer(many=True)})
    def get(self, request, pk):
        test = get_object_or_404(PromptABTest, pk=pk)
        context = {"request": request, "test_id": test.pk}
        return Response(BlindPairSerializer(ab_test_blind_pairs(ab_test=test, rater=request.user), many=True,
                                               context=context).data)


class ABTestPairRateApi(APIView):
    """Rate output A or B of a pair (1-5 or the rating's label); saved through ``job_rate``."""

    permission_classes = [require(RATE_PERMISSION)]
    serializer_class = BlindRatingSerializer

    @extend_schema(summary="Rate one output of a pair by its blind label", request=BlindRatingSerializer,
                   responses={200: BlindPairSerializer})
    def post(self, request, pk, pair_id):
        serializer = BlindRatingSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        test = get_object_or_404(PromptABTest, pk=pk)
        pair = ab_test_pair_get(ab_test=test, pair_id=pair_id)
        if pair is None:
            raise Http404("No such pair in this test.")
        try:
            ab_pair_rate(pair=pair, by=request.user, **serializer.validated_data)
        except ValidationError as exc:
            raise nested_errors(exc) from exc
        context = {"request": request, "test_id": test.pk}
        return Response(BlindPairSerializer(blind_pair(pair, request.user), context=context).data)


class ABTestPairMediaApi(APIView):
    """The bytes of output A or B of a pair (PNG text chunks removed), named by its label."""

    permission_classes = [require(RATE_PERMISSION)]

    @extend_schema(summary="Output A or B of a pair",
                   parameters=[OpenApiParameter("label", str, OpenApiParameter.PATH, enum=list(LABELS))],
                   responses={(200, "*/*"): OpenApiResponse(OpenApiTypes.BINARY, description="The output."),
                              302: OpenApiResponse(description="An output stored at an external URL."),
                              404: OpenApiResponse(description="No such pair, or the output is not ready.")})
    def get(self, request, pk, pair_id, label):
        if label not in LABELS:
            raise Http404(f"The label is a letter from A to {LABELS[-1]}.")
        side = ab_test_blind_side(ab_test=get_object_or_404(PromptABTest.objects.only("id"), pk=pk),
                                  pair_id=pair_id, label=label)
        if side is None or not side.ready:
            raise Http404("No output to show.")
        return blind_output_response(side.output, label)
