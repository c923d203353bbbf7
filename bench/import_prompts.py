"""Time a 100,000-row prompt-version import (tags and lineage included) through ``import_prompts``' service.

    .venv/bin/python bench/import_prompts.py [--rows 100000] [--format csv] [--reimport] [--edited]

Runs against a throw-away SQLite database under a temporary directory unless
DATABASE_URL is set (then that database gets the rows: use an empty one).
Prints the time to generate the file, to import it (bulk mode, no per-row diff:
on PostgreSQL COPY into a staging table and one INSERT/UPDATE, elsewhere batched
inserts of 2,000) and the rows per second; then re-imports the same file with
--reimport, which updates every row (PostgreSQL: one UPDATE … FROM the staging
table; elsewhere one executemany UPDATE per 2,000 rows). Unchanged rows and tag links are
not rewritten on PostgreSQL, so --edited then imports a file with the same ids where every row's
values and tags changed.
"""

import argparse
import os
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
TMP = Path(tempfile.mkdtemp(prefix="bench-import-"))
os.environ.setdefault("DATABASE_URL", f"sqlite:///{TMP / 'bench.sqlite3'}")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ourvidz_admin.settings.base")

import django  # noqa: E402

django.setup()

import tablib  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from ourvidz_admin.transfer import transfer_import  # noqa: E402
from prompts.models import PromptVersion, PromptVersionTag  # noqa: E402
from prompts.resources import PromptVersionResource  # noqa: E402

TAGS = [f"tag-{n}" for n in range(20)]


def build(rows: int, fmt: str, ids: list | None = None, edited: bool = False) -> tuple[Path, list]:
    """A file of ``rows`` versions: chains of 5 (each the parent of the next), 0-2 tags, 1 in 50 deleted.

    ``ids``: the rows' ids (new ones otherwise); ``edited``: every row's name, user prompt, parameters
    and tags differ from the first file's (for a re-import where every row really changes).
    """
    headers = PromptVersionResource().expected_columns()
    data = tablib.Dataset(headers=headers)
    start = datetime(2025, 1, 1, tzinfo=UTC)
    parent, shift, ids = None, 1 if edited else 0, ids or [uuid.uuid4() for _ in range(rows)]
    for n in range(rows):
        row_id = ids[n]
        parent = None if n % 5 == 0 else parent
        created = start + timedelta(seconds=n, microseconds=n % 1000)
        data.append([
            str(row_id), "", f"version {n}" + (" (edited)" if edited else ""), "", "You write image prompts.",
            f"portrait of subject {n}, {{style}}" + (", edited" if edited else ""), "SDXL",
            f'{{"steps": {25 + shift}}}', str(parent) if parent else "",
            ",".join(TAGS[(n + shift) % 20: (n + shift) % 20 + n % 3]),
            "", created.isoformat(), (created + timedelta(days=1)).isoformat() if n % 50 == 0 else "",
        ])
        parent = row_id
    path = TMP / f"versions{'-edited' if edited else ''}.{fmt}"
    content = data.export(fmt)
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return path, ids


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--format", default="csv", choices=["csv", "json", "xlsx", "yaml"])
    parser.add_argument("--reimport", action="store_true", help="Import the file a second time (all updates).")
    parser.add_argument("--edited", action="store_true",
                        help="Then import a file with the same ids where every row's values and tags changed.")
    parser.add_argument("--batched", action="store_true",
                        help="PostgreSQL: the path before the staging table (batched INSERT, executemany UPDATE).")
    parser.add_argument("--row-by-row", action="store_true",
                        help="Validate every row through a model instance (the path before FastRows).")
    args = parser.parse_args()
    if args.row_by_row:
        from prompts.resources import FastPromptVersionResource

        FastPromptVersionResource.fast_rows = False
    if args.batched:
        import ourvidz_admin.resources

        ourvidz_admin.resources.stage_supported = lambda using: False
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    path, ids = build(args.rows, args.format)
    print(f"generated {args.rows:,} rows ({path.stat().st_size / 1e6:.1f} MB {args.format}) "
          f"in {time.perf_counter() - started:.1f} s")
    staged = connection.vendor == "postgresql" and not args.batched
    print(f"database {connection.vendor}" + (" (COPY into a staging table)" if staged
                                             else " (batched INSERT / executemany UPDATE)"))
    runs = [("import (all new)", path)] + ([("re-import (all updates, unchanged)", path)] if args.reimport else [])
    if args.edited:
        edited, _ids = build(args.rows, args.format, ids, edited=True)
        runs.append(("re-import (all updates, every row edited)", edited))
    for label, path in runs:
        started, cpu = time.perf_counter(), time.process_time()
        report = transfer_import(path=path, model="prompt-versions")
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
        print(f"{label}: {report.total:,} rows ({report.new:,} new, {report.updated:,} updated) in {elapsed:.1f} s, "
              f"{report.total / elapsed:,.0f} rows/s (this process's CPU: {cpu:.1f} s)")
    print(f"database: {PromptVersion.objects.count():,} versions, {PromptVersionTag.objects.count():,} tag links, "
          f"{PromptVersion.objects.filter(parent_version__isnull=False).count():,} with a parent")


if __name__ == "__main__":
    main()
