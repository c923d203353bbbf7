"""Job endpoints: the generator admin's /generations and the job manager's /jobs, images, review actions."""

from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from generations.api.serializers import (
    FIELD_NAMES,
    ImageCreateSerializer,
    InputImageSerializer,
    JobCreateSerializer,
    JobDetailSerializer,
    JobListSerializer,
    JobRatingSerializer,
    OutputImageSerializer,
)
from generations.filters import JobFilterSet
from generations.models import GenerationImageInput, GenerationImageOutput, Job
from generations.services import (
    IMAGE_MODELS,
    generation_image_add,
    generation_image_delete,
    job_cancel,
    job_rate,
    job_retry,
)
from ourvidz_admin.api.exceptions import validation_detail
from ourvidz_admin.api.filtering import FilterBackend
from ourvidz_admin.api.parsers import JSONParser
from ourvidz_admin.api.permissions import IsStaff, StaffModelPermissions, require
from ourvidz_admin.api.serializers import EmptySerializer


def jobs_with_images():
    """Jobs with their inputs and outputs in two extra queries (ordered by position, no join back)."""
    return Job.objects.prefetch_related(
        Prefetch("inputs", queryset=GenerationImageInput.objects.order_by("order_index")),
        Prefetch("outputs", queryset=GenerationImageOutput.objects.order_by("order_index")),
    )


@extend_schema_view(
    list=extend_schema(summary="List jobs (generations), newest first"),
    retrieve=extend_schema(summary="A job with its input and output images"),
    create=extend_schema(summary="Submit a job: validated, saved and enqueued for the workers",
                         request=JobCreateSerializer, responses={201: JobDetailSerializer}),
)
class JobViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Jobs, served at /api/jobs/ and, under the image generator admin's name, /api/generations/."""

    queryset = Job.objects.all()
    permission_classes = [StaffModelPermissions]
    filter_backends = [FilterBackend]
    filterset_class = JobFilterSet
    cursor_ordering = ("-created_at", "-id")

    def get_queryset(self):
        queryset = jobs_with_images()
        return queryset.list_columns() if self.action == "list" else queryset

    def get_serializer_class(self):
        return JobListSerializer if self.action == "list" else JobDetailSerializer

    def create(self, request, *args, **kwargs):
        serializer = JobCreateSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        job = serializer.submit(user=request.user)
        return Response(JobDetailSerializer(jobs_with_images().get(pk=job.pk)).data, status=status.HTTP_201_CREATED)


class _JobActionApi(APIView):
    """A POST on one job that calls a service and answers with the job."""

    service = None
    serializer_class = EmptySerializer

    @extend_schema(request=EmptySerializer, responses={200: JobDetailSerializer})
    def post(self, request, pk):
        EmptySerializer(data=request.data).is_valid(raise_exception=True)
        job = get_object_or_404(Job, pk=pk)
        try:
            type(self).service(job=job, by=request.user)
        except ValidationError as exc:
            raise serializers.ValidationError(validation_detail(exc, FIELD_NAMES)) from exc
        return Response(JobDetailSerializer(jobs_with_images().get(pk=pk)).data)


class JobRetryApi(_JobActionApi):
    """Re-queue a failed or cancelled job (``job_retry``)."""

    permission_classes = [require("generations.retry_job")]
    service = staticmethod(job_retry)


class JobCancelApi(_JobActionApi):
    """Cancel a queued job, or ask a running one to stop (``job_cancel``)."""

    permission_classes = [require("generations.cancel_job")]
    service = staticmethod(job_cancel)


class GenerationRateApi(APIView):
    """Rate a generation: stars or their label, notes, failure reason (``job_rate``)."""

    permission_classes = [require("generations.rate_job")]
    serializer_class = JobRatingSerializer

    @extend_schema(request=JobRatingSerializer, responses={200: JobDetailSerializer})
    def patch(self, request, pk):
        serializer = JobRatingSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        job = get_object_or_404(Job, pk=pk)
        try:
            job_rate(job=job, by=request.user, **serializer.validated_data)
        except ValidationError as exc:
            raise serializers.ValidationError(validation_detail(exc, FIELD_NAMES)) from exc
        return Response(JobDetailSerializer(jobs_with_images().get(pk=pk)).data)


class GenerationImageAddApi(APIView):
    """Attach an input (``kind="input"``) or output image: multipart ``file`` or JSON ``{"url": ...}``."""

    kind = "input"
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    serializer_class = ImageCreateSerializer

    def get_permissions(self):
        return [require(f"generations.add_generationimage{self.kind}")()]

    output = OutputImageSerializer

    @extend_schema(request=ImageCreateSerializer, responses={201: OutputImageSerializer})
    def post(self, request, pk):
        serializer = ImageCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        job = get_object_or_404(Job, pk=pk)
        image = generation_image_add(job=job, kind=self.kind, **serializer.validated_data)
        return Response(self.output(image).data, status=status.HTTP_201_CREATED)


class GenerationInputAddApi(GenerationImageAddApi):
    """Attach an input image (image-to-image, image-to-video): multipart ``file`` or JSON ``{"url": ...}``."""

    kind = "input"
    output = InputImageSerializer

    @extend_schema(request=ImageCreateSerializer, responses={201: InputImageSerializer})
    def post(self, request, pk):
        return super().post(request, pk)


class GenerationOutputAddApi(GenerationImageAddApi):
    """Attach an output image (a result produced elsewhere): multipart ``file`` or JSON ``{"url": ...}``."""

    kind = "output"


class ImageDeleteApi(APIView):
    """Remove an input or output image by its id."""

    permission_classes = [IsStaff]

    @extend_schema(responses={204: OpenApiResponse(description="Deleted.")})
    def delete(self, request, pk):
        perms = {kind: f"generations.delete_generationimage{kind}" for kind in IMAGE_MODELS}
        if not any(request.user.has_perm(perm) for perm in perms.values()):
            raise PermissionDenied("You may not delete images.")
        for kind, model in IMAGE_MODELS.items():
            image = model.objects.filter(pk=pk).first()
            if image is not None:
                if not request.user.has_perm(perms[kind]):
                    raise PermissionDenied(f"You may not delete {kind} images.")
                generation_image_delete(image=image)
                return Response(status=status.HTTP_204_NO_CONTENT)
        return Response({"detail": "No image with this id."}, status=status.HTTP_404_NOT_FOUND)
