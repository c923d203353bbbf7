"""Prompt versions (soft delete), templates, rules, characters, prompt resolution and the cache refresh."""

from dataclasses import asdict

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status, viewsets
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from ourvidz_admin.api.filtering import FilterBackend
from ourvidz_admin.api.permissions import StaffModelPermissions, require
from ourvidz_admin.api.serializers import EmptySerializer
from prompts.api.serializers import (
    CacheRefreshSerializer,
    CharacterSerializer,
    PromptRuleSerializer,
    PromptTemplateSerializer,
    PromptVersionSerializer,
    ResolvedTemplateSerializer,
    ResolveQuerySerializer,
)
from prompts.filters import (
    CharacterFilterSet,
    PromptRuleFilterSet,
    PromptTemplateFilterSet,
    PromptVersionFilterSet,
)
from prompts.models import Character, PromptRule, PromptTemplate, PromptVersion
from prompts.services import (
    prompt_cache_refresh,
    prompt_version_create,
    prompt_version_soft_delete,
    prompt_version_update,
)


class _ListFilterMixin:
    """Filters narrow lists only; a row is retrievable by id whatever the query string says."""

    filter_backends = [FilterBackend]
    permission_classes = [StaffModelPermissions]

    def filter_queryset(self, queryset):
        return super().filter_queryset(queryset) if self.action == "list" else queryset


class PromptVersionViewSet(_ListFilterMixin, viewsets.ModelViewSet):
    """Prompt versions; DELETE is a soft delete, lists hide deleted versions by default."""

    queryset = PromptVersion.objects.prefetch_related("tags")
    serializer_class = PromptVersionSerializer
    filterset_class = PromptVersionFilterSet
    cursor_ordering = ("-created_at", "-id")

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        tags = data.pop("tags", None)
        serializer.instance = prompt_version_create(
            parent=data.pop("parent_version", None), tags=tags.rows() if tags else (),
            created_by=self.request.user, **data,
        )

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        tags = data.pop("tags", None)
        serializer.instance = prompt_version_update(
            version=serializer.instance, tags=tags.rows() if tags is not None else None, **data,
        )

    @extend_schema(responses={204: OpenApiResponse(description="Soft-deleted.")})
    def destroy(self, request, *args, **kwargs):
        prompt_version_soft_delete(version=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


class PromptTemplateViewSet(_ListFilterMixin, viewsets.ModelViewSet):
    """System, negative, rewrite and chat templates; one active per slot."""

    queryset = PromptTemplate.objects.all()
    serializer_class = PromptTemplateSerializer
    filterset_class = PromptTemplateFilterSet

    def perform_create(self, serializer):
        serializer.save(created_by=self.request.user)


class PromptRuleViewSet(_ListFilterMixin, viewsets.ModelViewSet):
    """Prepend/append rules matched by tag names."""

    queryset = PromptRule.objects.prefetch_related("tags")
    serializer_class = PromptRuleSerializer
    filterset_class = PromptRuleFilterSet


class CharacterViewSet(_ListFilterMixin, viewsets.ModelViewSet):
    """Personas with base prompts, tags, defaults and LoRAs."""

    queryset = Character.objects.prefetch_related("tags")
    serializer_class = CharacterSerializer
    filterset_class = CharacterFilterSet

    def perform_create(self, serializer):
        serializer.save(created_by=self.request.user)


class PromptResolveApi(APIView):
    """The template a worker would use (``get_prompt``: the production label, else the active row), read from a
    fresh snapshot; ``?label=staging`` previews another label.

    Workers read ``PROMPT_CACHE``; here the snapshot is loaded anew so that an
    admin sees an edit at once, before any cache refresh.
    """

    permission_classes = [require("prompts.view_prompttemplate")]

    @extend_schema(parameters=[ResolveQuerySerializer],
                   responses={200: ResolvedTemplateSerializer, 404: OpenApiResponse(description="No template.")})
    def get(self, request):
        from prompts.resolution import get_prompt, template_label
        from prompts.snapshot import load_snapshot

        query = ResolveQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        snapshot = load_snapshot()
        template = get_prompt(snapshot, data["model"], data["type"], use_case=data.get("use_case"),
                              content_mode=data["content_mode"], label=data["label"])
        if template is None:
            raise NotFound(f"No active {data['type']} template for {data['model']} ({data['content_mode']}).")
        label = template_label(snapshot, template, data["label"])
        return Response(ResolvedTemplateSerializer({**asdict(template), "label": label,
                                                    "source": snapshot.source}).data)


class PromptCacheRefreshApi(APIView):
    """Broadcast "Update Prompt Cache" to the workers (``prompt_cache_refresh``)."""

    permission_classes = [require("prompts.change_prompttemplate")]

    @extend_schema(request=EmptySerializer, responses={200: CacheRefreshSerializer})
    def post(self, request):
        EmptySerializer(data=request.data).is_valid(raise_exception=True)
        try:
            receivers = prompt_cache_refresh()
        except ConnectionError as exc:  # redis-py's ConnectionError subclasses the builtin
            raise ValidationError({"receivers": [f"Redis is unreachable: {exc}"]}) from exc
        return Response({"receivers": receivers})
