"""Reads of runtime configuration, behind a short per-process cache (configuration rarely changes)."""

import time
from datetime import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import OuterRef, Subquery

from configs.models import ConfigChangeHistory, CostRate, EnhancedModelConfig, EnhancementPreset, ModelBackend

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
    """The model directory, device and dtype configured for ``family`` (qwen, sdxl, wan, clip)."""
    return _cached(("backend", family), lambda: ModelBackend.objects.filter(family=family).first())


def rate_at(backend: str, when: datetime) -> CostRate | None:
    """The cost rate of ``backend`` (qwen, sdxl, wan, clip) in force at ``when``: its row with the latest
    ``effective_from`` ≤ ``when``; None when none had started by then.

    The backend's whole history (a handful of rows) is read once per cache period, so pricing every stage
    costs no query; a rate created in another process is seen within ``_TTL_S`` seconds.
    """
    history = _cached(("cost_rates", backend), lambda: list(
        CostRate.objects.filter(backend=backend).order_by("-effective_from").only(
            "id", "backend", "unit", "rate", "effective_from")))
    return next((rate for rate in history if rate.effective_from <= when), None)


def cost_rate_list() -> models.QuerySet[CostRate]:
    """Every cost rate, per backend, newest first (the API's and the admin's history)."""
    return CostRate.objects.order_by("backend", "-effective_from", "-id")


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


def preset_in_use(config: EnhancedModelConfig | None) -> str | None:
    """The name of the preset ``config`` runs: the first (by name) whose every value ``config`` holds.

    A preset whose values cannot be applied (malformed weights) never matches.
    """
    from configs.services.model_config import config_values, preset_values  # services import selectors

    if config is None:
        return None
    current = config_values(config)
    for preset in _cached(("presets",), lambda: list(EnhancementPreset.objects.order_by("preset_name"))):
        try:
            values = preset_values(preset)
        except ValidationError:
            continue
        if all(current.get(name) == _plain(value) for name, value in values.items()):
            return preset.preset_name
    return None


def _plain(value):
    return float(value) if isinstance(value, Decimal) else value


def preset_list() -> models.QuerySet[EnhancementPreset]:
    """Every enhancement preset, recommended first, then by name (the "Apply preset" page)."""
    return EnhancementPreset.objects.order_by("-is_recommended", "preset_name")


def config_change_next_at_subquery() -> Subquery:
    """``changed_at`` of the next change of the same configuration, for ``.annotate(next_changed_at=...)``."""
    later = ConfigChangeHistory.objects.filter(
        config=OuterRef("config"), changed_at__gt=OuterRef("changed_at")
    ).order_by("changed_at")
    return Subquery(later.values("changed_at")[:1])


def config_change_next_at(change: ConfigChangeHistory) -> datetime | None:
    """When the same configuration next changed after ``change`` (None: not since, or it was deleted)."""
    if change.config_id is None:
        return None
    return (ConfigChangeHistory.objects.filter(config_id=change.config_id, changed_at__gt=change.changed_at)
            .order_by("changed_at").values_list("changed_at", flat=True).first())
