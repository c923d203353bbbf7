"""Set-based writes of a bulk import on PostgreSQL: ``COPY`` into a staging table, then one statement per kind.

The rows are validated in Python first, exactly as on every database (the same
per-row messages). The valid rows are then streamed with ``COPY … FROM STDIN``
into a temporary table (``ON COMMIT DROP``), and written with one
``INSERT … SELECT`` for the new rows and one ``UPDATE … FROM`` for the others;
tag links are replaced the same way. Everything runs inside the import's
transaction, so an error anywhere leaves nothing written. Batched
``INSERT``/``executemany UPDATE`` statements spent most of their time building
and quoting SQL text (about 5,000 rows/s); ``COPY`` sends the values as they are.

``FastRows`` checks the rows of such an import without a model instance per
row; a row it doubts goes through the row-by-row path, so every message still
comes from the same code.
"""

import datetime
import json
import uuid

from django.core.validators import MaxLengthValidator
from django.db import connections, models
from django.db.models.fields import NOT_PROVIDED
from import_export import fields as ie_fields
from import_export import widgets as ie_widgets

from ourvidz_admin.db import stored_value_problem, uuid7


def stage_supported(using: str) -> bool:
    """Whether imports on the database ``using`` go through a staging table (PostgreSQL)."""
    return connections[using].vendor == "postgresql"


def _copy_value(obj: models.Model, field: models.Field):
    value = getattr(obj, field.attname)
    if value is not None and isinstance(field, models.JSONField):
        return json.dumps(value, cls=field.encoder)
    return value


