"""Rebuild the analytics rollups exactly from the jobs."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from analytics.rollups.aggregates import rebuild_aggregates
from analytics.rollups.buckets import rebuild_all
from analytics.rollups.quality import quality_rebuild


class Command(BaseCommand):
    help = (
        "Rebuild the rollup tables (model_performance_logs, live_prompt_metrics, user_enhancement_adoption and "
        "the rest) from the jobs, all of them or from --since on, then the figures on compel_configs and "
        "enhancement_presets. A full rebuild first recomputes every job's quality_improvement. The same rows "
        "the incremental path keeps current; each step is one transaction, so an interrupted run leaves the "
        "previous rows of the step it was in."
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
        if start is None:
            with tqdm(desc="quality_improvement", unit=" jobs", disable=None) as progress:
                fixed = quality_rebuild(progress=progress)
            self.stdout.write(f"quality_improvement changed on {fixed} jobs")
        written = rebuild_all(start)
        changed = rebuild_aggregates()
        self.stdout.write(", ".join(f"{name} {count}" for name, count in written.items()))
        self.stdout.write("changed: " + ", ".join(f"{name} {count}" for name, count in changed.items()))
