"""/api/runs/: experiment runs (grids) — check or submit one, read its cells, its contact sheet, its CSV, and
compare it with a baseline run."""

import csv
import io
import json

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from generations.contact_sheet import run_contact_sheet
from generations.export import csv_safe
from generations.models import ExperimentRun
from generations.run_grid import run_cells, run_id_parse, runs_compare
from generations.runs import AXES, MAX_AXES, MAX_INPUTS, axis_parse, run_create, run_plan, run_set_baseline
from ourvidz_admin.api.exceptions import validation_detail
from ourvidz_admin.api.permissions import require
from ourvidz_admin.api.serializers import StrictSerializer
from ourvidz_admin.choices import EnhancementStrategy, ModelType

VIEW, ADD = "generations.view_job", "generations.add_job"


class AxisField(serializers.JSONField):
    """``"steps=10,20"`` or ``{"name": "steps", "values": [10, 20]}``."""


class RunCreateSerializer(StrictSerializer):
    name = serializers.CharField(max_length=120, required=False, allow_blank=True, default="")
    model_type = serializers.CharField(help_text="SDXL or WAN.")
    prompts = serializers.ListField(child=serializers.CharField(max_length=4000), required=False, default=list,
                                    max_length=MAX_INPUTS, help_text="Pasted prompts, one input each.")
    tag = serializers.CharField(max_length=100, required=False, allow_blank=True, default="",
                                help_text="Also take the active prompt versions with this tag (a suite).")
    axes = serializers.ListField(child=AxisField(), required=False, default=list, max_length=MAX_AXES, help_text=(
        f"Up to {MAX_AXES} axes, each 'NAME=V1,V2' or {{name, values}}; names: {', '.join(AXES)}."))
    strategy = serializers.ChoiceField(choices=EnhancementStrategy.values, default=EnhancementStrategy.NONE)
    lora = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    variables = serializers.DictField(child=serializers.CharField(max_length=1000), required=False, default=dict)
    tier = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    baseline = serializers.UUIDField(required=False, allow_null=True, default=None)
    dry_run = serializers.BooleanField(default=False, help_text="Check every cell; answer the job count and the "
                                                                "estimate without submitting anything.")

    def validate_model_type(self, value):
        if value.upper() not in ModelType.values:
            raise serializers.ValidationError(f"Use one of: {', '.join(ModelType.values)}.")
        return value.upper()

    def validate_axes(self, value):
        axes = []
        for axis in value:
            if isinstance(axis, str):
                try:
                    axes.append(axis_parse(axis))
                except ValidationError as exc:
                    raise serializers.ValidationError(exc.messages) from None
            elif isinstance(axis, dict) and isinstance(axis.get("name"), str) and isinstance(axis.get("values"), list):
                for item in axis["values"]:
                    if not isinstance(item, str | int | float):
                        raise serializers.ValidationError(
                            f"Axis {axis['name']!r}: {json.dumps(item)} is not a string or a number.")
                axes.append({"name": axis["name"], "values": [str(item) for item in axis["values"]]})
            else:
                raise serializers.ValidationError("An axis is 'NAME=V1,V2' or {\"name\": …, \"values\": [...]}.")
        return axes


class PlanSerializer(serializers.Serializer):
    job_count = serializers.IntegerField()
    estimated_gpu_seconds = serializers.FloatField()
    estimate_source = serializers.CharField()
    axes = serializers.JSONField()
    inputs = serializers.JSONField()


class CellSerializer(serializers.Serializer):
    position = serializers.IntegerField()
    input_index = serializers.IntegerField()
    values = serializers.JSONField(help_text="{axis: value} of the cell.")
    key = serializers.CharField(help_text="Matches the same cell of another run over the same inputs.")
    job_id = serializers.CharField(allow_null=True)
    status = serializers.CharField()
    stars = serializers.FloatField(allow_null=True, help_text="The raters' mean stars.")
    clip_score = serializers.FloatField(allow_null=True)
    time_ms = serializers.IntegerField(allow_null=True, help_text="Enhancement + inference time.")


