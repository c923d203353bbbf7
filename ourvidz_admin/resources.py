"""Building blocks of the django-import-export resources: exact widgets and a strict base resource.

Exact means an export re-imports to the same rows: ISO timestamps with
microseconds and offset, JSON cells as JSON, ids as UUIDs, tags by name.
Strict means a file is checked as a whole before a row is written: unknown or
missing columns, cells over ``MAX_CELL_CHARS``, keys repeated within the file.
Problems found per row are raised as that row's validation error, so the
admin preview and the ``import_prompts`` command list every bad row.
"""

from collections import defaultdict

import tablib
from django.core.exceptions import ValidationError
from django.db import connections, router
from django.db import models as dj_models
from django.db.models.fields import NOT_PROVIDED
from django.utils.encoding import force_str
from import_export import fields, resources, widgets
from import_export.instance_loaders import CachedInstanceLoader
from import_export.results import RowResult
from import_export.utils import atomic_if_using_transaction

from ourvidz_admin.import_widgets import JSONCellWidget
from ourvidz_admin.staging import FastRows, ImportStage, stage_supported

MAX_CELL_CHARS = 100_000


class ColumnsError(ValueError):
    """The file's header does not match the resource; the message names the expected columns."""


class TolerantCachedInstanceLoader(CachedInstanceLoader):
    """``CachedInstanceLoader`` that leaves rows with an unreadable key to the row checks.

    The stock loader cleans every row's key before the import starts, so one
    bad id stopped the whole file with an exception instead of a row error.
    """

    def __init__(self, resource, dataset=None):
        super(CachedInstanceLoader, self).__init__(resource, dataset)
        pk_field_name = self.resource.get_import_id_fields()[0]
        self.pk_field = self.resource.fields[pk_field_name]
        self.all_instances = {}
        headers = self.dataset.headers or []
        if len(self.dataset) and self.pk_field.column_name in headers:
            # The key column alone: ``dataset.dict`` builds a dict of every row (seconds at 100,000 rows).
            index, ids = headers.index(self.pk_field.column_name), []
            for row in self.dataset:
                try:
                    ids.append(self.pk_field.widget.clean(row[index]))
                except ValueError:
                    continue  # reported as that row's error when the row is imported
            found = self.get_queryset().filter(**{f"{self.pk_field.attribute}__in": [i for i in ids if i]})
            self.all_instances = {self.pk_field.get_value(instance): instance for instance in found}


