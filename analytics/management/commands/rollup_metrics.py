"""Rebuild the analytics rollups exactly from the jobs."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from analytics.rollups import rebuild_all


class Command(BaseCommand):
    help = (
        "Rebuild model_performance_logs, live_prompt_metrics and user_enhancement_adoption from the jobs "
        "(all of them, or from --since on). The same rows the incremental path keeps current."
    )

    def add_arguments(self, parser):
        parser.add_argument("--since", help="First day to rebuild, YYYY-MM-DD (default: everything).")

    def handle(self, *args, since, **options):
        start = None
        if since:
            try:
                start = date.fromisoformat(since)
            except ValueError:
                raise CommandError(f"--since must be a date like 2026-11-01, got {since!r}.") from None
        written = rebuild_all(start)
        self.stdout.write(", ".join(f"{name} {count}" for name, count in written.items()))
