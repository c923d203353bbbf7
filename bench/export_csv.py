"""Time the streaming CSV export of jobs: time to first byte, total time, rows, peak memory.

    DATABASE_URL=postgres://... .venv/bin/python bench/export_csv.py ["status__exact=failed"]

The argument is the jobs changelist's filter query string (default: failed jobs).
"""

import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _portal import superuser_client  # noqa: E402


def main() -> None:
    query = sys.argv[1] if len(sys.argv) > 1 else "status__exact=failed"
    client = superuser_client()
    started = time.perf_counter()
    response = client.get(f"/admin/generations/job/export/?{query}")
    stream = iter(response.streaming_content)
    first = next(stream)
    first_byte = time.perf_counter() - started
    size, lines = len(first), first.count(b"\n")
    for chunk in stream:
        size += len(chunk)
        lines += chunk.count(b"\n")
    total = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"filter {query!r}: {lines - 1:,} rows (lines incl. multi-line prompts), {size / 1e6:.1f} MB")
    print(f"first byte {first_byte * 1000:.0f} ms, total {total:.1f} s, {lines / total:,.0f} lines/s, "
          f"peak RSS {peak_mb:.0f} MB")


if __name__ == "__main__":
    main()
