"""List filters shared by the portal's changelists."""

from datetime import timedelta

from django.contrib import admin
from django.utils import timezone

_RANGES = {
    "1h": ("Last hour", timedelta(hours=1)),
    "24h": ("Last 24 hours", timedelta(hours=24)),
    "7d": ("Last 7 days", timedelta(days=7)),
    "30d": ("Last 30 days", timedelta(days=30)),
    "90d": ("Last 90 days", timedelta(days=90)),
}


class CreatedRangeFilter(admin.SimpleListFilter):
    """Created within a recent window, as an indexable ``created_at >= now - window`` range."""

    title = "created"
    parameter_name = "created"
    field_name = "created_at"

    def lookups(self, request, model_admin):
        return [(key, label) for key, (label, _delta) in _RANGES.items()]

    def queryset(self, request, queryset):
        choice = _RANGES.get(self.value())
        if choice is None:
            return queryset
        return queryset.filter(**{f"{self.field_name}__gte": timezone.now() - choice[1]})


def created_range_filter(field: str, title: str | None = None) -> type[CreatedRangeFilter]:
    """A ``CreatedRangeFilter`` on another datetime field (``changed_at``, ``timestamp``...)."""
    return type(
        f"{field.title().replace('_', '')}RangeFilter",
        (CreatedRangeFilter,),
        {
            "field_name": field, "parameter_name": field.removesuffix("_at") or field,
            "title": title or field.replace("_", " "),
        },
    )


class HiddenWhenSetFilter(admin.SimpleListFilter):
    """Hide rows whose ``field_name`` timestamp is set (deleted, archived) unless the filter asks for them."""

    field_name = "deleted_at"
    title = parameter_name = "deleted"

    def lookups(self, request, model_admin):
        return [("include", f"Include {self.title}"), ("only", f"Only {self.title}")]

    def queryset(self, request, queryset):
        if self.value() == "include":
            return queryset
        return queryset.filter(**{f"{self.field_name}__isnull": self.value() != "only"})


class SoftDeletedFilter(HiddenWhenSetFilter):
    """Soft-deleted prompt versions stay out of sight unless asked for."""


class ArchivedFilter(HiddenWhenSetFilter):
    """Jobs cleared with "Clear failed" stay out of sight unless asked for."""

    field_name = "archived_at"
    title = parameter_name = "archived"


class DateRangeFilter(admin.ListFilter):
    """From/to dates typed by the user, applied as ``[from 00:00, to + 1 day)`` on ``created_at``.

    A range, never ``__date``, so the ``created_at`` indexes serve it.
    """

    title = "date range"
    template = "admin/ourvidz/date_range_filter.html"
    field_name = "created_at"
    parameters = ("created_from", "created_to")

    def __init__(self, request, params, model, model_admin):
        super().__init__(request, params, model, model_admin)
        self.values = {}
        for name in self.parameters:
            if name in params:
                raw = params.pop(name)
                self.values[name] = raw[-1] if isinstance(raw, list) else raw
        self.query_string = request.GET.copy()

    def has_output(self):
        return True

    def expected_parameters(self):
        return list(self.parameters)

    def choices(self, changelist):
        # Rendered by the template as two date inputs; keep the other filters as hidden fields.
        other = [(key, value) for key, values in self.query_string.lists() if key not in self.parameters
                 and key != "p" for value in values]
        return [{"values": self.values, "other": other}]

    def queryset(self, request, queryset):
        from datetime import date, datetime, time, timedelta

        from django.contrib.admin.options import IncorrectLookupParameters
        from django.utils import timezone

        bounds = {}
        try:
            if self.values.get("created_from"):
                start = date.fromisoformat(self.values["created_from"])
                bounds[f"{self.field_name}__gte"] = timezone.make_aware(datetime.combine(start, time.min))
            if self.values.get("created_to"):
                end = date.fromisoformat(self.values["created_to"]) + timedelta(days=1)
                bounds[f"{self.field_name}__lt"] = timezone.make_aware(datetime.combine(end, time.min))
        except ValueError as exc:
            raise IncorrectLookupParameters(f"Dates are YYYY-MM-DD: {exc}") from exc
        return queryset.filter(**bounds)
