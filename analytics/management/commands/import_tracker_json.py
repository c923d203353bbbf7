"""Migrate the prompt tracker's JSON logs into the tracker table (format: docs/tracker_json.md)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from analytics.tracker.importer import TrackerImportError, tracker_json_import


class Command(BaseCommand):
    help = (
        "Import tracker JSON files ({successful_prompts: [...], failed_prompts: [...]}, see docs/tracker_json.md) "
        "in one transaction: any invalid entry and nothing is written. Entries already imported (same prompt, "
        "ai_model and timestamp) are skipped, so re-running is safe. Failure reasons are mapped onto the ten "
        "FailureReason values; unknown ones become internal_error."
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", metavar="FILE", type=Path)

    def handle(self, *args, files, **options):
        try:
            report = tracker_json_import(paths=files)
        except TrackerImportError as exc:
            raise CommandError("Nothing was imported:\n" + "\n".join(exc.messages)) from None
        for path, added in report.per_file.items():
            self.stdout.write(f"{path}: {added} added")
        self.stdout.write(f"Added {report.added['success']} successful and {report.added['failed']} failed "
                          f"prompt(s); skipped {report.duplicates} already imported.")
