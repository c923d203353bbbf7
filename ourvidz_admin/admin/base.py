"""The portal's ModelAdmin: list columns written the same way on every changelist.

``PortalAdmin.get_list_display`` replaces the plain model fields of ``list_display`` by columns that
write them with ``ourvidz_admin.formatting`` (counts with separators, durations from milliseconds,
percentages with one decimal, ratings with two, dollars) and clip long text to one line with the whole
text on hover. The column keeps the field's name (CSS class, sorting, header); editable and linked
columns are left to Django.
"""

from functools import cache

from django.contrib import admin
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.html import format_html

from ourvidz_admin import formatting
from ourvidz_admin.admin.mixins import clip

# Whole numbers that are identifiers or sizes, not amounts: written as they are.
PLAIN_INTEGERS = frozenset({"seed", "year", "pid", "version", "template_version", "priority", "order_index",
                            "width", "height", "frame_count", "window_hours", "baseline_hours", "min_samples",
                            "clip_skip", "inference_steps", "num_inference_steps", "job_timeout_s"})
LONG_TEXT = 80  # CharFields longer than this are clipped like TextFields


def column_format(field: models.Field) -> str | None:
    """The ``formatting`` function name for a model field's list column, or None to leave it to Django."""
    name = field.name
    if field.primary_key or field.is_relation or field.choices:
        return None
    if isinstance(field, (models.TextField, models.JSONField)) or (
        isinstance(field, models.CharField) and (field.max_length or 0) > LONG_TEXT
    ):
        return "clip"
    if not isinstance(field, (models.IntegerField, models.FloatField, models.DecimalField)):
        return None
    if name.endswith("_ms"):
        return "ms"
    if "cost" in name:
        return "usd"
    if name.endswith(("_rate", "_percentage", "_percent")) or name.startswith("pct_"):
        return "percent"
    if isinstance(field, models.IntegerField):
        return None if name in PLAIN_INTEGERS else "count"
    if "rating" in name or "quality" in name or "stars" in name:
        return "rating"
    return "number"


@cache
def _column(model: type[models.Model], name: str, kind: str):
    field = model._meta.get_field(name)

    if kind == "clip":
        def write(obj):
            value = getattr(obj, name)
            return formatting.DASH if value in (None, "", {}, []) else clip(value)
    else:
        function = formatting.FORMATS[kind]

        def write(obj):  # one line, tabular figures (portal.css ".num")
            return format_html('<span class="num">{}</span>', function(getattr(obj, name)))

    write.__name__ = name
    write.short_description = field.verbose_name
    write.admin_order_field = name
    write.empty_value_display = formatting.DASH
    return write


class FormattedColumnsMixin:
    """Writes the model-field columns of ``list_display`` with the portal's number formats.

    ``column_formats`` overrides the inferred format per field (a ``formatting.FORMATS`` name,
    ``"clip"``, or None to leave a field to Django).
    """

    column_formats: dict[str, str | None] = {}

    def get_list_display(self, request):
        untouched = {*self.list_editable, *(self.get_list_display_links(request, self.list_display) or ())}
        columns = []
        for name in super().get_list_display(request):
            kind = None
            if isinstance(name, str) and name not in untouched:
                try:
                    field = self.model._meta.get_field(name)
                except FieldDoesNotExist:
                    field = None
                if field is not None:
                    kind = self.column_formats.get(name, column_format(field))
            columns.append(_column(self.model, name, kind) if kind else name)
        return columns


class PortalAdmin(FormattedColumnsMixin, admin.ModelAdmin):
    """Every ModelAdmin of the portal."""
