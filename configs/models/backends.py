"""Which model directory each worker family loads, on which device, in which precision."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from configs.choices import BackendFamily, Device, DType
from ourvidz_admin.db import UUIDModel, between, one_of


class ModelBackend(UUIDModel):
    """A model family's ``from_pretrained`` directory, device, dtype and per-job timeout.

    Workers read it through ``configs.selectors.model_backend_get``; changing
    the path makes each worker reload that family on its next job.
    """

    family = models.CharField(max_length=10, choices=BackendFamily.choices, unique=True)
    model_name = models.CharField(max_length=100, blank=True, help_text="Label written into outputs (Model: ...).")
    path = models.CharField(max_length=500, help_text="Local directory saved with save_pretrained.")
    device = models.CharField(max_length=10, choices=Device.choices, default=Device.AUTO)
    dtype = models.CharField(max_length=10, choices=DType.choices, default=DType.AUTO)
    job_timeout_s = models.PositiveIntegerField(default=900, help_text="RQ timeout of one stage of one job.")
    max_side = models.PositiveSmallIntegerField(
        null=True, blank=True,
        help_text="Largest width/height to run this directory at; bigger sizes are scaled down keeping the "
                  "aspect ratio (tiny test models). Empty: no limit.",
    )
    max_frames = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Largest WAN frame count to run this directory at. Empty: no limit."
    )
    enabled = models.BooleanField(default=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "model_backends"
        ordering = ("family",)
        constraints = [
            one_of("family", BackendFamily, "model_backends_family_valid"),
            one_of("device", Device, "model_backends_device_valid"),
            one_of("dtype", DType, "model_backends_dtype_valid"),
            between("job_timeout_s", 10, 7200, "model_backends_timeout_range", nullable=False),
        ]

    def __str__(self):
        return f"{self.family}: {self.path}"

    def clean(self):
        if self.device == Device.CPU and self.dtype in (DType.FLOAT16, DType.BFLOAT16):
            raise ValidationError({"dtype": "Half precision needs CUDA; use float32 or auto on CPU."})
