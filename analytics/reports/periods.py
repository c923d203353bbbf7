"""Report periods: the presets (the last complete UTC day, ISO week or calendar month) or two dates.

Every period is a ``DayRange`` of whole UTC days; its trends compare it with the period of the same
length just before it.
"""

from datetime import date, timedelta

from django.core.exceptions import ValidationError

from analytics.dashboards.common import EARLIEST, LATEST, MAX_DAYS, DayRange, utc_today

PRESETS = ("day", "week", "month")
AUDIENCES = {"executive": "Executive", "engineering": "Engineering"}
DEFAULT_AUDIENCE = "executive"


def preset_range(name: str, *, today: date | None = None) -> DayRange:
    """``day``: yesterday; ``week``: the last complete ISO week (Monday to Sunday); ``month``: the last
    complete calendar month; all before ``today`` (UTC)."""
    today = today or utc_today()
    if name == "day":
        return DayRange(today - timedelta(days=1), today - timedelta(days=1))
    if name == "week":
        monday = today - timedelta(days=today.weekday())
        return DayRange(monday - timedelta(days=7), monday - timedelta(days=1))
    if name == "month":
        last = today.replace(day=1) - timedelta(days=1)
        return DayRange(last.replace(day=1), last)
    raise ValidationError({"period": f"period must be one of {', '.join(PRESETS)}, not {name!r}."})


def previous_range(days: DayRange) -> DayRange:
    """The period of the same length ending the day before ``days`` starts."""
    return DayRange(days.since - timedelta(days=days.days), days.since - timedelta(days=1))


def _date(name: str, raw) -> date:
    if isinstance(raw, date):
        value = raw
    else:
        try:
            value = date.fromisoformat(str(raw).strip())
        except ValueError:
            raise ValidationError({name: f"{name} must be a date as YYYY-MM-DD, not {raw!r}."}) from None
    if not EARLIEST <= value <= LATEST:
        raise ValidationError({name: f"{name} ({value}) is outside {EARLIEST} .. {LATEST}."})
    return value


def report_range(*, period: str | None = None, since=None, until=None, today: date | None = None) -> DayRange:
    """A preset, or ``since``..``until`` (both given, inclusive): the days a report covers.

    Raises ``ValidationError({"period"|"since"|"until": message})`` naming the argument that is wrong.
    """
    if since in (None, "") and until in (None, ""):
        return preset_range(period or "week", today=today)
    if period:
        raise ValidationError({"period": "Give either period or since and until, not both."})
    if since in (None, "") or until in (None, ""):
        missing = "since" if since in (None, "") else "until"
        raise ValidationError({missing: f"{missing} is needed with {'until' if missing == 'since' else 'since'}."})
    days = DayRange(_date("since", since), _date("until", until))
    if days.since > days.until:
        raise ValidationError({"since": f"since ({days.since}) is after until ({days.until})."})
    if days.days > MAX_DAYS:
        raise ValidationError({"until": f"The period covers {days.days} days; at most {MAX_DAYS}."})
    return days


def audience_check(audience: str) -> str:
    """``audience`` if it is one of ``AUDIENCES``; else ``ValidationError({"audience": ...})``."""
    if audience not in AUDIENCES:
        raise ValidationError({"audience": f"audience must be one of {', '.join(AUDIENCES)}, not {audience!r}."})
    return audience
