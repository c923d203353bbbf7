"""Bulk import and export of portal tables (prompts, configs, test results) through django-import-export.

``transfer_import`` is all or nothing: the file is read and checked, every row
is validated, and the rows are written in one transaction that is rolled back
if any row is bad (or on dry run, or on Ctrl-C). Every problem comes back as
one message naming the row's line (CSV/XLSX: the header is line 1) or record
(JSON/YAML: the first object is record 1). ``transfer_export`` writes to a
temporary file beside the target and renames it, so a reader never sees half
a file.
"""

import csv
import gc
import io
import os
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import tablib
from django.conf import settings
from django.db import transaction
from django.utils.module_loading import import_string

from ourvidz_admin.resources import ColumnsError

FORMATS = {".csv": "csv", ".json": "json", ".xlsx": "xlsx", ".yaml": "yaml", ".yml": "yaml"}
BINARY_FORMATS = {"xlsx"}
# The largest file read per format: every format is parsed whole, and YAML costs ~50 bytes of memory
# per byte of file (10 MB of small records peak at ~500 MB), XLSX is compressed.
MAX_IMPORT_BYTES = {"csv": 100 * 2**20, "json": 100 * 2**20, "xlsx": 20 * 2**20, "yaml": 10 * 2**20}


class ImportFileError(ValueError):
    """A file that cannot be imported as it is; its message is one sentence meant for the user."""


def yaml_records(content: str):
    """Parse YAML safely: tags beyond plain data are refused (safe loader) and so are aliases.

    An alias (``*name``) repeats an anchored node wherever it appears, so a
    file of a few hundred bytes can expand to gigabytes ("billion laughs");
    import files have no use for them. Raises ``ValueError`` with the line.
    """
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        for event in yaml.parse(content, Loader=loader):
            if isinstance(event, yaml.AliasEvent):
                raise ImportFileError(f"YAML aliases (*{event.anchor}) are not accepted "
                                 f"(line {event.start_mark.line + 1}); write each record out in full.")
        return yaml.load(content, Loader=loader)  # a safe loader, checked for aliases above
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or "malformed YAML"
        raise ImportFileError(f"The file is not valid YAML{where}: {problem}.") from None


def csv_dataset(content: str) -> tablib.Dataset:
    """tablib's CSV loader without its per-row checks (a tenth of a 100,000-row import's time).

    The same rules: the first row is the header, empty lines are skipped,
    short rows are padded with "", a row longer than the header is an error.
    """
    rows = csv.reader(io.StringIO(content), delimiter=",")
    headers = next(rows, None)
    if not headers:
        return tablib.Dataset().load(content, format="csv")
    width, data = len(headers), []
    with _gc_paused(collect=False):  # lists of strings hold no cycles; each collection pass walked them all
        for row in rows:
            if not row:
                continue
            if len(row) > width:
                raise tablib.InvalidDimensions
            data.append(row + [""] * (width - len(row)) if len(row) < width else row)
        return tablib.Dataset(*data, headers=headers)


def dataset_from_content(content, fmt: str) -> tablib.Dataset:
    """A Dataset from file content of ``fmt``; YAML through ``yaml_records``. ``ValueError`` when unreadable."""
    if fmt == "csv":
        return csv_dataset(content)
    if fmt != "yaml":
        return tablib.Dataset().load(content, format=fmt)
    records = yaml_records(content)
    if not isinstance(records, list) or not all(isinstance(record, dict) for record in records):
        raise ImportFileError("A YAML import is a list of records (mappings of column to value).")
    dataset = tablib.Dataset()
    dataset.dict = records
    return dataset


class TransferError(Exception):
    """An import or export that wrote nothing; ``messages`` lists every reason."""

    def __init__(self, messages: list[str]):
        self.messages = list(messages)
        super().__init__("\n".join(self.messages))


def resource_classes() -> dict:
    """The importable tables by their ``--model`` name (``settings.TRANSFER_RESOURCES``, in that order).

    Each app's resources are named there by dotted path, so this kernel module
    imports none of them; bulk variants are chosen by ``transfer_import``.
    """
    return {name: import_string(path) for name, path in settings.TRANSFER_RESOURCES.items()}


def resource_class_get(model: str):
    """The resource class of ``model`` (a ``--model`` name); ``TransferError`` naming the known ones otherwise."""
    classes = resource_classes()
    if model not in classes:
        raise TransferError([f"Unknown model {model!r}; use one of {', '.join(classes)}."])
    return classes[model]


def _bulk_classes() -> dict:
    return {name: import_string(path) for name, path in settings.TRANSFER_BULK_RESOURCES.items()}


def format_for(path: str | Path) -> str:
    """The tablib format of ``path`` from its extension; ``TransferError`` naming the allowed ones otherwise."""
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS:
        raise TransferError([f"Unknown file extension {suffix or '(none)'!r} for {path}; "
                             f"use one of {', '.join(FORMATS)}."])
    return FORMATS[suffix]


