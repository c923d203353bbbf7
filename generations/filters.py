"""FilterSets over jobs (the generator admin's "generations"), shared by the API, selectors and admin.

Query parameters follow document 001: ``prompt_version_id``, ``rating``
(``EXCELLENT`` or ``1``-``5``), ``unrated=true``, ``from``/``to`` (dates or
datetimes, as ranges on ``created_at`` so the indexes apply), ``sort`` and
``order``; plus the job-management filters (model, status, strategy,
failure reason, user, test series).
"""

import datetime

import django_filters
from django import forms
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django_filters.fields import ChoiceField

from generations.choices import EnhancementStrategy, FailureReason, JobStatus, ModelType, RatingLabel
from generations.models import Job

SORT_FIELDS = {"created_at": "created_at", "rating": "quality_rating", "status": "status", "model": "model_type"}


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
                moment = moment.astimezone(datetime.timezone.utc)
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


class JobFilterSet(django_filters.FilterSet):
    """Filters and sort order of the job and generation lists."""

    prompt_version_id = django_filters.UUIDFilter(field_name="prompt_version_id")
    rating = RatingFilter(field_name="quality_rating",
                          help_text="Stars 1-5 or FAILED, POOR, ACCEPTABLE, GOOD, EXCELLENT.")
    unrated = StrictBooleanFilter(field_name="quality_rating", lookup_expr="isnull",
                                           help_text="true: only jobs nobody rated yet.")
    model = UpperChoiceFilter(field_name="model_type", choices=ModelType.choices,
                              help_text="SDXL or WAN (any case).")
    status = django_filters.ChoiceFilter(choices=JobStatus.choices)
    strategy = django_filters.ChoiceFilter(field_name="enhancement_strategy", choices=EnhancementStrategy.choices)
    failure_reason = django_filters.ChoiceFilter(choices=FailureReason.choices)
    user = IdFilter(field_name="user_id", help_text="The submitting user's id.")
    test_series = django_filters.CharFilter()
    sort = django_filters.ChoiceFilter(choices=[(k, k) for k in SORT_FIELDS], method="_no_filter",
                                       help_text="Sort column; ties break on id.")
    order = django_filters.ChoiceFilter(choices=[("asc", "asc"), ("desc", "desc")], method="_no_filter",
                                        help_text="Sort direction (default desc).")

    class Meta:
        model = Job
        fields = []

    def _no_filter(self, queryset, name, value):
        return queryset

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        data = self.form.cleaned_data
        if not (data.get("sort") or data.get("order")):
            return queryset
        field = SORT_FIELDS[data.get("sort") or "created_at"]
        sign = "" if data.get("order") == "asc" else "-"
        keys = dict.fromkeys((field, "created_at", "id"))
        return queryset.order_by(*(f"{sign}{key}" for key in keys))


# ``from`` is a Python keyword, so the date-range filters are declared after the class.
for _name, _upper in (("from", False), ("to", True)):
    _filter = MomentFilter(upper=_upper, help_text=f"Created {'on or before' if _upper else 'on or after'} "
                                                    "this date or datetime.")
    JobFilterSet.base_filters[_name] = JobFilterSet.declared_filters[_name] = _filter
