"""Reads of runtime configuration, behind a short per-process cache (configuration rarely changes)."""

import time

from django.db import models

from configs.models import EnhancedModelConfig, ModelBackend

_TTL_S = 5.0
_cache: dict[tuple, tuple[float, object]] = {}


def _cached(key: tuple, load):
    now = time.monotonic()
    hit = _cache.get(key)
    if hit is not None and hit[0] > now:
        return hit[1]
    value = load()
    _cache[key] = (now + _TTL_S, value)
    return value


def clear_cache() -> None:
    """Forget cached configuration (after a write in this process, and in tests)."""
    _cache.clear()


def model_backend_get(family: str) -> ModelBackend | None:
    """The model directory, device and dtype configured for ``family`` (qwen, sdxl, wan)."""
    return _cached(("backend", family), lambda: ModelBackend.objects.filter(family=family).first())


def model_config_active(model_type: str) -> EnhancedModelConfig | None:
    """The active configuration of SDXL or WAN, falling back to the default one."""
    def load():
        return (
            EnhancedModelConfig.objects.filter(model_type=model_type)
            .filter(models.Q(is_active=True) | models.Q(is_default=True))
            .order_by("-is_active")
            .first()
        )

    return _cached(("config", model_type), load)
