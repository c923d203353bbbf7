"""The day range every dashboard takes, and the small arithmetic they share."""

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils import timezone

from analytics.rollups.buckets import UTC, difference, percent
from ourvidz_admin.choices import EnhancementStrategy

# The order the guide's tables list the strategies in.
STRATEGY_ORDER = (EnhancementStrategy.QWEN, EnhancementStrategy.COMPEL, EnhancementStrategy.HYBRID,
                  EnhancementStrategy.NONE)

# The star columns of the rollups, in the order the pages list them.
STARS = (5, 4, 3, 2, 1)
STAR_COLUMNS = tuple(f"stars_{n}" for n in STARS)

MAX_DAYS = 366
EARLIEST, LATEST = date(2000, 1, 1), date(2999, 12, 31)
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True)
class DayRange:
    """UTC days ``since`` .. ``until``, both inclusive."""

    since: date
    until: date

    @property
    def days(self) -> int:
        return (self.until - self.since).days + 1

    def dates(self) -> list[date]:
        """Every day of the range, newest first."""
        return [self.until - timedelta(days=n) for n in range(self.days)]

    def as_filter(self, field: str = "date") -> dict:
        """Keyword arguments selecting the rows of a ``DateField`` in the range."""
        return {f"{field}__gte": self.since, f"{field}__lte": self.until}


def utc_today() -> date:
    """Today's date in UTC, the calendar every rollup uses."""
    return timezone.now().astimezone(UTC).date()


def _parse(name: str, raw: str) -> date:
    label = "From" if name == "from" else "To"
    if not _ISO_DATE.fullmatch(raw):
        raise ValidationError({name: f"{label}: enter a date as YYYY-MM-DD (for example 2026-01-15), not {raw!r}."})
    try:
        value = date.fromisoformat(raw)
    except ValueError:
        raise ValidationError({name: f"{label}: {raw} is not a date of the calendar."}) from None
    if not EARLIEST <= value <= LATEST:
        raise ValidationError({name: f"{label}: {raw} is outside {EARLIEST} .. {LATEST}."})
    return value


def day_range_parse(params: Mapping, *, default_days: int = 7, today: date | None = None) -> DayRange:
    """The ``from``/``to`` query parameters (YYYY-MM-DD, inclusive) as a ``DayRange``.

    ``to`` defaults to today (UTC) and ``from`` to ``default_days`` days ending on ``to``.
    Raises ``ValidationError({"from"|"to": message})`` for a malformed or impossible date, a start
    after the end, or more than ``MAX_DAYS`` days.
    """
    values, errors = {}, {}
    for name in ("from", "to"):
        raw = (params.get(name) or "").strip()
        if raw:
            try:
                values[name] = _parse(name, raw)
            except ValidationError as exc:
                errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    until = values.get("to") or today or utc_today()
    since = values.get("from") or max(EARLIEST, until - timedelta(days=default_days - 1))
    if since > until:
        raise ValidationError({"from": f"From ({since}) is after To ({until})."})
    if (until - since).days + 1 > MAX_DAYS:
        raise ValidationError({"from": f"The range covers {(until - since).days + 1} days; at most {MAX_DAYS}."})
    return DayRange(since, until)


def trend(recent: Decimal | None, baseline: Decimal | None) -> dict:
    """``{"difference": recent - baseline, "arrow": "↗" | "↘" | "→"}`` (arrow "" when unknown)."""
    change = difference(recent, baseline)
    arrow = "" if change is None else "↗" if change > 0 else "↘" if change < 0 else "→"
    return {"difference": change, "arrow": arrow}


def star_shares(totals: Mapping) -> dict[str, Decimal | None]:
    """``{"5": pct, ..., "1": pct}``: each ``stars_<n>`` of ``totals`` as a percentage of its ``rated_jobs``.

    2 places, half-up; None when nothing is rated.
    """
    return {str(n): percent(totals[f"stars_{n}"], totals["rated_jobs"]) for n in STARS}
