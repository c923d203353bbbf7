"""CSV downloads of the analytics pages' tables: a list of dicts and a column spec in, an attachment out.

Values are raw, for a spreadsheet or a script rather than for reading: numbers unformatted (a
percentage is its number, a time its milliseconds), dates and datetimes ISO 8601, unknown empty.
Text goes through ``generations.export.csv_safe``, so a prompt or a name that starts like a formula
stays text. Numbers do not: they cannot carry a formula, and the apostrophe would turn ``-0.25``
into text.
"""

import csv
import io
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.http import Http404, HttpResponse

from generations.export import csv_safe


@dataclass(frozen=True)
class Column:
    """One CSV column: its header and where the value is, a key of the row (``"a.b"`` reaches into a dict)
    or a function of the row."""

    header: str
    value: str | Callable[[Mapping], object]

    def of(self, row: Mapping):
        if callable(self.value):
            return self.value(row)
        for key in self.value.split("."):
            row = (row or {}).get(key)
        return row


@dataclass(frozen=True)
class Table:
    """A table a page offers as CSV: ``rows(**scope)`` gives its rows for the page's filter (``days=`` or
    ``period=``/``now=``), ``columns`` what each row becomes."""

    rows: Callable[..., list[dict]]
    columns: tuple[Column, ...]


def table_or_404(tables: Mapping[str, Table], name: str) -> Table:
    """``tables[name]``; an unknown name is a 404, as for any other missing page."""
    try:
        return tables[name]
    except KeyError:
        raise Http404(f"No table {name!r} to export.") from None


def csv_cell(value) -> str:
    """A value as its CSV cell: numbers as they are, dicts and lists as JSON, the rest through ``csv_safe``."""
    if isinstance(value, bool) or value is None:
        return csv_safe(value)
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, dict | list):
        value = json.dumps(value, ensure_ascii=False)
    return csv_safe(value)


def csv_filename(*parts) -> str:
    """``"page-table-2026-03-09-2026-03-10.csv"`` from its parts (dates as ISO)."""
    return "-".join(p.isoformat() if hasattr(p, "isoformat") else str(p) for p in parts) + ".csv"


def csv_response(rows: Iterable[Mapping], columns: Iterable[Column], *, filename: str) -> HttpResponse:
    """An attachment: the header row, then one line per row, every cell through ``csv_cell``."""
    columns = tuple(columns)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([csv_safe(column.header) for column in columns])
    writer.writerows([csv_cell(column.of(row)) for column in columns] for row in rows)
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