class ImportStage:
    """The valid rows of one import, staged in a temporary table until ``apply`` writes them.

    ``update_fields``: the columns an existing row gets from the file (the
    same list ``bulk_update`` would be given). Rows are added in batches, each
    batch one ``COPY``; the table is created on the first batch.
    """

    def __init__(self, model: type[models.Model], update_fields: list[str], using: str):
        self.model, self.connection = model, connections[using]
        self.columns = [field for field in model._meta.concrete_fields if not field.generated]
        self.update_columns = [model._meta.get_field(name) for name in update_fields]
        self.table, self.updates = None, False
        self.quote = self.connection.ops.quote_name

    def _create(self) -> None:
        self.table = f"import_stage_{uuid.uuid4().hex[:12]}"
        with self.connection.cursor() as cursor:
            cursor.execute(f"CREATE TEMP TABLE {self.table} ON COMMIT DROP AS "
                           f"SELECT *, true AS _new FROM {self.quote(self.model._meta.db_table)} WITH NO DATA")

    def add(self, instances, *, new: bool) -> None:
        """Stage ``instances`` (new rows or updates of existing ones) with one ``COPY``."""
        if not instances:
            return
        if self.table is None:
            self._create()
        self.updates = self.updates or not new
        names = ", ".join(self.quote(field.column) for field in self.columns)
        with self.connection.cursor() as cursor, \
                cursor.cursor.copy(f"COPY {self.table} ({names}, _new) FROM STDIN") as copy:
            for obj in instances:
                copy.write_row([*(_copy_value(obj, field) for field in self.columns), new])

    def add_rows(self, rows, *, new: bool) -> None:
        """Stage value rows (one value per column of ``self.columns``, JSON as Python objects) with one ``COPY``."""
        if not rows:
            return
        if self.table is None:
            self._create()
        self.updates = self.updates or not new
        names = ", ".join(self.quote(field.column) for field in self.columns)
        json_at = [(i, f.encoder) for i, f in enumerate(self.columns) if isinstance(f, models.JSONField)]
        with self.connection.cursor() as cursor, \
                cursor.cursor.copy(f"COPY {self.table} ({names}, _new) FROM STDIN") as copy:
            for values in rows:
                values = [*values, new]
                for index, encoder in json_at:
                    if values[index] is not None:
                        values[index] = json.dumps(values[index], cls=encoder)
                copy.write_row(values)

    def apply(self) -> None:
        """Write the staged rows: one ``INSERT … SELECT`` and one ``UPDATE … FROM``."""
        if self.table is None:
            return
        table, pk = self.quote(self.model._meta.db_table), self.quote(self.model._meta.pk.column)
        names = ", ".join(self.quote(field.column) for field in self.columns)
        sets = ", ".join(f"{self.quote(f.column)} = s.{self.quote(f.column)}" for f in self.update_columns)
        changed = ""
        if all(f.db_type(self.connection) not in ("json", "xml") for f in self.update_columns):
            # Rows the file leaves as they are are not rewritten (a re-imported export is mostly those).
            columns = [self.quote(f.column) for f in self.update_columns]
            changed = " AND (" + " OR ".join(f"t.{c} IS DISTINCT FROM s.{c}" for c in columns) + ")"
        with self.connection.cursor() as cursor:
            if self.updates:  # statistics for the UPDATE's join; the INSERT reads the table once anyway
                cursor.execute(f"ANALYZE {self.table}")
            cursor.execute(f"INSERT INTO {table} ({names}) SELECT {names} FROM {self.table} WHERE _new")
            if sets:
                cursor.execute(f"UPDATE {table} AS t SET {sets} FROM {self.table} AS s "
                               f"WHERE t.{pk} = s.{pk} AND NOT s._new{changed}")

    def replace_tags(self, links) -> None:
        """Replace the tag links of the staged rows with ``links``: (row key, tag names) pairs.

        Unknown names become tags first (a handful of rows). The stored links of
        the updated rows are read in one query: those no longer wanted are deleted
        by key, the missing ones copied in, and the links that stay are left alone
        (re-creating them all cost a delete, an insert and two foreign-key checks each).
        """
        field = self.model._meta.get_field("tags")
        tag_model, through = field.related_model, field.remote_field.through
        wanted = {name for _pk, names in links for name in names}
        existing = dict(tag_model.objects.filter(name__in=wanted).values_list("name", "pk"))
        new_tags = [tag_model(name=name) for name in sorted(wanted - existing.keys())]
        tag_model.objects.bulk_create(new_tags)
        existing.update({tag.name: tag.pk for tag in new_tags})
        opts = through._meta
        source = self.quote(opts.get_field(field.m2m_field_name()).column)
        target = self.quote(opts.get_field(field.m2m_reverse_field_name()).column)
        link_table, link_pk = self.quote(opts.db_table), self.quote(opts.pk.column)
        pk = self.quote(self.model._meta.pk.column)
        with self.connection.cursor() as cursor:
            cursor.execute(f"SELECT l.{link_pk}, l.{source}, l.{target} FROM {link_table} AS l "
                           f"JOIN {self.table} AS s ON l.{source} = s.{pk} WHERE NOT s._new")
            stored = {(row_pk, tag_pk): link_pk_value for link_pk_value, row_pk, tag_pk in cursor.fetchall()}
            wanted_links = {(row_pk, existing[name]) for row_pk, names in links for name in names}
            stale = [value for key, value in stored.items() if key not in wanted_links]
            if stale:
                cursor.execute(f"DELETE FROM {link_table} WHERE {link_pk} = ANY(%s)", [stale])
            with cursor.cursor.copy(f"COPY {link_table} ({link_pk}, {source}, {target}) FROM STDIN") as copy:
                for row_pk, names in links:
                    for name in names:
                        if (row_pk, existing[name]) not in stored:
                            copy.write_row((uuid7(), row_pk, existing[name]))

    def drop(self) -> None:
        """Drop the staging table now (it would go at commit anyway; an outer transaction may go on)."""
        if self.table is not None:
            with self.connection.cursor() as cursor:
                cursor.execute(f"DROP TABLE IF EXISTS {self.table}")
            self.table = None


class _Doubt(Exception):
    pass


def _text_check(field: models.Field):
    blank, choices = field.blank, {key for key, _label in field.flatchoices} if field.choices else None
    limits = [v.limit_value for v in field.validators if isinstance(v, MaxLengthValidator)]
    if len(limits) != len(field.validators):
        return None
    limit = min(limits) if limits else None

    def check(value) -> bool:
        if type(value) is not str:
            return False
        if not value:
            return blank
        return "\x00" not in value and (limit is None or len(value) <= limit) and (choices is None or value in choices)
    return check


def _json_check(field: models.Field):
    if field.choices or field.validators:
        return None
    blank, empty = field.blank, list(field.empty_values)

    def check(value) -> bool:
        if value in empty:
            return blank
        return stored_value_problem(value) is None
    return check


def _typed_check(field: models.Field, kind: type):
    if field.choices or field.validators:
        return None
    blank, empty = field.blank, list(field.empty_values)

    def check(value) -> bool:
        if isinstance(value, kind):  # never one of the empty values; tested first as comparing to them is dearer
            return True
        return blank and value in empty
    return check


