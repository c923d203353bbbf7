"""Labels (list, move, roll back, history) and the diff of two prompt versions or two templates.

Reads need the view permission of the rows read; moving or rolling back a
label needs the change permission of what it labels (``prompts.change_promptversion``
for versions, ``prompts.change_prompttemplate`` for templates).
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from ourvidz_admin.api.exceptions import validation_detail
from ourvidz_admin.api.permissions import StaffModelPermissions, require
from prompts.api.label_serializers import (
    LabelChangeSerializer,
    LabelMoveRequestSerializer,
    LabelRollbackRequestSerializer,
    PromptDiffSerializer,
    PromptLabelMoveSerializer,
    PromptLabelSerializer,
)
from prompts.choices import LabelKind
from prompts.filters import PromptLabelFilterSet, PromptLabelMoveFilterSet
from prompts.labels import label_move, label_rollback
from prompts.models import PromptLabel, PromptLabelMove, PromptTemplate, PromptVersion
from prompts.selectors import label_get, label_history, label_list, version_diff

CHANGE_PERMISSION = {LabelKind.VERSION: "prompts.change_promptversion",
                     LabelKind.TEMPLATE: "prompts.change_prompttemplate"}
MODELS = {LabelKind.VERSION: PromptVersion, LabelKind.TEMPLATE: PromptTemplate}


class CanMoveLabels(BasePermission):
    """Staff who may change versions or templates; the view then checks the one of the request's target_type."""

    message = "You need prompts.change_promptversion (versions) or prompts.change_prompttemplate (templates)."

    def has_permission(self, request, view):
        user = request.user
        return bool(user and user.is_authenticated and user.is_active and user.is_staff
                    and any(user.has_perm(perm) for perm in CHANGE_PERMISSION.values()))


def _checked(serializer_class, request) -> dict:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    data = serializer.validated_data
    if not request.user.has_perm(CHANGE_PERMISSION[data["target_type"]]):
        raise PermissionDenied(f"You need {CHANGE_PERMISSION[data['target_type']]} to move this label.")
    return data


def _change(label, move) -> Response:
    label = label_list().get(pk=label.pk)
    move = label_history().get(pk=move.pk) if move is not None else None
    return Response(LabelChangeSerializer({"label": label, "moved": move is not None, "move": move}).data)


class PromptLabelListApi(generics.ListAPIView):
    """Every label (``?target_type=&family=&name=&target_id=``): which version or template each one points at."""

    permission_classes = [StaffModelPermissions]
    serializer_class = PromptLabelSerializer
    filterset_class = PromptLabelFilterSet
    queryset = PromptLabel.objects.none()  # for the permission class; the rows come from the selector

    def get_queryset(self):
        return label_list()


class PromptLabelHistoryApi(generics.ListAPIView):
    """Every label move, newest first (``?target_type=&family=&name=&label_id=&target_id=&justification_kind=``)."""

    permission_classes = [StaffModelPermissions]
    serializer_class = PromptLabelMoveSerializer
    filterset_class = PromptLabelMoveFilterSet
    queryset = PromptLabelMove.objects.none()
    cursor_ordering = ("-moved_at", "-id")

    def get_queryset(self):
        return label_history()


class PromptLabelMoveApi(APIView):
    """Point a label (production, staging, a free name) at a version or template, recording the move; workers
    refresh their prompt cache after it. Already there: ``moved`` is false and nothing is written."""

    permission_classes = [CanMoveLabels]

    @extend_schema(request=LabelMoveRequestSerializer, responses={200: LabelChangeSerializer})
    def post(self, request):
        data = _checked(LabelMoveRequestSerializer, request)
        target = MODELS[data["target_type"]].objects.filter(pk=data["target_id"]).first()
        if target is None:
            raise NotFound(f"No prompt {data['target_type']} with id {data['target_id']}.")
        try:
            label, move = label_move(target=target, name=data["name"], by=request.user, reason=data["reason"],
                                     justification_kind=data["justification_kind"],
                                     justification_id=data["justification_id"])
        except DjangoValidationError as exc:
            raise ValidationError(validation_detail(exc, rename={"target": "target_id"})) from exc
        return _change(label, move)


class PromptLabelRollbackApi(APIView):
    """Move a label back to where it pointed before its last move (each rollback undoes one more move)."""

    permission_classes = [CanMoveLabels]

    @extend_schema(request=LabelRollbackRequestSerializer, responses={200: LabelChangeSerializer})
    def post(self, request):
        data = _checked(LabelRollbackRequestSerializer, request)
        kind, family, name = data["target_type"], data["family"], data["name"]
        if label_get(kind=kind, family=family, name=name) is None:
            raise NotFound(f"No {kind} label {name!r} in family {family!r}.")
        label, move = label_rollback(kind=kind, family=family, name=name, by=request.user, reason=data["reason"])
        return _change(label, move)


class _DiffApi(APIView):
    model = None

    def get(self, request, a, b):
        rows = self.model.objects.in_bulk([a, b])
        missing = [str(pk) for pk in (a, b) if pk not in rows]
        if missing:
            raise NotFound(f"No {self.model._meta.verbose_name} with id {missing[0]}.")
        return Response(PromptDiffSerializer(version_diff(rows[a], rows[b])).data)


class PromptVersionDiffApi(_DiffApi):
    """How version ``b`` differs from version ``a``: system, user and negative prompt as unified diffs,
    parameters key by key (added, removed, changed), and the name, model, prompt and parent."""

    permission_classes = [require("prompts.view_promptversion")]
    model = PromptVersion

    @extend_schema(responses={200: PromptDiffSerializer, 404: OpenApiResponse(description="No such version.")})
    def get(self, request, a, b):
        return super().get(request, a, b)


class PromptTemplateDiffApi(_DiffApi):
    """How template ``b`` differs from template ``a``: content as a unified diff, slot, version and flags."""

    permission_classes = [require("prompts.view_prompttemplate")]
    model = PromptTemplate

    @extend_schema(responses={200: PromptDiffSerializer, 404: OpenApiResponse(description="No such template.")})
    def get(self, request, a, b):
        return super().get(request, a, b)