class StrictModelResource(resources.ModelResource):
    """A ModelResource that checks the file as a whole and reports every bad row.

    ``required_columns``: columns a file must have. ``unique_columns``: keys
    that may appear once per file. ``progress``: called once per row imported.
    """

    required_columns: tuple[str, ...] = ("id",)
    unique_columns: tuple[str, ...] = ("id",)
    export_select: tuple[str, ...] = ()
    export_prefetch: tuple[str, ...] = ()
    # Bulk imports on PostgreSQL check rows with ``FastRows`` (no model instance per row). Only for a
    # resource whose ``validate_instance`` is ``clean_fields`` less ``unchecked_fields`` plus ``fast_row_ok``.
    fast_rows = False
    unchecked_fields: tuple[str, ...] = ()

    def __init__(self, progress=None, **kwargs):
        super().__init__(**kwargs)
        self.progress = progress
        self._row_problems: dict[int, dict[str, list[str]]] = {}
        self._tag_rows: list = []
        self._fast_tags: list = []
        self._stage: ImportStage | None = None

    @classmethod
    def widget_from_django_field(cls, f, default=widgets.Widget):
        if isinstance(f, (dj_models.CharField, dj_models.TextField)):
            return widgets.CharWidget
        return super().widget_from_django_field(f, default)

    @classmethod
    def widget_kwargs_for_field(cls, field_name, django_field):
        kwargs = super().widget_kwargs_for_field(field_name, django_field)
        if isinstance(django_field, (dj_models.CharField, dj_models.TextField)):
            # An empty cell is "" (XLSX and YAML give None) for text columns, which are never NULL here.
            kwargs.update({"coerce_to_string": True, "allow_blank": True})
        return kwargs

    def export(self, queryset=None, **kwargs):
        if queryset is None:
            queryset = self.get_queryset()
        if self.export_select:
            queryset = queryset.select_related(*self.export_select)
        if self.export_prefetch:
            queryset = queryset.prefetch_related(*self.export_prefetch)
        return super().export(queryset=queryset, **kwargs)

    def get_import_fields(self):
        # Once per import, not once per row as django-import-export does.
        if getattr(self, "_import_fields", None) is None:
            self._import_fields = super().get_import_fields()
        return self._import_fields

    def expected_columns(self) -> list[str]:
        return [field.column_name for field in self.get_import_fields()]

    def before_import(self, dataset, **kwargs):
        for field in self.fields.values():
            if hasattr(field.widget, "reset"):
                field.widget.reset()
        self._row_problems, self._tag_rows, self._fast_tags = defaultdict(lambda: defaultdict(list)), [], []
        using = self.get_db_connection_name()
        self._stage = (ImportStage(self._meta.model, self.get_bulk_update_fields(), using)
                       if self._meta.use_bulk and stage_supported(using) else None)
        self.check_columns(dataset.headers or [])
        self.check_cells(dataset)

    def check_columns(self, headers) -> None:
        expected = self.expected_columns()
        unknown = [name for name in headers if name not in expected]
        missing = [name for name in self.required_columns if name not in headers]
        if unknown or missing:
            parts = ([f"unknown column(s): {', '.join(map(str, unknown))}"] if unknown else []) + (
                [f"missing column(s): {', '.join(missing)}"] if missing else [])
            raise ColumnsError(f"Wrong columns ({'; '.join(parts)}). Expected columns: {', '.join(expected)}.")

    def structured_columns(self) -> set[str]:
        """Columns whose cells may be a JSON/YAML list or object (JSON documents); every other cell is a scalar."""
        return {field.column_name for field in self.fields.values() if isinstance(field.widget, JSONCellWidget)}

    def check_cells(self, dataset) -> None:
        headers = dataset.headers
        unique_at = [(headers.index(name), name, {}) for name in self.unique_columns if name in headers]
        structured = self.structured_columns()
        for number, row in enumerate(dataset, start=1):
            # Short strings only (the common case, checked in C): no cell problem to look for.
            if not (set(map(type, row)) <= {str} and max(map(len, row), default=0) <= MAX_CELL_CHARS):
                self._check_row_cells(number, headers, row, structured)
            for index, name, seen in unique_at:
                key = row[index]
                if key in (None, ""):
                    continue
                key = str(key).strip()
                if key in seen:
                    self._row_problems[number][name].append(f"duplicate key {key!r} (first in row {seen[key]}).")
                else:
                    seen[key] = number

    def _check_row_cells(self, number: int, headers, row, structured: set) -> None:
        for column, value in zip(headers, row):
            if isinstance(value, str) and len(value) > MAX_CELL_CHARS:
                self._row_problems[number][column].append(
                    f"cell has {len(value):,} characters; the limit is {MAX_CELL_CHARS:,}.")
            elif isinstance(value, dict | list) and column not in structured:
                kind = "an object" if isinstance(value, dict) else "a list"
                self._row_problems[number][column].append(f"expected a single value, got {kind}.")

    def import_instance(self, instance, row, **kwargs):
        errors = self._import_cells(instance, row, **kwargs)
        if errors:
            columns = {field.attribute: field.column_name for field in self.fields.values()}
            errors = {columns.get(key, key): [value] for key, value in errors.items()}
        for column, messages in self._row_problems.get(kwargs.get("row_number"), {}).items():
            errors.setdefault(column, []).extend(ValidationError(message) for message in messages)
        if errors:
            raise ValidationError(errors)

    def _import_cells(self, instance, row, **kwargs) -> dict:
        """django-import-export's ``import_instance`` with its per-field call layers folded in.

        Each cell still goes through its field's widget (the same values, the same
        messages); a plain field's ``save``/``clean`` pair is inlined because at
        100,000 rows those calls cost more than the widgets. Returns the errors by attribute.
        """
        errors = {}
        for field in self.get_import_fields():
            if isinstance(field.widget, widgets.ManyToManyWidget) or not field.attribute \
                    or field.column_name not in row:
                continue
            try:
                if type(field) is not fields.Field or field.readonly or "__" in field.attribute:
                    field.save(instance, row, **kwargs)
                    continue
                value = field.widget.clean(row[field.column_name], row=row, **kwargs)
                if value in field.empty_values and field.default != NOT_PROVIDED:
                    value = field.default() if callable(field.default) else field.default
                if value is not None or field.saves_null_values:
                    setattr(instance, field.attribute, value)
            except ValueError as exc:
                errors[field.attribute] = ValidationError(force_str(exc), code="invalid")
        return errors

    def fast_row_ok(self, values: dict) -> bool:
        """Row checks beyond each field's own, on the values by attname; False sends the row row by row."""
        return True

    def _fast_plan(self, dataset, raise_errors, collect_failed_rows) -> FastRows | None:
        if not (self.fast_rows and self._meta.use_bulk and not raise_errors and not collect_failed_rows
                and stage_supported(self.get_db_connection_name())):
            return None
        row_ok = self.fast_row_ok if type(self).fast_row_ok is not StrictModelResource.fast_row_ok else None
        return FastRows.compile(self, list(dataset.headers or []), unchecked=self.unchecked_fields, row_ok=row_ok)

    def import_data_inner(self, dataset, dry_run, raise_errors, using_transactions, collect_failed_rows, **kwargs):
        """django-import-export's row loop, except that rows ``FastRows`` vouches for get no model instance.

        Rows it doubts go through ``import_row`` as before (the same messages and
        row results); the others are counted as new or updated and copied into
        the staging table in one go, unless some row was bad. ~145 µs of Python
        per row went to building, filling and cleaning an instance.
        """
        plan = self._fast_plan(dataset, raise_errors, collect_failed_rows)
        if plan is None:
            return super().import_data_inner(dataset, dry_run, raise_errors, using_transactions,
                                             collect_failed_rows, **kwargs)
        result, using = self.get_result_class()(), self.get_db_connection_name()
        result.diff_headers = self.get_diff_headers()
        try:
            with atomic_if_using_transaction(using_transactions, using=using):
                self.before_import(dataset, **kwargs)
            self._check_import_id_fields(dataset.headers)
        except Exception as exc:  # noqa: BLE001 - reported per import, as django-import-export does
            self.handle_import_error(result, exc, raise_errors)
        result.total_rows, rows = len(dataset), list(dataset)
        scanned = plan.scan(rows, set(self._row_problems))
        existing = self._existing_keys([item[0][plan.pk_at] for item in scanned if item is not None and item[1]])
        for index, item in enumerate(scanned):
            if item is not None and item[2] and item[0][plan.pk_at] in existing:
                scanned[index] = None  # an empty cell keeps the stored value: the instance knows it
        kwargs.update(dry_run=dry_run, using_transactions=using_transactions)
        staged = self._import_scanned(scanned, rows, dataset.headers, existing, plan.pk_at, result, kwargs)
        write = using_transactions or not dry_run
        with atomic_if_using_transaction(using_transactions, using=using):
            self.bulk_create(using_transactions, dry_run, raise_errors, result=result)
            self.bulk_update(using_transactions, dry_run, raise_errors, result=result)
            for new in (True, False):
                self._stage_batch(staged[new], new=new, write=write, raise_errors=raise_errors, result=result,
                                  values=True)
        try:
            with atomic_if_using_transaction(using_transactions, using=using):
                self.after_import(dataset, result, **kwargs)
        except Exception as exc:  # noqa: BLE001 - reported per import, as django-import-export does
            self.handle_import_error(result, exc, raise_errors)
        return result

    def _import_scanned(self, scanned, rows, headers, existing, pk_at, result, kwargs) -> dict[bool, list]:
        """Count the vouched rows and run the doubted ones through ``import_row``; the value rows by new/update."""
        doubted = [rows[index] for index, item in enumerate(scanned) if item is None]
        loader = self._meta.instance_loader_class(self, tablib.Dataset(*doubted, headers=headers))
        new_row, updated_row = RowResult(), RowResult()
        new_row.import_type, updated_row.import_type = RowResult.IMPORT_TYPE_NEW, RowResult.IMPORT_TYPE_UPDATE
        staged, progress, totals = {True: [], False: []}, self.progress, result.totals
        for number, item in enumerate(scanned, 1):
            if item is None:
                row = dict(zip(headers, rows[number - 1]))
                row_result = self.import_row(row, loader, **kwargs, row_number=number)
                result.increment_row_result_total(row_result)
                if row_result.errors:
                    result.append_error_row(number, row, row_result.errors)
                elif row_result.validation_error:
                    result.append_invalid_row(number, row, row_result.validation_error)
                if row_result.import_type != RowResult.IMPORT_TYPE_SKIP or self._meta.report_skipped:
                    result.append_row_result(row_result)
                continue
            values, explicit, _kept, tags = item
            new = not (explicit and values[pk_at] in existing)
            staged[new].append(values)
            if tags is not None:
                self._fast_tags.append((values[pk_at], tags))
            row_result = new_row if new else updated_row
            totals[row_result.import_type] += 1
            result.rows.append(row_result)
            if progress is not None:
                progress()
        return staged

    def _existing_keys(self, keys: list) -> set:
        """The keys of ``keys`` already stored: one ``= ANY(array)`` query (``__in`` built 100,000 placeholders)."""
        if not keys:
            return set()
        opts = self._meta.model._meta
        column = f"{self.connection_quote(opts.db_table)}.{self.connection_quote(opts.pk.column)}"
        queryset = self.get_queryset().order_by().extra(where=[f"{column} = ANY(%s)"], params=[keys])
        return set(queryset.values_list("pk", flat=True))

    def connection_quote(self, name: str) -> str:
        return connections[self.get_db_connection_name()].ops.quote_name(name)

    def import_row(self, row, instance_loader, **kwargs):
        row_result = super().import_row(row, instance_loader, **kwargs)
        if self.progress is not None:
            self.progress()
        return row_result

    def after_save_instance(self, instance, row, **kwargs):
        if "tags" in self.fields and hasattr(instance, "_import_tag_names"):
            self._tag_rows.append(instance)

    def after_import(self, dataset, result, **kwargs):
        super().after_import(dataset, result, **kwargs)
        valid = not result.has_errors() and not result.has_validation_errors()
        if self._stage is not None:
            try:
                if valid:
                    self._stage.apply()
                    if self._tag_rows or self._fast_tags:
                        self._stage.replace_tags(
                            [(row.pk, row._import_tag_names) for row in self._tag_rows] + self._fast_tags)
            finally:
                self._stage.drop()
                self._tag_rows, self._fast_tags = [], []
        elif self._tag_rows and valid:
            write_tags(self._meta.model, self._tag_rows)

    def bulk_create(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        """On PostgreSQL, stage the new rows (``ImportStage``); ``after_import`` writes them all at once."""
        if self._stage is None:
            return super().bulk_create(using_transactions, dry_run, raise_errors, batch_size, result)
        self._stage_batch(self.create_instances, new=True, write=using_transactions or not dry_run,
                          raise_errors=raise_errors, result=result)
        return None

    def _stage_batch(self, instances: list, *, new: bool, write: bool, raise_errors: bool, result,
                     values: bool = False) -> None:
        try:
            # Once a row is bad nothing will be written: stop copying (``invalid_rows``, not the
            # row-by-row ``has_errors()``, which would rescan every row at every batch).
            if write and not (result is not None and (result.invalid_rows or result.base_errors)):
                (self._stage.add_rows if values else self._stage.add)(instances, new=new)
        except Exception as exc:  # noqa: BLE001 - reported per import, as django-import-export does
            self.handle_import_error(result, exc, raise_errors)
        finally:
            instances.clear()

    def get_bulk_update_fields(self):
        attributes = {field.attribute for field in self.fields.values()}
        return [f.name for f in self._meta.model._meta.concrete_fields
                if not f.primary_key and (f.name in attributes or f.attname in attributes)]

    def bulk_update(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        """Write the updated rows with ``update_rows`` instead of Django's ``bulk_update`` (staged on PostgreSQL).

        ``bulk_update`` builds one ``CASE WHEN pk = … THEN …`` per field per row; a 100,000-row
        re-import spent its time building those expressions (~300 rows/s).
        """
        if self._stage is not None:
            self._stage_batch(self.update_instances, new=False, write=using_transactions or not dry_run,
                              raise_errors=raise_errors, result=result)
            return
        if not self.update_instances or not (using_transactions or not dry_run):
            return
        try:
            update_rows(self._meta.model, self.update_instances, self.get_bulk_update_fields())
        except Exception as exc:  # noqa: BLE001 - reported per import, as django-import-export does
            self.handle_import_error(result, exc, raise_errors)
        finally:
            self.update_instances.clear()


def update_rows(model, instances, names: list[str], batch_size: int = 2000) -> None:
    """``UPDATE <table> SET <names> WHERE pk = …`` for every instance, one parameterised statement run
    with ``executemany`` per batch. Like ``bulk_update``: no signals, no ``auto_now``."""
    connection = connections[router.db_for_write(model)]
    quote = connection.ops.quote_name
    columns = [model._meta.get_field(name) for name in names]
    pk = model._meta.pk
    sql = (f"UPDATE {quote(model._meta.db_table)} SET {', '.join(f'{quote(f.column)} = %s' for f in columns)} "
           f"WHERE {quote(pk.column)} = %s")
    with connection.cursor() as cursor:
        for start in range(0, len(instances), batch_size):
            cursor.executemany(sql, [
                [f.get_db_prep_save(getattr(instance, f.attname), connection) for f in columns]
                + [pk.get_db_prep_value(instance.pk, connection)]
                for instance in instances[start:start + batch_size]
            ])


def write_tags(model, instances) -> None:
    """Replace the tags of ``instances`` with their imported names in a handful of queries."""
    tag_model = model._meta.get_field("tags").related_model

    through = model.tags.through
    source = model._meta.get_field("tags").m2m_field_name()
    target = model._meta.get_field("tags").m2m_reverse_field_name()
    wanted = {name for instance in instances for name in instance._import_tag_names}
    existing = dict(tag_model.objects.filter(name__in=wanted).values_list("name", "pk"))
    new_tags = [tag_model(name=name) for name in sorted(wanted - existing.keys())]
    tag_model.objects.bulk_create(new_tags)
    existing.update({tag.name: tag.pk for tag in new_tags})
    pks = [instance.pk for instance in instances]
    for start in range(0, len(pks), 5000):
        through.objects.filter(**{f"{source}__in": pks[start:start + 5000]}).delete()
    links = [through(**{f"{source}_id": instance.pk, f"{target}_id": existing[name]})
             for instance in instances for name in instance._import_tag_names]
    through.objects.bulk_create(links, batch_size=5000)
