"""Periods, and exact per-prompt totals over any window of hours (document 002's performance functions).

A window is ``[now - hours, now)``. Its whole UTC days are read from the
``prompt_performance_daily`` rollup; the partial days at either end (each
under 24 h, so at most 48 h in all) are aggregated from ``prompt_usage``
through its ``created_at`` index. The two parts never overlap, so the totals
are exactly those of a scan of ``prompt_usage`` over the window, while the
scan itself is never made for more than two partial days.

``cache`` (a dict shared by the reads of one request or one alert evaluation, with one ``now``)
holds each window's totals and the prompt library, so each is loaded once: ``cached_totals``,
``library_prompts``.
"""

import re
from dataclasses import dataclass, fields
from datetime import datetime, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import Count, Q, Sum
from django.utils import timezone

from analytics.choices import PeriodType
from analytics.models import PromptPerformanceDaily
from analytics.rollups.buckets import UTC, _period_end, _start_of_day, mean, percent
from generations.models import PromptUsage
from prompts.models import Prompt

PERIOD_HOURS = {"day": 24, "week": 168, "month": 720}
DEFAULT_PERIOD = "week"
MAX_HOURS = 24 * 366
_HOURS = re.compile(r"^(\d{1,5})h$")


def period_hours(period: str | None) -> int:
    """Hours of ``period``: ``day`` 24, ``week`` 168, ``month`` 720 (30 days), or ``<n>h`` (1 to 8784).

    None or an empty string means the default, ``week``. Anything else raises a ValidationError
    that says what is accepted.
    """
    period = (period or DEFAULT_PERIOD).strip().lower()
    if period in PERIOD_HOURS:
        return PERIOD_HOURS[period]
    match = _HOURS.match(period)
    if match and 1 <= int(match.group(1)) <= MAX_HOURS:
        return int(match.group(1))
    raise ValidationError(
        {"period": f"Unknown period {period!r}: use day, week, month, or a number of hours from 1h to {MAX_HOURS}h."}
    )


@dataclass(frozen=True)
class Window:
    """The half-open interval ``[start, end)``."""

    start: datetime
    end: datetime

    @classmethod
    def ending(cls, hours: int, now: datetime | None = None) -> "Window":
        end = now or timezone.now()
        return cls(end - timedelta(hours=hours), end)

    @property
    def hours(self) -> int:
        return round((self.end - self.start).total_seconds() / 3600)


def period_window(period: str | None, now: datetime | None = None) -> tuple[str, Window]:
    """``(name, window)``: the period's normalised name (``week``, ``36h``) and ``[now - hours, now)``.

    The one place a period is parsed (``period_hours`` says what is accepted; a bad one raises
    its ValidationError). ``now`` defaults to the current time.
    """
    hours = period_hours(period)
    return (period or DEFAULT_PERIOD).strip().lower(), Window.ending(hours, now)


def split_window(window: Window) -> tuple[tuple | None, list[tuple]]:
    """``((first_day, end_day) or None, [(start, end), ...])``: the whole UTC days, then the partial edges."""
    first_full = _period_end(window.start, PeriodType.DAILY)  # the first midnight at or after the start
    last_full_end = _start_of_day(window.end.astimezone(UTC).date())
    if first_full >= last_full_end:
        return None, [(window.start, window.end)]
    edges = [(window.start, first_full), (last_full_end, window.end)]
    return (first_full.date(), last_full_end.date()), [(a, b) for a, b in edges if a < b]


