"""CSV export of jobs as a stream: starts at once, never holds the result in memory.

Cells that a spreadsheet would run as a formula (leading ``=``, ``+``, ``-``,
``@``, tab or carriage return) are prefixed with an apostrophe (OWASP's
CSV-injection advice), so an exported prompt like ``=HYPERLINK(...)`` stays text.

On PostgreSQL the whole file comes from one ``COPY (SELECT …) TO STDOUT`` of the
queryset's own query: the server formats every cell (the same escaping, ISO
timestamps, numbers as Python prints them) and the rows go to the client as
they are produced. Converting a million rows to Python objects and back to text
cost several times the query itself. Rows end in ``\\n`` there and in ``\\r\\n``
on the Python path (SQLite); the cells are the same.
"""

import csv
from collections.abc import Iterator

from django.db import connections, models
from django.http import StreamingHttpResponse
from django.utils import timezone

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
COLUMNS = (
    "id", "created_at", "user__username", "model_type", "job_type", "enhancement_strategy", "status",
    "failure_reason", "quality_rating", "rating_mean", "rating_count", "clip_score", "rated_by__username", "rated_at",
    "notes", "seed", "num_inference_steps",
    "guidance_scale", "width", "height", "frame_count", "enhancement_time_ms", "qwen_expansion_percentage",
    "inference_time_ms", "started_at", "completed_at", "attempts", "test_series", "original_prompt",
    "enhanced_prompt", "final_prompt", "negative_prompt", "error_message",
)
CHUNK = 2000
STREAM_CHUNK_BYTES = 64 * 1024


def csv_safe(value) -> str:
    """The cell as text, neutralised when a spreadsheet would treat it as a formula."""
    if value is None:
        return ""
    text = value.isoformat() if hasattr(value, "isoformat") else str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


class _Echo:
    def write(self, value):
        return value


def job_csv_lines(queryset, *, use_copy: bool | None = None) -> Iterator[str | bytes]:
    """Header, then one CSV line per job: through ``COPY`` on PostgreSQL (``use_copy`` forces either path)."""
    if use_copy is None:
        use_copy = connections[queryset.db].vendor == "postgresql"
    return job_csv_copy_chunks(queryset) if use_copy else _python_lines(queryset)


def _python_lines(queryset) -> Iterator[str]:
    """Header, then one CSV line per job, read from the database in chunks of 2,000 rows."""
    writer = csv.writer(_Echo())
    yield writer.writerow(COLUMNS)
    for row in queryset.order_by().values_list(*COLUMNS).iterator(chunk_size=CHUNK):
        yield writer.writerow([csv_safe(value) for value in row])


def job_csv_response(queryset, *, name: str = "jobs") -> StreamingHttpResponse:
    """A streaming CSV download of ``queryset``."""
    response = StreamingHttpResponse(job_csv_lines(queryset), content_type="text/csv; charset=utf-8")
    stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
    response["Content-Disposition"] = f'attachment; filename="{name}-{stamp}.csv"'
    return response


# --- PostgreSQL: COPY ... TO STDOUT ---------------------------------------------------------------

_ESCAPE = "CASE WHEN left({0}, 1) IN ('=', '+', '-', '@', E'\\t', E'\\r') THEN '''' || {0} ELSE {0} END"
# Python's isoformat() leaves out the fraction when it is zero; the connection's time zone is UTC.
_DATETIME = ("CASE WHEN date_trunc('second', {0}) = {0} "
             "THEN to_char({0} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"+00:00\"') "
             "ELSE to_char({0} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"+00:00\"') END")
# str(float): 'nan', 'inf' and a trailing '.0' on whole numbers, where PostgreSQL prints 'NaN', 'Infinity', '25'.
_FLOAT = ("CASE WHEN {0} = 'NaN' THEN 'nan' WHEN {0} = 'Infinity' THEN 'inf' WHEN {0} = '-Infinity' THEN '-inf' "
          "WHEN {0} = trunc({0}) AND abs({0}) < 1e16 THEN {0}::text || '.0' ELSE {0}::text END")


_NON_NEGATIVE = (models.PositiveSmallIntegerField, models.PositiveIntegerField, models.PositiveBigIntegerField)


def _final_field(model, path: str) -> models.Field:
    *relations, name = path.split("__")
    for relation in relations:
        model = model._meta.get_field(relation).related_model
    return model._meta.get_field(name)


def cell_sql(field: models.Field, column: str) -> str:
    """SQL giving the text ``csv_safe`` makes of ``field``'s value in ``column`` (NULL for an empty cell).

    Only text that can start with a formula character is escaped: ids,
    timestamps and non-negative integers cannot.
    """
    if isinstance(field, models.DateTimeField):
        return _DATETIME.format(column)
    if isinstance(field, models.UUIDField):
        return f"{column}::text"
    if isinstance(field, models.BooleanField):
        return f"CASE WHEN {column} THEN 'True' WHEN NOT {column} THEN 'False' END"
    if isinstance(field, _NON_NEGATIVE):
        return f"{column}::text"
    if isinstance(field, models.IntegerField | models.DecimalField):
        return f"CASE WHEN {column} < 0 THEN '''' || {column}::text ELSE {column}::text END"
    if isinstance(field, models.FloatField):
        return _ESCAPE.format(f"({_FLOAT.format(column)})")
    # Text; an empty string becomes NULL so that COPY writes an empty cell as the csv module does, not "".
    text = column if isinstance(field, models.CharField | models.TextField) else f"{column}::text"
    return f"NULLIF({_ESCAPE.format(text)}, '')"


def job_copy_select(queryset, *, formatted: bool = True) -> tuple[str, tuple]:
    """The SELECT behind the export: ``queryset``'s own query (its joins and filters), one cell per column.

    With ``formatted=False`` the raw columns, as the Python path reads them (the benchmark's baseline).
    """
    inner = queryset.order_by().values_list(*COLUMNS)
    connection = connections[queryset.db]
    sql, params = inner.query.get_compiler(using=queryset.db).as_sql()
    if not formatted:
        return sql, params
    quote = connection.ops.quote_name
    model = queryset.model
    cells = ", ".join(f"{cell_sql(_final_field(model, name), f't.c{i}')} AS {quote(name)}"
                      for i, name in enumerate(COLUMNS))
    aliases = ", ".join(f"c{i}" for i in range(len(COLUMNS)))
    return f"SELECT {cells} FROM ({sql}) AS t({aliases})", params


def job_csv_copy_chunks(queryset, *, formatted: bool = True) -> Iterator[bytes]:
    """The CSV file (header included) from ``COPY … TO STDOUT``, in chunks of about 64 KB.

    One statement, so one snapshot, with no transaction held open by the
    portal; a client that goes away mid-download cancels the query.
    """
    connection = connections[queryset.db]
    sql, params = job_copy_select(queryset, formatted=formatted)
    statement = connection.ops.compose_sql(f"COPY ({sql}) TO STDOUT WITH (FORMAT csv, HEADER)", params)
    buffer = bytearray()
    with connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
        for data in copy:
            buffer += data
            if len(buffer) >= STREAM_CHUNK_BYTES:
                yield bytes(buffer)
                buffer.clear()
    if buffer:
        yield bytes(buffer)