def dataset_read(path: str | Path) -> tablib.Dataset:
    """Read ``path`` into a Dataset: UTF-8 text (a BOM is allowed) or an XLSX workbook."""
    fmt, path = format_for(path), Path(path)
    if not path.is_file():
        raise TransferError([f"File not found: {path}."])
    size, limit = path.stat().st_size, MAX_IMPORT_BYTES[fmt]
    if size > limit:
        raise TransferError([f"{path} is {size / 2**20:,.1f} MB; a {fmt.upper()} import is at most "
                             f"{limit // 2**20} MB. Split the file, or use CSV for large imports."])
    raw = path.read_bytes()
    if fmt in BINARY_FORMATS:
        content = raw
    else:
        try:
            content = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise TransferError([f"{path} is not UTF-8 text: byte 0x{raw[exc.start]:02x} at offset {exc.start} "
                                 "cannot be decoded. Save the file as UTF-8 and try again."]) from None
    if not (content.strip() if isinstance(content, str) else content):
        raise TransferError([f"{path} is empty."])
    try:
        return dataset_from_content(content, fmt)
    except ValueError as exc:
        raise TransferError([f"{path} is not readable {fmt.upper()}: {exc}"]) from None
    except Exception:  # noqa: BLE001 - tablib's parsers raise many types; none of their text is shown
        raise TransferError([f"{path} is not readable {fmt.upper()}: check that it is a well-formed "
                             f"{fmt.upper()} file with one header row (or one record per item)."]) from None


def _where(fmt: str, number: int) -> str:
    return f"line {number + 1}" if fmt in ("csv", "xlsx") else f"record {number}"


def result_messages(result, fmt: str) -> list[str]:
    """Every problem of an import ``Result`` as one line each, in row order."""
    messages = [str(error.error) for error in result.base_errors]
    problems = []
    for number, errors in result.row_errors():
        problems += [(number, f"{_where(fmt, number)}: {error.error}") for error in errors]
    for invalid in result.invalid_rows:
        for field, texts in invalid.error_dict.items():
            label = "" if field == "__all__" else f"{field}: "
            problems += [(invalid.number, f"{_where(fmt, invalid.number)}: {label}{text}") for text in texts]
    return messages + [text for _, text in sorted(problems, key=lambda item: item[0])]


@dataclass
class ImportReport:
    total: int
    new: int
    updated: int
    dry_run: bool


class _Rollback(Exception):
    pass


@contextmanager
def _gc_paused(*, collect: bool = True):
    """No cyclic garbage collection while the rows are imported, one collection of the young objects after.

    An import keeps every row's instance until the end; with the collector on,
    each pass walks all of them again (a fifth of a 100,000-row import's time).
    Everything made meanwhile is still in the young generations, so collecting
    those (not the whole heap: another ~0.2 s) frees what the import left.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
            if collect:
                gc.collect(1)


def transfer_import(*, path: str | Path, model: str, dry_run: bool = False, progress=None,
                    bulk: bool | None = None, dataset: tablib.Dataset | None = None) -> ImportReport:
    """Import ``path`` into ``model``'s table, all or nothing; ``TransferError`` lists every problem.

    ``bulk`` (default: for files over 1,000 rows) uses the resource's bulk
    variant where there is one: batched inserts, no per-row diff.
    ``dataset`` is ``path`` already read by ``dataset_read`` (a caller that
    needs the row count first, so the file is parsed once); ``path`` still
    gives the format and names the file in messages.
    """
    resource_class = resource_class_get(model)
    fmt = format_for(path)
    if dataset is None:
        dataset = dataset_read(path)
    if bulk is None:
        bulk = len(dataset) > 1000
    resource = (_bulk_classes().get(model, resource_class) if bulk else resource_class)(progress=progress)
    try:
        resource.check_columns(dataset.headers or [])
    except ColumnsError as exc:
        raise TransferError([str(exc)]) from None
    try:
        with transaction.atomic(), _gc_paused():
            result = resource.import_data(dataset, dry_run=False, use_transactions=True, raise_errors=False,
                                          collect_failed_rows=False, rollback_on_validation_errors=True)
            if result.has_errors() or result.has_validation_errors():
                raise TransferError(result_messages(result, fmt))
            if dry_run:
                raise _Rollback
    except _Rollback:
        pass
    totals = result.totals
    return ImportReport(total=len(dataset), new=totals["new"], updated=totals["update"], dry_run=dry_run)


def transfer_export(*, path: str | Path, model: str, queryset=None) -> int:
    """Write ``model``'s rows to ``path`` in the format of its extension, atomically; returns the row count."""
    resource_class = resource_class_get(model)
    fmt, path = format_for(path), Path(path)
    if not path.parent.is_dir():
        raise TransferError([f"Directory {path.parent} does not exist."])
    dataset = resource_class().export(queryset)
    content = dataset.export(fmt)
    write_atomic(path, content)
    return len(dataset)


def write_atomic(path: Path, content: str | bytes) -> None:
    """Write ``content`` to a temporary file in ``path``'s directory, then rename it over ``path``."""
    data = content.encode("utf-8") if isinstance(content, str) else content
    handle, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, path)
    except BaseException:
        if os.path.exists(temp):
            os.unlink(temp)
        raise