@dataclass
class Totals:
    """Sums and counts of one prompt's uses; the means and rates of document 002 derive from them."""

    uses: int = 0
    successes: int = 0
    rating_sum: int = 0
    rating_count: int = 0
    response_time_sum_ms: int = 0
    response_time_count: int = 0
    tokens_used: int = 0
    cost: Decimal = Decimal(0)

    @classmethod
    def of(cls, row) -> "Totals":
        """The totals of a ``prompt_performance_daily`` row (or any object with the same attributes)."""
        return cls(**{field.name: getattr(row, field.name) for field in fields(cls)})

    def add(self, other: "Totals") -> "Totals":
        for field in fields(self):
            setattr(self, field.name, getattr(self, field.name) + getattr(other, field.name))
        return self

    @property
    def success_rate(self) -> Decimal | None:
        """successes × 100 / uses, 2 places half-up; None without uses."""
        return percent(self.successes, self.uses)

    @property
    def error_rate(self) -> Decimal | None:
        """100 − success rate: the failed uses' share, so the two always add up to 100.00."""
        rate = self.success_rate
        return None if rate is None else Decimal(100) - rate

    @property
    def mean_rating(self) -> Decimal | None:
        return mean(self.rating_sum, self.rating_count)

    @property
    def mean_response_time_ms(self) -> int | None:
        value = mean(self.response_time_sum_ms, self.response_time_count, Decimal(1))
        return None if value is None else int(value)

    def figures(self) -> dict:
        """The figures an API or page shows."""
        return {
            "usage_count": self.uses, "successes": self.successes, "success_rate": self.success_rate,
            "error_rate": self.error_rate, "mean_rating": self.mean_rating, "rating_count": self.rating_count,
            "mean_response_time_ms": self.mean_response_time_ms, "tokens_used": self.tokens_used,
            "cost": self.cost,
        }


_ROLLUP_SUMS = {
    "uses": Sum("uses"), "successes": Sum("successes"), "rating_sum": Sum("rating_sum"),
    "rating_count": Sum("rating_count"), "response_time_sum_ms": Sum("response_time_sum_ms"),
    "response_time_count": Sum("response_time_count"), "tokens_used": Sum("tokens_used"), "cost": Sum("cost"),
}
_USAGE_SUMS = {
    "uses": Count("pk"), "successes": Count("pk", filter=Q(success=True)), "rating_sum": Sum("rating"),
    "rating_count": Count("rating"), "response_time_sum_ms": Sum("response_time_ms"),
    "response_time_count": Count("response_time_ms"), "tokens_used": Sum("tokens_used"), "cost": Sum("cost"),
}


MICRO = Decimal("0.000001")


def money(value) -> Decimal:
    """A summed cost as USD to 6 places (the column's scale): SQLite returns sums of decimals as floats."""
    return Decimal(str(value or 0)).quantize(MICRO)


def _totals(row: dict) -> Totals:
    return Totals(**{name: money(row[name]) if name == "cost" else row[name] or 0 for name in _ROLLUP_SUMS})


def prompt_totals(window: Window, prompt_ids=None) -> dict:
    """``{prompt_id: Totals}`` over ``window`` for the prompts with uses (only ``prompt_ids`` when given).

    Two grouped queries at most: the rollup over the whole days, ``prompt_usage`` over the edges.
    """
    days, edges = split_window(window)
    result: dict = {}
    parts = []
    if days is not None:
        rollup = PromptPerformanceDaily.objects.filter(date__gte=days[0], date__lt=days[1])
        parts.append(rollup.values("prompt").annotate(**_ROLLUP_SUMS))
    if edges:
        ranges = Q()
        for start, end in edges:
            ranges |= Q(created_at__gte=start, created_at__lt=end)
        usage = PromptUsage.objects.filter(ranges, prompt__isnull=False)
        parts.append(usage.values("prompt").annotate(**_USAGE_SUMS))
    for query in parts:
        if prompt_ids is not None:
            query = query.filter(prompt__in=prompt_ids)
        for row in query.order_by():
            result.setdefault(row["prompt"], Totals()).add(_totals(row))
    return result


def cached_totals(window: Window, cache: dict | None) -> dict:
    """``prompt_totals(window)``, computed once per window when callers share ``cache``."""
    if cache is None:
        return prompt_totals(window)
    if window not in cache:
        cache[window] = prompt_totals(window)
    return cache[window]


_LIBRARY = "library"  # the cache's key for the prompt list; every other key is a Window


def library_prompts(cache: dict | None) -> list:
    """Every library prompt (id, name, display_name, status) by name, read once when callers share ``cache``.

    The library is small and every per-prompt read of a page or evaluation needs some of it, so one
    list filtered in Python replaces a query per table or rule.
    """
    if cache is not None and _LIBRARY in cache:
        return cache[_LIBRARY]
    prompts = list(Prompt.objects.only("id", "name", "display_name", "status").order_by("name"))
    if cache is not None:
        cache[_LIBRARY] = prompts
    return prompts


def overall_totals(per_prompt: dict) -> Totals:
    """All prompts' totals added up."""
    total = Totals()
    for totals in per_prompt.values():
        total.add(totals)
    return total
