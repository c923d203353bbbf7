"""The exact widgets and field builders of the import/export resources (``ourvidz_admin.resources``).

Exact means an export re-imports to the same rows: ISO timestamps with microseconds and offset, JSON cells as
JSON, ids as UUIDs, tags by name.
"""

import json
import uuid
from datetime import UTC, datetime

from django.utils import timezone
from import_export import fields, widgets

TAG_SEPARATOR = ","


class UUIDWidget(widgets.Widget):
    """A UUID cell; empty means "new row, generate the id".

    Parsed UUIDs are remembered per import (``reset``): a bulk import reads
    each key cell in several passes (keys, lineage, rows).
    """

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._parsed: dict[str, uuid.UUID] = {}

    def reset(self) -> None:
        self._parsed = {}

    def clean(self, value, row=None, **kwargs):
        if value in (None, ""):
            return None
        if type(value) is str and value in self._parsed:
            return self._parsed[value]
        try:
            parsed = uuid.UUID(str(value).strip())
        except ValueError:
            raise ValueError(f"{value!r} is not a UUID.") from None
        if type(value) is str:
            self._parsed[value] = parsed
        return parsed

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value)


class IsoDateTimeWidget(widgets.Widget):
    """ISO 8601 with microseconds and UTC offset, so a round trip keeps the exact instant."""

    def clean(self, value, row=None, **kwargs):
        if value in (None, ""):
            return None
        if isinstance(value, datetime):
            parsed = value
        else:
            try:
                parsed = datetime.fromisoformat(str(value).strip())
            except ValueError:
                raise ValueError(f"{value!r} is not an ISO 8601 date-time (2025-01-31T12:00:00+00:00).") from None
        return parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed, UTC)

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else value.isoformat()


class JSONCellWidget(widgets.Widget):
    """A JSON document in one cell (JSON/YAML files may also carry it as a native object)."""

    def clean(self, value, row=None, **kwargs):
        if value in (None, ""):
            return None
        if isinstance(value, (dict, list)):
            return value
        try:
            return json.loads(value)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"not valid JSON ({exc}).") from None

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)


class LookupWidget(widgets.Widget):
    """A foreign key written as a natural key (a name), resolved from one query per import."""

    def __init__(self, model, field: str, **kwargs):
        self.model, self.field, self._cache = model, field, None
        super().__init__(**kwargs)

    def reset(self) -> None:
        self._cache = None

    def clean(self, value, row=None, **kwargs):
        pk = self.pk_for(value)
        return None if pk is None else self.model(pk=pk, **{self.field: str(value).strip()})

    def pk_for(self, value):
        """The key of the row named by ``value`` (None for an empty cell); ``ValueError`` when there is none."""
        if value in (None, ""):
            return None
        if self._cache is None:
            self._cache = dict(self.model._default_manager.values_list(self.field, "pk"))
        key = str(value).strip()
        if key not in self._cache:
            raise ValueError(f"no {self.model._meta.verbose_name} with {self.field} {key!r}.")
        return self._cache[key]

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(getattr(value, self.field))


class TagsWidget(widgets.Widget):
    """Tag names separated by commas; unknown names become new tags."""

    def clean(self, value, row=None, **kwargs):
        names = sorted({name.strip() for name in str(value or "").split(TAG_SEPARATOR) if name.strip()})
        too_long = [name for name in names if len(name) > 50]
        if too_long:
            raise ValueError(f"tag names are at most 50 characters: {too_long[0]!r}.")
        return names

    def render(self, value, obj=None, **kwargs):
        return TAG_SEPARATOR.join(sorted(value or []))


class TagsField(fields.Field):
    """The ``tags`` column: names are kept on the instance and written in ``after_import``."""

    def __init__(self, **kwargs):
        super().__init__(attribute="tags", column_name="tags", widget=TagsWidget(), **kwargs)

    def get_value(self, instance):
        pending = getattr(instance, "_import_tag_names", None)
        if pending is not None:
            return pending
        if instance._state.adding:
            return []
        return [tag.name for tag in instance.tags.all()]

    def save(self, instance, row, is_m2m=False, **kwargs):
        instance._import_tag_names = self.clean(row, **kwargs)


def id_field() -> fields.Field:
    return fields.Field(attribute="id", column_name="id", widget=UUIDWidget(), saves_null_values=False)


def time_field(name: str, *, keep_default: bool = False) -> fields.Field:
    return fields.Field(attribute=name, column_name=name, widget=IsoDateTimeWidget(),
                        saves_null_values=not keep_default)


def json_field(name: str, *, keep_default: bool = True) -> fields.Field:
    return fields.Field(attribute=name, column_name=name, widget=JSONCellWidget(),
                        saves_null_values=not keep_default)


def lookup_field(name: str, model, key: str) -> fields.Field:
    return fields.Field(attribute=name, column_name=name, widget=LookupWidget(model, key))
