"""Writes the measured impact of a configuration change onto its history row."""

from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction

from configs.models import ConfigChangeHistory
from configs.selectors import IMPACT_WINDOW, config_change_impact

CENT = Decimal("0.01")
QUALITY_LIMIT = Decimal(4)  # config_change_history.quality_impact is DECIMAL(3,2) checked to ±4


def _cents(value: Decimal | None) -> Decimal | None:
    return None if value is None else value.quantize(CENT, ROUND_HALF_UP)


@transaction.atomic
def config_change_refresh_impact(*, change: ConfigChangeHistory,
                                 window: timedelta = IMPACT_WINDOW) -> ConfigChangeHistory:
    """Set ``jobs_affected``, ``quality_impact`` and ``performance_impact`` of ``change`` from its jobs.

    From ``config_change_impact``: jobs after the change, the change in mean
    rating (2 places, clamped to ±4) and in mean time of completed jobs (seconds,
    2 places); None where either side has nothing to measure.
    """
    impact = config_change_impact(change=change, window=window)
    quality = _cents(impact["delta"]["mean_rating"])
    change.jobs_affected = impact["after"]["jobs"]
    change.quality_impact = None if quality is None else max(-QUALITY_LIMIT, min(QUALITY_LIMIT, quality))
    change.performance_impact = _cents(impact["delta"]["mean_time_s"])
    change.full_clean()
    change.save(update_fields=["jobs_affected", "quality_impact", "performance_impact"])
    return change
