"""Reads of runtime configuration, behind a short per-process cache (configuration rarely changes)."""

import time
from datetime import datetime, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, OuterRef, Q, Subquery, Sum

from configs.models import ConfigChangeHistory, EnhancedModelConfig, EnhancementPreset, ModelBackend
from generations.choices import JobStatus
from generations.models import Job

IMPACT_WINDOW = timedelta(days=7)
_UNSET = object()

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


def _ratio(part, whole) -> Decimal | None:
    return Decimal(part) / Decimal(whole) if whole else None


def _side(model_type: str, start: datetime, end: datetime) -> dict:
    """Jobs of ``model_type`` created in [start, end): one aggregate over the (model_type, created_at) index."""
    completed, failed = Q(status=JobStatus.COMPLETED), Q(status=JobStatus.FAILED)
    timed = completed & Q(inference_time_ms__isnull=False)
    row = Job.objects.filter(model_type=model_type, created_at__gte=start, created_at__lt=end).aggregate(
        jobs=Count("pk"), completed=Count("pk", filter=completed), failed=Count("pk", filter=failed),
        rating_sum=Sum("quality_rating"), rated=Count("quality_rating"),
        time_sum=Sum("inference_time_ms", filter=timed), timed=Count("pk", filter=timed),
    )
    mean_ms = _ratio(row["time_sum"] or 0, row["timed"])
    return {
        "start": start, "end": end, "jobs": row["jobs"], "completed": row["completed"], "failed": row["failed"],
        "success_rate": _ratio(row["completed"], row["completed"] + row["failed"]),
        "mean_rating": _ratio(row["rating_sum"] or 0, row["rated"]),
        "mean_time_s": None if mean_ms is None else mean_ms / 1000,
    }


def _delta(after, before):
    return None if after is None or before is None else after - before


def config_change_impact(*, change: ConfigChangeHistory, window: timedelta = IMPACT_WINDOW) -> dict:
    """How jobs of the change's model did in ``window`` before ``change`` against the window after it.

    Before: jobs created in [changed_at - window, changed_at). After: in
    [changed_at, min(changed_at + window, next change of the same configuration)).
    Each side has ``jobs``, ``completed``, ``failed``, ``success_rate`` (completed /
    (completed + failed)), ``mean_rating`` (rated jobs), ``mean_time_s`` (mean
    ``inference_time_ms`` of completed jobs, in seconds) as exact Decimals, None
    when there is nothing to average; ``delta`` is after minus before.
    Queries: one per side, plus one for the next change unless ``change`` was
    annotated with ``next_changed_at`` (``config_change_next_at_subquery``).
    """
    next_at = getattr(change, "next_changed_at", _UNSET)
    if next_at is _UNSET:
        next_at = config_change_next_at(change)
    at = change.changed_at
    end = at + window if next_at is None else min(at + window, next_at)
    before = _side(change.model_type, at - window, at)
    after = _side(change.model_type, at, end)
    delta = {key: _delta(after[key], before[key]) for key in ("jobs", "success_rate", "mean_rating", "mean_time_s")}
    return {"window": window, "before": before, "after": after, "delta": delta}
