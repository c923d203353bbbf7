"""Write the prompt tracker's curated training data (document 003) to a JSON file."""

import json
import os
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from analytics.tracker.training import training_data_export
from ourvidz_admin.transfer import write_atomic


class Command(BaseCommand):
    help = (
        "Export good prompts (successful, rated >= --min-rating by the tracker or the job, newest first), failed "
        "prompts by failure reason (round-robin across reasons up to --max-failed) and an analysis of what "
        "separates them, to OUT (JSON, written to a temporary file and renamed)."
    )

    def add_arguments(self, parser):
        parser.add_argument("out", metavar="OUT.json")
        parser.add_argument("--min-rating", type=int, default=4, help="1-5 (default 4).")
        parser.add_argument("--max-failed", type=int, default=200, help="0-100000 (default 200).")
        parser.add_argument("--max-successful", type=int, default=200, help="0-100000 (default 200).")

    def handle(self, *args, out, min_rating, max_failed, max_successful, **options):
        if not 1 <= min_rating <= 5:
            raise CommandError(f"--min-rating must be 1 to 5, got {min_rating}.")
        for name, value in (("--max-failed", max_failed), ("--max-successful", max_successful)):
            if not 0 <= value <= 100_000:
                raise CommandError(f"{name} must be 0 to 100000, got {value}.")
        path = Path(out)
        if path.is_dir():
            raise CommandError(f"{path} is a directory; give a file name.")
        if not path.parent.is_dir() or not os.access(path.parent, os.W_OK):
            raise CommandError(f"Cannot write to {path.parent}: it does not exist or is not writable.")
        data = training_data_export(min_rating=min_rating, max_failed=max_failed, max_successful=max_successful)
        write_atomic(path, json.dumps(data, ensure_ascii=False, indent=2) + "\n")
        failed = sum(len(rows) for rows in data["failed_prompts_by_category"].values())
        self.stdout.write(f"Wrote {len(data['good_prompts'])} good and {failed} failed prompt(s) "
                          f"in {len(data['failed_prompts_by_category'])} categories to {path}.")
