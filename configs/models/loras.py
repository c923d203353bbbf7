"""The LoRA registry: adapters a worker may load onto a base model, by name."""

from django.core.validators import RegexValidator
from django.db import models

from ourvidz_admin.db import UUIDModel, between, one_of

LORA_NAME = RegexValidator(r"^[A-Za-z0-9_-]{1,64}$", "A LoRA name is 1-64 letters, digits, _ or -.")


class LoraFamily(models.TextChoices):
    SDXL = "sdxl", "SDXL"


class LoRA(UUIDModel):
    """A LoRA directory (``load_lora_weights``) for a base model family, with its default weight.

    Jobs name it (``<lora:NAME:WEIGHT>`` in a prompt, ``--lora``, the API,
    a character's LoRAs); the worker loads it once, keeps it resident and
    switches it on only for the jobs that ask for it.
    """

    name = models.CharField(max_length=64, unique=True, validators=[LORA_NAME])
    path = models.CharField(max_length=500, help_text="Directory or .safetensors file on the GPU workers.")
    model_family = models.CharField(max_length=10, choices=LoraFamily.choices, default=LoraFamily.SDXL)
    default_weight = models.DecimalField(max_digits=3, decimal_places=2, default=1,
                                         help_text="Used when a job names the LoRA without a weight (-2 to 2).")
    is_active = models.BooleanField(default=True)
    description = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "loras"
        ordering = ("name",)
        verbose_name = "LoRA"
        constraints = [
            one_of("model_family", LoraFamily, "loras_family_valid"),
            between("default_weight", -2, 2, "loras_default_weight_range", nullable=False),
        ]

    def __str__(self):
        return self.name
