"""Building blocks shared by every app's models: time-ordered UUID keys, rating constraints, bulk inserts."""

import json
import os
import threading
import time
import uuid

from django.core.exceptions import ValidationError
from django.db import connection, models
from django.db.models import Q

_lock = threading.Lock()
_last = [0, 0]  # last millisecond used, 12-bit sequence within it


def short_id(value) -> str:
    """The id as pages show it: its last 8 hex digits.

    A version-7 id starts with its creation time, so ids made within about a minute (65.5 s) share
    their first 8 digits; the last 8 are random (32 bits of ``rand_b``) and tell them apart.
    """
    return str(value)[-8:] if value else "—"


def uuid7() -> uuid.UUID:
    """Return an RFC 9562 version-7 UUID: 48 bits of Unix milliseconds, a sequence, then randomness.

    The documents ask for UUID keys; version 7 keeps them time-ordered so the
    primary-key index of a million-row table grows at its right edge instead of
    splitting pages at random as version 4 would. Within one millisecond the
    12-bit ``rand_a`` field is a counter (RFC 9562 method 1), so ids made by one
    process are strictly increasing.
    """
    with _lock:
        millis = time.time_ns() // 1_000_000
        if millis <= _last[0]:
            millis = _last[0]
            _last[1] += 1
            if _last[1] > 0xFFF:  # sequence exhausted: borrow the next millisecond
                millis += 1
                _last[1] = 0
        else:
            _last[1] = int.from_bytes(os.urandom(2), "big") & 0x3FF  # leave headroom to count up
        _last[0] = millis
        sequence = _last[1]
    value = (millis & ((1 << 48) - 1)) << 80
    value |= 0x7 << 76  # version
    value |= sequence << 64
    value |= 0b10 << 62  # RFC 4122 variant
    value |= int.from_bytes(os.urandom(8), "big") & ((1 << 62) - 1)
    return uuid.UUID(int=value)


# Stored JSON deeper than this is refused: nothing the portal stores nests more than a few levels.
MAX_JSON_DEPTH = 32


def stored_value_problem(value, depth: int = 0) -> str | None:
    """Why ``value`` cannot be stored (a NUL character, which PostgreSQL text and jsonb refuse, or
    nesting past ``MAX_JSON_DEPTH``), or None."""
    if depth > MAX_JSON_DEPTH:
        return f"Nested more than {MAX_JSON_DEPTH} levels deep."
    if isinstance(value, str):
        return "Null characters are not allowed." if "\x00" in value else None
    if isinstance(value, dict):
        items = [*value.keys(), *value.values()]
    elif isinstance(value, list | tuple):
        items = value
    else:
        return None
    for item in items:
        if problem := stored_value_problem(item, depth + 1):
            return problem
    return None


class UUIDModel(models.Model):
    """Abstract base: a UUID primary key, as every design document specifies.

    ``full_clean`` also refuses, per field, text and JSON that the database
    cannot store (``stored_value_problem``), so a NUL byte from a form, an API
    body or an import file is a message on its field rather than a database error.
    """

    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)

    class Meta:
        abstract = True

    def clean_fields(self, exclude=None):
        errors = {}
        try:
            super().clean_fields(exclude=exclude)
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        for field in self._meta.concrete_fields:
            if (exclude and field.name in exclude) or field.name in errors:
                continue
            if isinstance(field, models.JSONField | models.CharField | models.TextField):
                if problem := stored_value_problem(getattr(self, field.attname)):
                    errors[field.name] = [problem]
        if errors:
            raise ValidationError(errors)


def between(field: str, low, high, name: str, *, nullable: bool = True) -> models.CheckConstraint:
    """A CHECK constraint ``low <= field <= high`` (NULL allowed unless ``nullable`` is False)."""
    condition = Q(**{f"{field}__gte": low, f"{field}__lte": high})
    if nullable:
        condition |= Q(**{f"{field}__isnull": True})
    return models.CheckConstraint(
        condition=condition,
        name=name,
        violation_error_message=f"{field} must be between {low} and {high}.",
    )


def one_of(field: str, choices, name: str, *, blank: bool = False) -> models.CheckConstraint:
    """A CHECK constraint that ``field`` holds one of the values of a TextChoices class."""
    values = [value for value, _label in choices.choices] if hasattr(choices, "choices") else list(choices)
    if blank:
        values.append("")
    return models.CheckConstraint(
        condition=Q(**{f"{field}__in": values}),
        name=name,
        violation_error_message=f"{field} must be one of: {', '.join(v for v in values if v)}.",
    )


# --- bulk inserts ------------------------------------------------------------------
# For a million wide job rows, ``bulk_create`` spends most of its time quoting
# values into SQL text (psycopg's client-side binding escapes every array
# element); ``COPY ... FROM STDIN`` streams the same values with no SQL to
# build and is about three times faster end to end. The rows are identical.


def _copy_columns(model: type[models.Model]) -> list[models.Field]:
    return [field for field in model._meta.concrete_fields if not field.generated]


def _copy_row(obj: models.Model, fields: list[models.Field]) -> list:
    values = []
    for field in fields:
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            value = field.pre_save(obj, add=True)
        else:
            value = getattr(obj, field.attname)
        if value is not None and isinstance(field, models.JSONField):
            value = json.dumps(value, cls=field.encoder)
        values.append(value)
    return values


def insert_rows(model: type[models.Model], objs: list[models.Model]) -> None:
    """Insert ``objs`` (primary keys already set) inside the caller's transaction.

    On PostgreSQL the rows go through ``COPY``; elsewhere through
    ``bulk_create``. No ``save()``, signals or ``pre_save`` other than
    ``auto_now`` run, exactly as with ``bulk_create``.
    """
    if not objs:
        return
    if connection.vendor != "postgresql":
        model.objects.bulk_create(objs)
        return
    fields = _copy_columns(model)
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    with connection.cursor() as cursor:
        with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for obj in objs:
                copy.write_row(_copy_row(obj, fields))
