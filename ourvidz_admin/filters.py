"""Filters and form fields shared by every app's FilterSets: strict booleans, ids, ratings, dates, choices.

A value that does not parse is a 400 with a message naming the parameter,
never "no filter" and never a database error.
"""

import datetime

import django_filters
from django import forms
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django_filters.fields import ChoiceField

from ourvidz_admin.choices import RatingLabel


class RatingFormField(forms.CharField):
    """``EXCELLENT`` (any case) or ``1``-``5`` → stars."""

    def clean(self, value):
        value = super().clean(value)
        if value in (None, ""):
            return None
        try:
            return int(RatingLabel.from_label(value))
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from exc


class UpperChoiceField(ChoiceField):
    """A choice matched case-insensitively against upper-case values (``sdxl`` → ``SDXL``)."""

    def to_python(self, value):
        return super().to_python(value).upper()


class MomentFormField(forms.CharField):
    """A date (``2024-01-31``) or an ISO datetime; naive datetimes are in the site time zone."""

    def clean(self, value):
        value = super().clean(value)
        if value in (None, ""):
            return None
        moment = None
        try:
            moment = parse_date(value) or parse_datetime(value)
        except ValueError:
            pass
        if moment is None:
            raise forms.ValidationError("Enter a date (YYYY-MM-DD) or an ISO 8601 datetime.")
        if isinstance(moment, datetime.datetime):
            if timezone.is_naive(moment):
                moment = timezone.make_aware(moment)
            try:
                # In UTC: PostgreSQL refuses offsets beyond ±15:59 that Python accepts (up to ±23:59).
                moment = moment.astimezone(datetime.UTC)
            except OverflowError:
                raise forms.ValidationError("That moment is outside the years 1 to 9999.") from None
        elif moment == datetime.date.max:
            raise forms.ValidationError("Enter a date before 9999-12-31.")
        return moment


class StrictBooleanFormField(forms.CharField):
    """``true``/``false`` (or 1/0, yes/no); anything else is an error rather than "no filter"."""

    VALUES = {"true": True, "1": True, "yes": True, "false": False, "0": False, "no": False}

    def clean(self, value):
        value = super().clean(value)
        if value in (None, ""):
            return None
        try:
            return self.VALUES[value.strip().lower()]
        except KeyError:
            raise forms.ValidationError("Use true or false.") from None


class StrictBooleanFilter(django_filters.BooleanFilter):
    field_class = StrictBooleanFormField


class IdFilter(django_filters.Filter):
    """An integer primary key, bounded to what a 64-bit column can hold."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        super().__init__(*args, min_value=1, max_value=2**63 - 1, **kwargs)


class RatingFilter(django_filters.Filter):
    field_class = RatingFormField


class UpperChoiceFilter(django_filters.ChoiceFilter):
    field_class = UpperChoiceField


def _day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


class MomentFilter(django_filters.Filter):
    """``from``: created at or after; ``to``: created at or before (a date includes its whole day)."""

    field_class = MomentFormField

    def __init__(self, *args, upper: bool, **kwargs):
        self.upper = upper
        super().__init__(*args, field_name="created_at", **kwargs)

    def filter(self, qs, value):
        if value is None:
            return qs
        is_date = not isinstance(value, datetime.datetime)
        if not self.upper:
            return qs.filter(created_at__gte=_day_start(value) if is_date else value)
        if is_date:
            return qs.filter(created_at__lt=_day_start(value + datetime.timedelta(days=1)))
        return qs.filter(created_at__lte=value)
