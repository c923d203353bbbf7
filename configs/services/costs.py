"""Writes to the cost rates: a new rate is a new row; a rate that has come into force is history."""

from datetime import datetime, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from configs import selectors
from configs.models import CostRate

# How far in the past a new rate may start: the time a form or request takes to arrive, no more.
START_GRACE = timedelta(minutes=5)
IN_FORCE = ("This rate has been in force since {at:%Y-%m-%d %H:%M} UTC and may have priced stages: it cannot be "
            "changed or deleted. Add a new rate instead.")


def _forget_cached_rates() -> None:
    # Now for this transaction's own reads, and after commit for what other threads cached meanwhile.
    selectors.clear_cache()
    transaction.on_commit(selectors.clear_cache)


def cost_rate_check_start(effective_from: datetime | None, now: datetime | None = None) -> None:
    """``ValidationError`` on ``effective_from`` when a rate would start in the past (beyond ``START_GRACE``):
    the costs already recorded were priced at the rate then in force, so history is not rewritten."""
    now = now or timezone.now()
    if effective_from is not None and effective_from < now - START_GRACE:
        raise ValidationError({"effective_from": (
            "A new rate cannot start in the past: the costs already recorded were priced at the rate then in "
            "force. Enter now or a later time.")})


def _refuse_if_in_force(rate: CostRate, now: datetime) -> None:
    stored = CostRate.objects.select_for_update().filter(pk=rate.pk).first()
    if stored is not None and stored.in_force_since(now):
        raise ValidationError(IN_FORCE.format(at=stored.effective_from))


@transaction.atomic
def cost_rate_save(*, cost_rate: CostRate, created_by=None) -> CostRate:
    """Save a new rate (``created_by`` recorded), or a change to one that has not come into force yet.

    Validated (rate ≥ 0, a unit the backend can be priced in, one rate per backend and instant, a start not in
    the past), then saved; workers see it within the rate cache's few seconds.
    """
    now = timezone.now()
    if cost_rate._state.adding:
        cost_rate.created_by, cost_rate.created_at = created_by, now
    else:
        _refuse_if_in_force(cost_rate, now)
    cost_rate.full_clean()
    cost_rate_check_start(cost_rate.effective_from, now)
    cost_rate.save()
    _forget_cached_rates()
    return cost_rate


def cost_rate_create(*, backend: str, unit: str, rate: Decimal, effective_from: datetime | None = None,
                     note: str = "", created_by=None) -> CostRate:
    """Add a rate for ``backend`` from ``effective_from`` (default now; not in the past)."""
    cost_rate = CostRate(backend=backend, unit=unit, rate=rate, effective_from=effective_from or timezone.now(),
                         note=note)
    return cost_rate_save(cost_rate=cost_rate, created_by=created_by)


@transaction.atomic
def cost_rate_delete(*, cost_rate: CostRate) -> None:
    """Delete a rate that has not come into force yet."""
    _refuse_if_in_force(cost_rate, timezone.now())
    cost_rate.delete()
    _forget_cached_rates()
