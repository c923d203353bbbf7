"""Compare a run with a baseline run cell by cell; exit 1 when it regresses (for CI)."""

from django.core.management.base import BaseCommand, CommandError

from generations.management.comparison import print_comparison, run_from_argument
from generations.run_grid import runs_compare


class Command(BaseCommand):
    help = "Compare NEW with BASELINE cell by cell (same inputs and axis values); exit 1 on a regression."

    def add_arguments(self, parser):
        parser.add_argument("baseline", metavar="BASELINE")
        parser.add_argument("new", metavar="NEW")
        parser.add_argument("--max-drop", type=float, default=0.25, metavar="STARS",
                            help="Largest fall of the mean stars (and of a cell's) that is not a regression.")
        parser.add_argument("--max-success-drop", type=float, default=0.0, metavar="SHARE",
                            help="Largest fall of the success rate (0-1) that is not a regression.")

    def handle(self, *args, baseline, new, max_drop, max_success_drop, **options):
        if max_drop < 0 or not 0 <= max_success_drop <= 1:
            raise CommandError("--max-drop is 0 or more stars; --max-success-drop a share from 0 to 1.")
        comparison = runs_compare(baseline=run_from_argument(baseline, "BASELINE"), new=run_from_argument(new, "NEW"),
                                  max_drop=max_drop, max_success_drop=max_success_drop)
        print_comparison(self.stdout, comparison)
        if comparison.matched == 0:
            raise CommandError("No cell of NEW matches one of BASELINE: run the same inputs and axes.")
        if comparison.regressed:
            for problem in comparison.problems:
                self.stderr.write(f"REGRESSION: {problem}")
            raise SystemExit(1)
        self.stdout.write("No regression.")
