"""``manage.py seed_demo [--jobs N] [--seed S]``: believable demo data, safe to run again."""

from django.core.management.base import BaseCommand, CommandError

from demo.runner import seed_demo

MAX_JOBS = 5_000_000


def _count(value: str) -> int:
    try:
        return int(value.replace("_", ""))
    except ValueError:
        raise CommandError(f"--jobs must be a whole number, got {value!r}.") from None


def _seed(value: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise CommandError(f"--seed must be an integer, got {value!r}.") from None


class Command(BaseCommand):
    help = ("Fill the database with demo users, prompt library, configurations and N jobs (default 2000) "
            "with outputs, logs and rollups. Rerunning adds only what is missing.")

    def add_arguments(self, parser):
        parser.add_argument("--jobs", type=str, default="2000", help="How many jobs (0 to 5,000,000; default 2000).")
        parser.add_argument("--seed", type=str, default="42", help="Random seed (integer; default 42).")
        parser.add_argument("--no-progress", action="store_true", help="Hide the progress bar.")

    def handle(self, *args, jobs, seed, no_progress, verbosity, **options):
        count, seed = _count(jobs), _seed(seed)
        if not 0 <= count <= MAX_JOBS:
            raise CommandError(f"--jobs must be between 0 and {MAX_JOBS:,}, got {count:,}.")
        try:
            result = seed_demo(jobs=count, seed=seed, progress=verbosity > 0 and not no_progress,
                               log=self.stdout.write if verbosity > 0 else lambda _line: None)
        except KeyboardInterrupt:
            raise CommandError("Interrupted: the batches already committed stay; run the command again to "
                               "finish.") from None
        self.stdout.write(self.style.SUCCESS(
            f"Demo data ready: {result['inserted_jobs']:,} new jobs; rollups "
            + ", ".join(f"{name} {rows:,}" for name, rows in result["rollups"].items()) + "."))
        width = max(map(len, result["counts"]))
        for label, rows in result["counts"].items():
            self.stdout.write(f"  {label:<{width}}  {rows:>9,}")
