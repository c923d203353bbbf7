"""Time the streaming CSV export of jobs against a bare ``COPY`` of the same query, in the same run.

    DATABASE_URL=postgres://... .venv/bin/python bench/export_csv.py ["status__exact=failed"] [--python]

The argument is the jobs changelist's filter query string (default: failed jobs;
"" for every job). The export goes through the admin's export view (the test
client reads the whole stream); the baseline is ``COPY (<the same SELECT of raw
columns>) TO STDOUT WITH (FORMAT csv)`` read to the end with psycopg, with no
formatting, escaping or HTTP. ``--python`` also times the Python path (the one
SQLite uses) on the same rows. Peak RSS is the whole process's.
"""

import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _portal import superuser_client  # noqa: E402


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _changelist_queryset(query: str):
    """The queryset the export view builds for ``query``."""
    from django.contrib import admin
    from django.contrib.auth import get_user_model
    from django.test import RequestFactory

    from generations.models import Job

    request = RequestFactory().get("/admin/generations/job/export/?" + query)
    request.user = get_user_model().objects.get(username="bench-admin")
    model_admin = admin.site._registry[Job]
    return model_admin.get_changelist_instance(request).get_queryset(request).select_related(None)


def bare_copy(queryset) -> tuple[int, int, float]:
    """``(rows, bytes, seconds)`` of COPY of the export's SELECT of raw columns, read and discarded."""
    from django.db import connection

    from generations.export import job_copy_select

    sql, params = job_copy_select(queryset, formatted=False)
    statement = connection.ops.compose_sql(f"COPY ({sql}) TO STDOUT WITH (FORMAT csv)", params)
    started, size = time.perf_counter(), 0
    with connection.cursor() as cursor:
        with cursor.cursor.copy(statement) as copy:
            for data in copy:
                size += len(data)
        rows = cursor.cursor.rowcount
    return rows, size, time.perf_counter() - started


def timed_export(client, query: str) -> tuple[int, float, float]:
    """``(bytes, first byte s, total s)`` of the export view's streamed response."""
    started = time.perf_counter()
    response = client.get(f"/admin/generations/job/export/?{query}")
    stream = iter(response.streaming_content)
    first = next(stream)
    first_byte = time.perf_counter() - started
    size = len(first)
    for chunk in stream:
        size += len(chunk)
    return size, first_byte, time.perf_counter() - started


def timed_python(queryset) -> tuple[int, float]:
    from generations.export import job_csv_lines

    started, size = time.perf_counter(), 0
    for line in job_csv_lines(queryset, use_copy=False):
        size += len(line.encode())
    return size, time.perf_counter() - started


def main() -> None:
    args = [arg for arg in sys.argv[1:] if not arg.startswith("--")]
    query = args[0] if args else "status__exact=failed"
    client = superuser_client()
    from django.db import connection

    queryset = _changelist_queryset(query)
    print(f"database {connection.vendor}, filter {query!r}; RSS after start-up {_rss_mb():.0f} MB")
    rows, bare_bytes, before = bare_copy(queryset)
    size, first_byte, total = timed_export(client, query)
    after = bare_copy(queryset)[2]
    bare_s = min(before, after)  # the faster of a run before and one after the export
    print(f"bare COPY of the same SELECT: {rows:,} rows, {bare_bytes / 1e6:.1f} MB in {before:.2f} s before the "
          f"export, {after:.2f} s after")
    print(f"export: {rows:,} rows, {size / 1e6:.1f} MB, first byte {first_byte * 1000:.0f} ms, total {total:.2f} s, "
          f"{rows / total:,.0f} rows/s; {total / bare_s:.2f}x the bare COPY; peak RSS {_rss_mb():.0f} MB")
    if "--python" in sys.argv:
        size, seconds = timed_python(queryset)
        print(f"python path: {size / 1e6:.1f} MB in {seconds:.2f} s, {rows / seconds:,.0f} rows/s; "
              f"peak RSS {_rss_mb():.0f} MB")


if __name__ == "__main__":
    main()
