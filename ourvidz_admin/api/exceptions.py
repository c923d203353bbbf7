"""One error shape for the API: ``{"field": ["message", ...]}``, also for ValidationErrors from services."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import ProtectedError
from redis.exceptions import RedisError
from rest_framework import exceptions
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

from ourvidz_admin.middleware import UNAVAILABLE
from ourvidz_admin.queues import QueueUnavailable

NON_FIELD = api_settings.NON_FIELD_ERRORS_KEY


def validation_detail(exc: DjangoValidationError, rename: dict[str, str] | None = None) -> dict[str, list[str]]:
    """A Django ValidationError as ``{field: [messages]}``; messages without a field go under non_field_errors.

    ``rename`` maps service argument names to API field names (``model_type`` → ``model``).
    """
    rename = rename or {}
    if hasattr(exc, "error_dict"):
        detail = {}
        for field, messages in exc.message_dict.items():
            key = NON_FIELD if field == "__all__" else rename.get(field, field)
            detail.setdefault(key, []).extend(messages)
        return detail
    return {NON_FIELD: list(exc.messages)}


def exception_handler(exc, context):
    """DRF's handler, after turning service ValidationErrors into 400, protected deletes into 409, and an
    unreachable queue into 503 (the rows were saved; they run when it is back)."""
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(validation_detail(exc))
    elif isinstance(exc, ProtectedError):
        exc = Conflict(f"Still in use by {len(exc.protected_objects)} row(s); it cannot be deleted.")
    job_ids = getattr(exc, "job_ids", [])
    if isinstance(exc, (QueueUnavailable, RedisError)):
        exc = QueueDown(str(exc) if isinstance(exc, QueueUnavailable) else UNAVAILABLE)
    response = drf_exception_handler(exc, context)
    if response is not None and job_ids:
        response.data["job_ids"] = job_ids  # saved: a client that retries would submit them twice
    return response


class Conflict(exceptions.APIException):
    status_code = 409
    default_detail = "The request conflicts with the current state."
    default_code = "conflict"


class QueueDown(exceptions.APIException):
    status_code = 503
    default_detail = UNAVAILABLE
    default_code = "queue_unavailable"
