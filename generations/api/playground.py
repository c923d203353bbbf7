"""/api/prompts/preview and /api/prompts/chat: the prompt playground (``generations.playground``)."""

from dataclasses import asdict

from django.core.exceptions import ValidationError
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from generations.api.playground_serializers import (
    FIELD_NAMES,
    PromptChatResultSerializer,
    PromptChatSerializer,
    PromptPreviewResultSerializer,
    PromptPreviewSerializer,
)
from generations.playground import PlaygroundFailed, PlaygroundTimeout, playground_resolve, playground_rewrite
from generations.playground_chat import playground_chat_turn
from ourvidz_admin.api.exceptions import validation_detail
from ourvidz_admin.api.permissions import require
from ourvidz_admin.api.schema import ErrorDetailSerializer

WORKER_ERRORS = {
    502: OpenApiResponse(ErrorDetailSerializer, description="The worker raised; the detail is its error."),
    503: OpenApiResponse(ErrorDetailSerializer, description="The queue (Redis) is unavailable, or no worker "
                                                            "listens on the enhance queue."),
    504: OpenApiResponse(ErrorDetailSerializer, description="The worker did not answer within PLAYGROUND_WAIT_S."),
}


class WorkerFailed(exceptions.APIException):
    status_code = 502
    default_code = "worker_failed"


class WorkerTimeout(exceptions.APIException):
    status_code = 504
    default_code = "worker_timeout"


def _call(service, **kwargs):
    """``service(**kwargs)`` with its errors as API errors: fields renamed, worker failures and timeouts."""
    try:
        return service(**kwargs)
    except ValidationError as exc:
        raise serializers.ValidationError(validation_detail(exc, FIELD_NAMES)) from exc
    except PlaygroundTimeout as exc:
        raise WorkerTimeout(str(exc)) from exc
    except PlaygroundFailed as exc:
        raise WorkerFailed(str(exc)) from exc


class PromptPreviewApi(APIView):
    """The fully resolved prompt of a job of these inputs, without the job (``playground_resolve``); with
    ``rewrite: true`` the Qwen rewrite too, run on the enhance worker (``playground_rewrite``)."""

    permission_classes = [require("generations.add_job")]

    @extend_schema(summary="Preview a job's resolved prompt (and its Qwen rewrite) without submitting it",
                   request=PromptPreviewSerializer, responses={200: PromptPreviewResultSerializer, **WORKER_ERRORS})
    def post(self, request):
        serializer = PromptPreviewSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        run_rewrite = data.pop("rewrite")
        preview = _call(playground_resolve, user=request.user, model_type=data.pop("model"), **data)
        rewrite = _call(playground_rewrite, preview=preview) if run_rewrite else None
        body = {**preview.as_dict(), "rewrite": asdict(rewrite) if rewrite else None}
        return Response(PromptPreviewResultSerializer(body).data)


class PromptChatApi(APIView):
    """One turn of a playground chat with the Qwen instruct model, logged as a prompt log (``playground_chat_turn``)."""

    permission_classes = [require("generations.add_job")]

    @extend_schema(summary="Send one chat message to the Qwen instruct model and wait for the reply",
                   request=PromptChatSerializer, responses={200: PromptChatResultSerializer, **WORKER_ERRORS})
    def post(self, request):
        serializer = PromptChatSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        turn = _call(playground_chat_turn, user=request.user, mode=data.pop("use_case"), **data)
        return Response(PromptChatResultSerializer(turn.as_dict()).data)
