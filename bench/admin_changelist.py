"""Time the jobs changelist (and other big admin lists) as a logged-in superuser.

Usage (after ``manage.py seed_demo --jobs 1000000`` on the target database)::

    DATABASE_URL=postgres://... .venv/bin/python bench/admin_changelist.py [--repeat 5]

Prints, per URL, the median and worst wall time of the full request and the
number of SQL queries. Figures only: nothing here asserts a threshold.
"""

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _portal import superuser_client, time_get  # noqa: E402
from django.db import connection  # noqa: E402

from generations.models import Job  # noqa: E402

URLS = [
    ("jobs, first page", "/admin/generations/job/"),
    ("jobs, failed SDXL", "/admin/generations/job/?status__exact=failed&model_type__exact=SDXL"),
    ("jobs, hybrid, rated 5", "/admin/generations/job/?enhancement_strategy__exact=hybrid&quality_rating__exact=5"),
    ("jobs, last 24 hours", "/admin/generations/job/?created=24h"),
    ("jobs, page 200", "/admin/generations/job/?p=200"),
    ("jobs, sorted by stars", "/admin/generations/job/?o=6"),
    ("jobs, search 'portrait'", "/admin/generations/job/?q=portrait"),
    ("job page", None),
    ("outputs", "/admin/generations/generationimageoutput/"),
    ("prompt logs", "/admin/prompts/promptlog/"),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    client = superuser_client()
    newest = Job.objects.order_by("-created_at").values_list("pk", flat=True).first()
    print(f"database: {connection.vendor}; jobs (planner estimate or exact): ", end="")
    from ourvidz_admin.admin.paginators import estimated_count

    print(f"{estimated_count(Job.objects.all()):,}")
    print(f"{'page':28} {'median ms':>10} {'worst ms':>10} {'queries':>8} {'status':>7}")
    for label, url in URLS:
        if url is None and newest is None:
            print(f"{label:28} (no jobs: run seed_demo first)")
            continue
        url = url or f"/admin/generations/job/{newest}/change/"
        median, worst, queries, status = time_get(client, url, args.repeat)
        print(f"{label:28} {median * 1000:10.1f} {worst * 1000:10.1f} {queries:8d} {status:7d}")


if __name__ == "__main__":
    main()
