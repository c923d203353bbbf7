"""Compare a run with a baseline run cell by cell; exit 1 when it regresses (for CI)."""

import uuid

from django.core.management.base import BaseCommand, CommandError

from generations.run_grid import runs_compare
from ourvidz_admin import formatting


def _run(text: str, name: str):
    from generations.models import ExperimentRun

    try:
        run = ExperimentRun.objects.filter(pk=uuid.UUID(text)).first()
    except ValueError:
        raise CommandError(f"{name} {text!r} is not a run id.") from None
    if run is None:
        raise CommandError(f"{name}: no run {text}.")
    return run


def print_comparison(out, comparison) -> None:
    """The per-cell table and the summary lines of a comparison."""
    out.write(f"{'cell':<60} {'stars before':>12} {'after':>6} {'Δ stars':>8} {'Δ CLIP':>7} {'Δ time':>9}  ")
    for row in comparison.rows:
        before = row.baseline.stars if row.baseline else None
        after = row.new.stars if row.new else None
        flag = "REGRESSED" if row.regressed else ("new cell" if row.baseline is None else "")
        out.write(f"{row.label[:60]:<60} {formatting.rating(before):>12} {formatting.rating(after):>6} "
                  f"{formatting.signed(row.stars_delta):>8} {formatting.signed(row.clip_delta, 1):>7} "
                  f"{formatting.ms(row.time_delta_ms):>9}  {flag}")
    old, new = comparison.baseline_summary, comparison.new_summary
    out.write(f"Matched {comparison.matched} of {len(comparison.rows)} cells. Mean stars "
              f"{formatting.rating(old.stars)} → {formatting.rating(new.stars)}; success "
              f"{formatting.fraction(old.success)} → {formatting.fraction(new.success)}; mean time "
              f"{formatting.ms(old.time_ms)} → {formatting.ms(new.time_ms)}.")


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
        comparison = runs_compare(baseline=_run(baseline, "BASELINE"), new=_run(new, "NEW"), max_drop=max_drop,
                                  max_success_drop=max_success_drop)
        print_comparison(self.stdout, comparison)
        if comparison.matched == 0:
            raise CommandError("No cell of NEW matches one of BASELINE: run the same inputs and axes.")
        if comparison.regressed:
            for problem in comparison.problems:
                self.stderr.write(f"REGRESSION: {problem}")
            raise SystemExit(1)
        self.stdout.write("No regression.")
