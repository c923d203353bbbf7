"""Formatting helpers for job columns."""

from datetime import timedelta


def stars(rating: int | None) -> str:
    """'★★★☆☆' for 3; '—' when unrated."""
    if not rating:
        return "—"
    return "★" * rating + "☆" * (5 - rating)


def duration(value: timedelta | None) -> str:
    """'45s', '2m 15s', '1h 02m'; '—' when unknown."""
    if value is None:
        return "—"
    seconds = int(value.total_seconds())
    if seconds < 60:
        return f"{seconds}s"
    if seconds < 3600:
        return f"{seconds // 60}m {seconds % 60:02d}s"
    return f"{seconds // 3600}h {seconds % 3600 // 60:02d}m"
