"""The measured impact of a configuration change: how its model's jobs did before and after it.

Read here from the jobs (one aggregate per side of the change); written onto
the change's history row by ``config_change_refresh_impact``. It lives in
analytics because it reads the job domain, which stands above configs.
"""

from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.db.models import Count, Q, Sum

from configs.models import ConfigChangeHistory
from configs.selectors import config_change_next_at
from generations.models import Job
from ourvidz_admin.choices import JobStatus

IMPACT_WINDOW = timedelta(days=7)
_UNSET = object()


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