class RunSerializer(serializers.ModelSerializer):
    model_type = serializers.CharField(read_only=True, help_text="SDXL or WAN.")

    class Meta:
        model = ExperimentRun
        fields = ("id", "name", "model_type", "inputs", "axes", "shared", "test_series", "baseline", "job_count",
                  "estimated_gpu_seconds", "created_by", "created_at")
        read_only_fields = fields


class RunDetailSerializer(RunSerializer):
    cells = serializers.SerializerMethodField()

    class Meta(RunSerializer.Meta):
        fields = (*RunSerializer.Meta.fields, "cells")
        read_only_fields = fields

    def get_cells(self, run) -> CellSerializer(many=True):
        return CellSerializer(run_cells(run=run), many=True).data


def _errors(exc: ValidationError) -> serializers.ValidationError:
    return serializers.ValidationError(validation_detail(exc))


class RunListCreateApi(GenericAPIView):
    """Runs, newest first; POST checks a grid (``dry_run``) or submits it, all or nothing."""

    permission_classes = [require(VIEW)]
    serializer_class = RunSerializer
    queryset = ExperimentRun.objects.all()
    cursor_ordering = ("-created_at", "-id")

    def get_permissions(self):
        return [require(VIEW, ADD)()] if self.request.method == "POST" else super().get_permissions()

    @extend_schema(summary="List experiment runs", responses={200: RunSerializer(many=True)})
    def get(self, request):
        page = self.paginate_queryset(ExperimentRun.objects.order_by("-created_at", "-id"))
        return self.get_paginated_response(RunSerializer(page, many=True).data)

    @extend_schema(summary="Check (dry_run) or submit a grid: inputs × up to three axes",
                   request=RunCreateSerializer, responses={201: RunDetailSerializer, 200: PlanSerializer})
    def post(self, request):
        serializer = RunCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        dry_run, name, baseline_id = data.pop("dry_run"), data.pop("name"), data.pop("baseline")
        baseline = None
        if baseline_id is not None:
            baseline = ExperimentRun.objects.filter(pk=baseline_id).first()
            if baseline is None:
                raise serializers.ValidationError({"baseline": ["No run has this id."]})
        try:
            if dry_run:
                plan = run_plan(**data)
                return Response(PlanSerializer(plan).data)
            run = run_create(name=name, user=request.user, baseline=baseline, **data)
        except ValidationError as exc:
            raise _errors(exc) from exc
        return Response(RunDetailSerializer(run).data, status=status.HTTP_201_CREATED)


class RunDetailApi(APIView):
    """A run with every cell: axis values, job id, status, stars, CLIP score, time."""

    permission_classes = [require(VIEW)]

    @extend_schema(summary="An experiment run with its cells", responses={200: RunDetailSerializer})
    def get(self, request, pk):
        return Response(RunDetailSerializer(get_object_or_404(ExperimentRun, pk=pk)).data)


class RunSheetApi(APIView):
    """The run's contact sheet: one PNG of its grids with the axis values written on it."""

    permission_classes = [require(VIEW)]

    @extend_schema(summary="Contact sheet (PNG)",
                   responses={(200, "image/png"): OpenApiResponse(OpenApiTypes.BINARY, description="The sheet.")})
    def get(self, request, pk):
        run = get_object_or_404(ExperimentRun, pk=pk)
        response = HttpResponse(run_contact_sheet(run=run), content_type="image/png")
        response["Content-Disposition"] = f'inline; filename="run-{run.pk.hex[-8:]}.png"'
        return response


def run_csv(run) -> str:
    """Every cell of a run as CSV: input, one column per axis, job, status, stars, CLIP, time.

    Cells go through ``csv_safe``, so a prompt or an axis value a spreadsheet would run as a formula stays text.
    """
    names = [axis["name"] for axis in run.axes]
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["position", "input", *names, "job_id", "status", "stars", "clip_score", "time_ms"])
    for cell in run_cells(run=run):
        item = run.inputs[cell.input_index]
        text = item["prompt"] or f"prompt version {item['prompt_version']}"
        row = [cell.position, text, *(cell.values.get(name) for name in names), cell.job_id, cell.status,
               cell.stars, cell.clip_score, cell.time_ms]
        writer.writerow([csv_safe(value) for value in row])
    return buffer.getvalue()


