"""Formatting of dashboard figures: "—" for unknown, signs on differences, seconds from milliseconds."""

from datetime import timedelta

from django import template

from generations.admin.display import duration
from ourvidz_admin import formatting

register = template.Library()
DASH = formatting.DASH


@register.filter
def num(value, places: int = 2) -> str:
    """A figure with ``places`` decimals and thousands separators (a whole count without decimals)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return formatting.count(value)
    return formatting.number(value, places)


@register.filter
def pct(value) -> str:
    """87.54 -> '87.5%'."""
    return formatting.percent(value)


@register.filter
def signed(value, places: int = 2) -> str:
    """0.8 -> '+0.80', -0.1 -> '−0.10', 0 -> '0.00'."""
    return formatting.signed(value, places)


@register.filter
def seconds(ms) -> str:
    """Milliseconds as the portal writes durations: '850 ms', '12.3 s'."""
    return formatting.ms(ms)


@register.filter
def age(total_seconds) -> str:
    """Seconds as '45s', '2m 15s', '1h 02m'."""
    return duration(None if total_seconds is None else timedelta(seconds=int(total_seconds)))


def _metric(value, key: str, change: bool) -> str:
    if value is None:
        return DASH
    if key == "jobs_per_hour":
        return signed(value, 1) if change else num(value, 1)
    if key in ("qwen_usage", "compel_usage"):
        return f"{signed(value, 1)} pts" if change else pct(value)
    if key == "mean_enhancement_time_ms":
        sign = ("+" if value > 0 else "−" if value < 0 else "") if change else ""
        return sign + seconds(abs(value))
    return signed(value)


@register.filter
def metric(value, key: str) -> str:
    """A live metric in its unit (``key`` from ``analytics.dashboards.live.METRICS``)."""
    return _metric(value, key, change=False)


@register.filter
def metric_change(value, key: str) -> str:
    """A live metric's difference, signed, in its unit (percentage points for usage)."""
    return _metric(value, key, change=True)


@register.filter
def weights(value) -> str:
    """Compel weights as 'quality:1.2x, detail:1.5x'."""
    if not value:
        return DASH
    return ", ".join(f"{name}:{weight}x" for name, weight in value.items())


@register.filter
def signed_pct(value) -> str:
    """28.125 -> '+28.1%'."""
    return formatting.signed_percent(value)


@register.filter
def out_of_5(value) -> str:
    """3.2 -> '3.20/5'."""
    return formatting.out_of_5(value)


@register.filter
def upto(found) -> str:
    """A percentile's histogram bin as '≤ 1.25 s' (its upper edge), '> 1 h' for the open bin, '—' unknown."""
    if found is None:
        return DASH
    return f"≤ {formatting.ms(found.high)}" if found.high is not None else f"> {formatting.ms(found.low)}"


@register.filter
def usd(value, places: int = 4) -> str:
    """A cost in US dollars with ``places`` decimals: '$0.0123', '—' unknown."""
    return DASH if value is None else f"${formatting.number(value, places)}"
