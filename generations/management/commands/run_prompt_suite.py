"""Run a prompt test suite against the live prompt versions and gate on its outcome (document 004)."""

import time

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from generations.management.comparison import print_comparison, run_from_argument
from generations.run_grid import runs_compare
from generations.suites import series_jobs, series_pending, suite_failures, suite_run, suite_submit, suite_summary
from ourvidz_admin.db import short_id
from prompts.placeholders import variables_parse


class Command(BaseCommand):
    help = (
        "A suite NAME is the set of active prompt versions tagged NAME (tags are edited in the admin). "
        "Submits one job per version for its model (model_name containing 'wan' -> WAN, else SDXL) under the "
        "test series suite:NAME:<timestamp> and prints the series. With --wait, polls the database until the "
        "workers finish (exit 1 on --timeout), then prints a table and the success rate (completed/finished) "
        "and mean rating (rated jobs; n/a when none). --report SERIES reports on an earlier run instead of "
        "submitting (rate jobs in the admin first). --min-clip-score X requires the mean CLIP score of the "
        "completed jobs (computed by the workers when a clip backend is configured) to be at least X. Exits 1 "
        "when a job is unfinished or a threshold is missed, so CI can gate on it."
    )

    def add_arguments(self, parser):
        parser.add_argument("name", metavar="NAME", nargs="?", help="The suite (tag name) to submit.")
        parser.add_argument("--report", metavar="SERIES", help="Report on an earlier run's test series.")
        parser.add_argument("--wait", action="store_true", help="Wait for the jobs to finish.")
        parser.add_argument("--timeout", type=float, default=600, help="Seconds to wait (default 600).")
        parser.add_argument("--poll", type=float, default=2, help="Seconds between polls (default 2).")
        parser.add_argument("--fail-under-success", type=float, metavar="RATE", help="e.g. 0.9")
        parser.add_argument("--fail-under-rating", type=float, metavar="STARS", help="e.g. 3.5")
        parser.add_argument("--min-clip-score", type=float, metavar="SCORE",
                            help="Lowest mean CLIP score (0-100) of the completed jobs, e.g. 25; fails when the "
                                 "clip backend is not configured.")
        parser.add_argument("--var", action="append", default=[], metavar="NAME=VALUE",
                            help="A value for the versions' {NAME} placeholders (repeatable).")
        parser.add_argument("--baseline", metavar="RUN_ID", help=(
            "Compare with this earlier run (a suite run's id, printed as 'Run: …') cell by cell, like "
            "compare_runs; exit 1 when it regresses."))
        parser.add_argument("--max-drop", type=float, default=0.25, metavar="STARS",
                            help="With --baseline: the largest fall of the mean stars that is not a regression.")

    def handle(self, *args, name, report, wait, timeout, poll, fail_under_success, fail_under_rating, min_clip_score,
               **options):
        if bool(name) == bool(report):
            raise CommandError("Give either a suite NAME or --report SERIES.")
        if fail_under_success is not None and not 0 <= fail_under_success <= 1:
            raise CommandError("--fail-under-success is a rate from 0 to 1.")
        if fail_under_rating is not None and not 1 <= fail_under_rating <= 5:
            raise CommandError("--fail-under-rating is a number of stars from 1 to 5.")
        if min_clip_score is not None and not 0 <= min_clip_score <= 100:
            raise CommandError("--min-clip-score is a CLIP score from 0 to 100.")
        series = report or self.submit(name, options["var"])
        if not series_jobs(series).exists():
            raise CommandError(f"No jobs in test series {series!r}.")
        if name and not wait:
            self.stdout.write(f"Not waiting; later run: manage.py run_prompt_suite --report {series}")
            return
        if wait:
            self.wait(series, timeout, poll)
        jobs = list(series_jobs(series))
        self.table(jobs)
        summary = suite_summary(jobs)
        rate = "n/a" if summary.success_rate is None else f"{summary.success_rate:.2f}"
        rating = "n/a" if summary.mean_rating is None else f"{summary.mean_rating:.2f}"
        self.stdout.write(f"{series}: {summary.completed}/{summary.finished} finished job(s) completed "
                          f"(success rate {rate}); mean rating {rating} over {summary.rated} rated job(s).")
        if summary.clip_scored or min_clip_score is not None:
            clip = "n/a" if summary.mean_clip_score is None else f"{summary.mean_clip_score:.1f}"
            self.stdout.write(f"Mean CLIP score {clip} over {summary.clip_scored} of {summary.completed} completed "
                              "job(s).")
        problems = suite_failures(summary, min_success=fail_under_success, min_rating=fail_under_rating,
                                  min_clip_score=min_clip_score)
        if options["baseline"]:
            problems += self.compare(series, options["baseline"], options["max_drop"])
        if problems:
            raise CommandError(f"Suite {series} failed: " + " ".join(problems), returncode=1)

    def compare(self, series: str, baseline_id: str, max_drop: float) -> list[str]:
        """The regressions of this run against ``baseline_id`` (printed as compare_runs prints them)."""
        run = suite_run(series)
        if run is None:
            raise CommandError(f"{series} was run before suites recorded their runs: no cells to compare.")
        comparison = runs_compare(baseline=run_from_argument(baseline_id, "--baseline"), new=run, max_drop=max_drop)
        print_comparison(self.stdout, comparison)
        if comparison.matched == 0:
            return ["No version of this run matches a cell of the baseline run."]
        return comparison.problems

    def submit(self, name: str, variables: list[str]) -> str:
        try:
            series, jobs = suite_submit(name=name, variables=variables_parse(variables))
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        self.stdout.write(f"Submitted {len(jobs)} job(s) as test series {series}")
        run = suite_run(series)
        self.stdout.write(f"Run: {run.pk} (compare a later run with --baseline {run.pk})")
        return series

    def wait(self, series: str, timeout: float, poll: float) -> None:
        total = series_jobs(series).count()
        deadline = time.monotonic() + timeout
        with tqdm(total=total, unit="job", file=self.stderr._out, disable=None) as bar:
            while True:
                done = total - series_pending(series)
                bar.update(done - bar.n)
                if done >= total:
                    return
                if time.monotonic() >= deadline:
                    raise CommandError(f"Timed out after {timeout:g} s: {total - done} of {total} job(s) of "
                                       f"{series} have not finished.", returncode=1)
                time.sleep(poll)

    def table(self, jobs) -> None:
        rows = [("version", "model", "status", "rating", "clip", "time s")]
        for job in jobs:
            version = job.prompt_version
            label = (version.name or short_id(version.pk)) if version else "—"
            seconds = f"{job.generation_time.total_seconds():.1f}" if job.generation_time else "—"
            clip = "—" if job.clip_score is None else f"{job.clip_score:.1f}"
            rows.append((label[:40], job.model_type, job.status, str(job.quality_rating or "—"), clip, seconds))
        widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
        for row in rows:
            self.stdout.write("  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip())
