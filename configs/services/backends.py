"""Writes to the model backends workers load (family, directory, device, dtype, size limits)."""

from django.db import transaction

from configs import selectors
from configs.models import ModelBackend


@transaction.atomic
def model_backend_set(*, family: str, path: str, model_name: str = "", device: str | None = None,
                      dtype: str | None = None, max_side: int | None = None,
                      max_frames: int | None = None) -> ModelBackend:
    """Point ``family`` (qwen, sdxl, wan, clip) at a ``from_pretrained`` directory with its size limits.

    Validated, then saved.
    """
    backend = ModelBackend.objects.filter(family=family).first() or ModelBackend(family=family)
    backend.path = path
    backend.model_name = model_name or backend.model_name or family
    if device is not None:
        backend.device = device
    if dtype is not None:
        backend.dtype = dtype
    backend.max_side = max_side
    backend.max_frames = max_frames
    backend.full_clean()
    backend.save()
    selectors.clear_cache()
    return backend
