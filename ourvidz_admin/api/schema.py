"""Schema helpers: the portal's AutoSchema (error responses, read-only fields as stored) and a FilterSet's
query parameters on views that are not lists."""

import copy

from django.core.exceptions import FieldDoesNotExist
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import serializers


def filterset_parameters(filterset_class) -> list[OpenApiParameter]:
    """One optional string query parameter per filter, with its help text."""
    return [
        OpenApiParameter(name, str, OpenApiParameter.QUERY, required=False,
                         description=str(flt.extra.get("help_text", "")))
        for name, flt in filterset_class.base_filters.items()
        if name not in ("sort", "order")
    ]


class ErrorDetailSerializer(serializers.Serializer):
    """The body of every error that is not a validation error."""

    detail = serializers.CharField(help_text="What went wrong, in one sentence.")
    job_ids = serializers.ListField(child=serializers.UUIDField(), required=False, help_text=(
        "503 only: the jobs that were saved and will run when the queue is back."))


VALIDATION_ERROR = {
    "description": "Invalid input: messages by field name (``non_field_errors`` for the whole request), or a list "
                   "of messages.",
    "content": {"application/json": {"schema": {"oneOf": [
        {"type": "object", "additionalProperties": True},
        {"type": "array", "items": {"type": "string"}},
    ]}}},
}
ERRORS = {
    "401": "Not authenticated.",
    "403": "Authenticated, without the permission this operation needs.",
    "404": "No such object, or no such page of results.",
    "409": "The request conflicts with the object's state (for example, it is still in use).",
    "429": "Too many requests; retry after the number of seconds in Retry-After.",
    "503": "The job queue (Redis) is unavailable. For a submission, retry or cancel the change is saved and runs "
           "once it is back.",
}


def _model_field(field):
    """The model field behind a ModelSerializer field, or None."""
    model = getattr(getattr(field.parent, "Meta", None), "model", None)
    if model is None or not field.source or "." in field.source or field.source == "*":
        return None
    try:
        found = model._meta.get_field(field.source)
    except FieldDoesNotExist:
        return None
    return found if found.concrete and not found.many_to_many else None


class PortalAutoSchema(AutoSchema):
    """drf-spectacular's AutoSchema, documenting what the API really sends.

    * every error response (400 validation messages, ``{"detail": ...}`` for
      401/403/404/409/429/503), so clients and fuzzers know them;
    * read-only fields as the model stores them: ``""`` in a blank choice's
      enum and ``null`` for a nullable column (DRF drops ``allow_blank`` and
      ``allow_null`` from read-only fields, so the schema would otherwise
      promise values the API does not keep).
    """

    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        model_field = _model_field(field) if field.read_only and getattr(field, "parent", None) else None
        if model_field is not None and (model_field.blank or model_field.null):
            field = copy.copy(field)
            if isinstance(field, serializers.ChoiceField) and model_field.blank:
                field.allow_blank = True
            if model_field.null:
                field.allow_null = True
        return super()._map_serializer_field(field, direction, bypass_extensions)

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        responses.setdefault("400", VALIDATION_ERROR)
        for code, description in ERRORS.items():
            if code == "409" and self.method == "GET":
                continue
            if code not in responses:
                responses[code] = self._get_response_for_code(
                    OpenApiResponse(ErrorDetailSerializer, description=description), code)
        return responses
