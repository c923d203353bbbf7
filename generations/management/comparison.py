"""What the run commands share: a run named on the command line, and a comparison printed as a table.

``compare_runs`` and ``run_prompt_suite --baseline`` print the same table, so CI logs of both read alike.
"""

from django.core.management.base import CommandError

from generations.models import ExperimentRun
from generations.run_grid import run_id_parse
from ourvidz_admin import formatting


def run_from_argument(text: str, name: str) -> ExperimentRun:
    """The run whose id is ``text``; a CommandError naming the argument ``name`` when there is none."""
    run_id = run_id_parse(text)
    if run_id is None:
        raise CommandError(f"{name} {text!r} is not a run id.")
    run = ExperimentRun.objects.filter(pk=run_id).first()
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
