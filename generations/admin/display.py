"""Formatting helpers for job columns (numbers through ``ourvidz_admin.formatting``)."""

from datetime import timedelta

from ourvidz_admin import formatting


def stars(rating: int | None) -> str:
    """'★★★☆☆' for 3; '—' when unrated."""
    if not rating:
        return "—"
    return "★" * rating + "☆" * (5 - rating)


def duration(value: timedelta | None) -> str:
    """A time span as every page writes durations: '850 ms', '42.2 s', '12m 05s'; '—' when unknown."""
    return formatting.DASH if value is None else formatting.seconds(value.total_seconds())