def column_check(field: models.Field):
    """``Model.clean_fields`` (with ``UUIDModel``'s stored-value checks) for one field, as a predicate.

    True means the value passes; False that the row must go row by row (which
    then says why). None: a field these checks do not cover.
    """
    if isinstance(field, models.CharField | models.TextField):
        return _text_check(field)
    if isinstance(field, models.JSONField):
        return _json_check(field)
    if isinstance(field, models.DateTimeField):
        return _typed_check(field, datetime.datetime)
    if isinstance(field, models.UUIDField):
        return _typed_check(field, uuid.UUID)
    return None


class FastRows:
    """The cell checks and conversions of one bulk import, compiled once from the resource and model fields.

    Each cell goes through its field's widget (the same value as row by row),
    an empty cell of a field that keeps its default gets the model default, and
    the model field's checks run as a few comparisons (``column_check``). A row
    any check doubts (a widget error, a failed check, a cell that is not a
    string, a row with file-level problems) is returned as None: the caller
    imports it row by row, so its messages are produced by the same code as
    before. ``compile`` returns None where these checks do not cover the resource
    or the file (a column missing, a field or widget kind not listed here).
    """

    def __init__(self, model, cells, tags_at, row_ok):
        self.columns = [field for field in model._meta.concrete_fields if not field.generated]
        self.attnames = [field.attname for field in self.columns]
        self.pk_at = self.columns.index(model._meta.pk)
        self.cells, self.tags_at, self.row_ok = cells, tags_at, row_ok

    @classmethod
    def compile(cls, resource, headers, *, unchecked=(), row_ok=None) -> "FastRows | None":
        model = resource._meta.model
        import_fields = resource.get_import_fields()
        keys = [resource.fields[name].attribute for name in resource.get_import_id_fields()]
        columns = [field.column_name for field in import_fields]
        if len(set(headers)) != len(headers) or set(headers) != set(columns) or keys != [model._meta.pk.name]:
            return None
        concrete = [field for field in model._meta.concrete_fields if not field.generated]
        by_name = {f.name: f for f in concrete} | {f.attname: f for f in concrete}
        cells, covered, tags_at = [], set(), None
        for field in import_fields:
            index = headers.index(field.column_name)
            if field.readonly or not field.attribute or "__" in field.attribute or field.default != NOT_PROVIDED:
                return None
            m2m = next((f for f in model._meta.many_to_many if f.name == field.attribute), None)
            if m2m is not None and field.attribute == "tags" and type(field) is not ie_fields.Field:
                tags_at = (index, field.widget.clean)
                continue
            target = by_name.get(field.attribute)
            if type(field) is not ie_fields.Field or target is None or target.attname in covered:
                return None
            convert = field.widget.clean
            if type(field.widget) is ie_widgets.CharWidget and field.widget.allow_blank:
                convert = None  # a string cell is its own value
            elif target.is_relation and field.attribute == target.name:
                convert = getattr(field.widget, "pk_for", None)
                if convert is None:
                    return None
            check = None if target.name in unchecked else column_check(target)
            if check is None and target.name not in unchecked:
                return None
            covered.add(target.attname)
            cells.append((index, convert, concrete.index(target), not field.saves_null_values, target.get_default,
                          check))
        if covered != {f.attname for f in concrete}:
            return None
        return cls(model, cells, tags_at, row_ok)

    def scan(self, rows, doubted) -> list:
        """Per row: None (import it row by row) or ``(values, explicit_key, kept_default, tag_names)``."""
        out, width, pk_at, attnames = [], len(self.columns), self.pk_at, self.attnames
        tags_at, row_ok = self.tags_at, self.row_ok
        for number, row in enumerate(rows, 1):
            if number in doubted:
                out.append(None)
                continue
            values, explicit, kept, tags = [None] * width, True, False, None
            try:
                for index, convert, position, keep, default, check in self.cells:
                    cell = row[index]
                    if type(cell) is not str:
                        raise _Doubt
                    value = cell if convert is None else convert(cell)
                    if value is None and keep:
                        value = default()
                        if position == pk_at:
                            explicit = False
                        else:
                            kept = True
                    if check is not None and not check(value):
                        raise _Doubt
                    values[position] = value
                if tags_at is not None:
                    cell = row[tags_at[0]]
                    if type(cell) is not str:
                        raise _Doubt
                    tags = tags_at[1](cell)
                if row_ok is not None and not row_ok(dict(zip(attnames, values))):
                    raise _Doubt
            except Exception:  # noqa: BLE001 - any doubt: the row-by-row path reports it exactly
                out.append(None)
                continue
            out.append((values, explicit, kept, tags))
        return out
