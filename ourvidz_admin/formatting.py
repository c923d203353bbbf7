"""How the portal writes numbers, in one place (docs/metrics.md, "How figures are written").

Every page, admin column and dashboard uses these; CSV and JSON exports carry the raw numbers.

- counts: thousands separators (``12,345``);
- durations from milliseconds: ``850 ms`` under 10 s, ``42.2 s`` under 10 minutes, ``12m 05s`` above;
- percentages (given in percent): one decimal (``91.5%``); fractions (0-1) through ``fraction``;
- ratings: two decimals (``4.25``), ``4.25/5`` with ``out_of_5``;
- money: US dollars, two decimals from one cent up, three significant digits below (``$0.000949``);
- anything unknown: an em dash.
"""

import numbers
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

DASH = "—"


def _decimal(value) -> Decimal | None:
    if value is None or value == "":
        return None
    if isinstance(value, numbers.Rational) and not isinstance(value, int):  # fractions.Fraction
        return Decimal(value.numerator) / Decimal(value.denominator)
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        return None
    return number if number.is_finite() else None


def count(value) -> str:
    """12345 -> '12,345'."""
    number = _decimal(value)
    return DASH if number is None else f"{number.to_integral_value():,.0f}"


def number(value, places: int = 2) -> str:
    """418.61201 -> '418.61' (thousands separators, ``places`` decimals)."""
    number_ = _decimal(value)
    return DASH if number_ is None else f"{number_:,.{int(places)}f}"


def signed(value, places: int = 2) -> str:
    """0.8 -> '+0.80', -0.1 -> '−0.10', 0 -> '0.00'."""
    number_ = _decimal(value)
    if number_ is None:
        return DASH
    text = number(abs(number_), places)
    return f"+{text}" if number_ > 0 else f"−{text}" if number_ < 0 else text


def percent(value, places: int = 1) -> str:
    """A value in percent: 91.478 -> '91.5%'."""
    number_ = _decimal(value)
    return DASH if number_ is None else f"{number(number_, places)}%"


def signed_percent(value, places: int = 1) -> str:
    """28.125 -> '+28.1%'."""
    number_ = _decimal(value)
    return DASH if number_ is None else f"{signed(number_, places)}%"


def fraction(value, places: int = 1) -> str:
    """A share from 0 to 1 as a percentage: 0.2408 -> '24.1%'."""
    number_ = _decimal(value)
    return DASH if number_ is None else percent(number_ * 100, places)


def rating(value) -> str:
    """3.5120481 -> '3.51'."""
    return number(value, 2)


def out_of_5(value) -> str:
    """3.2 -> '3.20/5'."""
    text = rating(value)
    return text if text == DASH else f"{text}/5"


def ms(value) -> str:
    """A duration in milliseconds: '850 ms', '9,999 ms', '11.1 s', '209.6 s', '12m 05s'."""
    number_ = _decimal(value)
    if number_ is None:
        return DASH
    sign, millis = ("−" if number_ < 0 else ""), abs(number_).quantize(Decimal("1"), ROUND_HALF_UP)
    if millis < 10_000:
        return f"{sign}{millis.to_integral_value():,.0f} ms"
    if millis < 600_000:
        return f"{sign}{millis / 1000:,.1f} s"
    whole = int(millis // 1000)
    if whole < 3600:
        return f"{sign}{whole // 60}m {whole % 60:02d}s"
    return f"{sign}{whole // 3600}h {whole % 3600 // 60:02d}m"


def seconds(value) -> str:
    """A duration in seconds, written as ``ms`` writes it."""
    number_ = _decimal(value)
    return DASH if number_ is None else ms(number_ * 1000)


def usd(value) -> str:
    """Dollars: 1234.5 -> '$1,234.50'; 0.000949 -> '$0.000949'; 0 -> '$0.00'."""
    number_ = _decimal(value)
    if number_ is None:
        return DASH
    if number_ == 0 or abs(number_) >= Decimal("0.01"):
        return f"${number_:,.2f}"
    places = 2 - abs(number_).adjusted()  # three significant digits, never in exponent notation
    return f"${number_:.{places}f}"


FORMATS = {
    "count": count, "number": number, "percent": percent, "fraction": fraction, "rating": rating,
    "ms": ms, "seconds": seconds, "usd": usd, "signed": signed, "signed_percent": signed_percent,
    "out_of_5": out_of_5,
}
