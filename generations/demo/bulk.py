"""Insert many model instances fast: ``COPY`` on PostgreSQL, ``bulk_create`` elsewhere.

For a million wide job rows, ``bulk_create`` spends most of its time quoting
values into SQL text (psycopg's client-side binding escapes every array
element); ``COPY ... FROM STDIN`` streams the same values with no SQL to
build and is about three times faster end to end. The rows are identical.
"""

import json

from django.db import connection, models


def _columns(model: type[models.Model]) -> list[models.Field]:
    return [field for field in model._meta.concrete_fields if not field.generated]


def _row(obj: models.Model, fields: list[models.Field]) -> list:
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

    On PostgreSQL the rows go through ``COPY``; no ``save()``, signals or
    ``pre_save`` other than ``auto_now`` run, exactly as with ``bulk_create``.
    """
    if not objs:
        return
    if connection.vendor != "postgresql":
        model.objects.bulk_create(objs)
        return
    fields = _columns(model)
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    with connection.cursor() as cursor:
        with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for obj in objs:
                copy.write_row(_row(obj, fields))