class RunCsvApi(APIView):
    """The run's cells as CSV."""

    permission_classes = [require(VIEW)]

    @extend_schema(summary="Cells as CSV", responses={(200, "text/csv"): OpenApiResponse(OpenApiTypes.STR)})
    def get(self, request, pk):
        run = get_object_or_404(ExperimentRun, pk=pk)
        response = HttpResponse(run_csv(run), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="run-{run.pk.hex[-8:]}.csv"'
        return response


class CompareRowSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    baseline_stars = serializers.FloatField(allow_null=True)
    stars = serializers.FloatField(allow_null=True)
    stars_delta = serializers.FloatField(allow_null=True)
    clip_delta = serializers.FloatField(allow_null=True)
    time_delta_ms = serializers.FloatField(allow_null=True)
    baseline_status = serializers.CharField(allow_null=True)
    status = serializers.CharField()
    regressed = serializers.BooleanField()


class CompareSerializer(serializers.Serializer):
    baseline = serializers.UUIDField()
    run = serializers.UUIDField()
    matched = serializers.IntegerField()
    regressed = serializers.BooleanField()
    problems = serializers.ListField(child=serializers.CharField())
    rows = CompareRowSerializer(many=True)


class RunCompareApi(APIView):
    """The run against a baseline run (``?baseline=``, else its pinned one), cell by cell."""

    permission_classes = [require(VIEW)]

    @extend_schema(summary="Compare with a baseline run", parameters=[
        OpenApiParameter("baseline", OpenApiTypes.UUID, description="Default: the run's pinned baseline."),
        OpenApiParameter("max_drop", float, description="Stars a mean or a cell may fall (default 0.25)."),
    ], responses={200: CompareSerializer})
    def get(self, request, pk):
        run = get_object_or_404(ExperimentRun, pk=pk)
        baseline = run.baseline
        if request.query_params.get("baseline"):
            baseline_id = run_id_parse(request.query_params["baseline"])
            baseline = ExperimentRun.objects.filter(pk=baseline_id).first() if baseline_id else None
            if baseline is None:
                raise serializers.ValidationError({"baseline": ["No run has this id."]})
        if baseline is None:
            raise serializers.ValidationError({"baseline": ["This run has no pinned baseline; give ?baseline=."]})
        try:
            max_drop = float(request.query_params.get("max_drop", 0.25))
        except ValueError:
            max_drop = -1.0
        if not 0 <= max_drop <= 4:
            raise serializers.ValidationError({"max_drop": ["A number of stars from 0 to 4."]})
        comparison = runs_compare(baseline=baseline, new=run, max_drop=max_drop)
        rows = [{"key": row.key, "label": row.label, "baseline_stars": row.baseline.stars if row.baseline else None,
                 "stars": row.new.stars, "stars_delta": row.stars_delta, "clip_delta": row.clip_delta,
                 "time_delta_ms": row.time_delta_ms, "baseline_status": row.baseline.status if row.baseline else None,
                 "status": row.new.status, "regressed": row.regressed} for row in comparison.rows]
        return Response(CompareSerializer({"baseline": baseline.pk, "run": run.pk, "matched": comparison.matched,
                                           "regressed": comparison.regressed, "problems": comparison.problems,
                                           "rows": rows}).data)


class BaselineSerializer(StrictSerializer):
    baseline = serializers.UUIDField(allow_null=True, help_text="The run to compare with; null unpins.")


class RunBaselineApi(APIView):
    """Pin (or unpin) the run this one is compared with."""

    permission_classes = [require(VIEW, ADD)]

    @extend_schema(summary="Pin a baseline run", request=BaselineSerializer, responses={200: RunSerializer})
    def post(self, request, pk):
        run = get_object_or_404(ExperimentRun, pk=pk)
        serializer = BaselineSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        baseline = None
        if serializer.validated_data["baseline"] is not None:
            baseline = ExperimentRun.objects.filter(pk=serializer.validated_data["baseline"]).first()
            if baseline is None:
                raise serializers.ValidationError({"baseline": ["No run has this id."]})
        try:
            run = run_set_baseline(run=run, baseline=baseline)
        except ValidationError as exc:
            raise _errors(exc) from exc
        return Response(RunSerializer(run).data)

