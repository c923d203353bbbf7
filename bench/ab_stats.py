"""Time the A/B statistics on 10,000 paired ratings (the guide allows 10 s; the issue asks < 100 ms).

Three figures: the pure statistics on arrays; ``results_from_arms`` (every figure of every arm, Holm
and the sequences included) on a baseline and two further arms; and ``ab_test_results`` over a test of
10,000 rated pairs stored in the database (``DATABASE_URL``; the script creates that test and its
20,000 jobs, 30,000 with ``--arms 3``, and removes them afterwards), beside the read that the test's
outcome rows replaced (every pair's jobs joined in), timed in the same run.

    .venv/bin/python bench/ab_stats.py [--ratings 10000] [--repeat 20] [--arms 2|3] [--no-db]
"""

import argparse
import os
import statistics
import sys
import time
import uuid
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from analytics import stats as ab  # noqa: E402


def _ratings(count: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(1)
    a = rng.integers(1, 6, size=count)
    return a, np.clip(a + rng.integers(-1, 3, size=count), 1, 5)


def _median_ms(run, repeat: int) -> tuple[float, float]:
    run()  # warm-up: imports, scipy's first calls, the database's caches
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings), max(timings)


def time_pure(count: int, repeat: int) -> tuple[float, float]:
    """Every statistic of a test on plain arrays."""
    a, b = _ratings(count)

    def run():
        ab.mean_interval(a), ab.mean_interval(b), ab.difference_interval(a, b), ab.welch_t_test(a, b)
        ab.wilcoxon_signed_rank(a, b), ab.probability_b_better(a, b)
        ab.paired_t_test(a, b), ab.paired_difference_interval(a, b), ab.probability_improvement_paired(a, b)
        ab.sequential_interval(a, b, count)
        ab.two_proportion_test(int((a >= 4).sum()), a.size, int((b >= 4).sum()), b.size)

    return _median_ms(run, repeat)


def time_arms(count: int, repeat: int) -> tuple[float, float]:
    """``results_from_arms`` on a baseline and two further arms: every figure per arm, Holm, the sequences."""
    from analytics.abtests.results import ArmRows, results_from_arms

    a, b = _ratings(count)
    c = np.clip(a + np.random.default_rng(2).integers(-2, 2, size=count), 1, 5)
    done, times = ["completed"] * count, [1000.0] * count
    arms = [ArmRows(name, [int(x) for x in stars], done, times) for name, stars in
            (("baseline", a), ("enhanced", b), ("variant", c))]
    return _median_ms(lambda: results_from_arms(arms, planned_pairs=count, planned_sd=1.0), repeat)


def _store(count: int, arms: int):
    """A running test with ``count`` pairs of rated, completed jobs per arm; returns (test, job ids)."""
    from django.db import transaction

    from analytics.models import ABTestArmJob, ABTestPair, PromptABTest
    from generations.models import Job
    from ourvidz_admin.db import insert_rows

    a, b = _ratings(count)
    c = np.clip(a + np.random.default_rng(2).integers(-2, 2, size=count), 1, 5)
    strategies = (("none", a), ("qwen", b), ("compel", c))[:arms]
    series = f"bench-ab-{uuid.uuid4().hex[:8]}"
    jobs = [Job(id=uuid.uuid4(), model_type="SDXL", job_type="text_to_image", status="completed",
                enhancement_strategy=strategy, original_prompt=f"bench prompt {n}", seed=n, test_series=series,
                quality_rating=int(stars[n]), attempts=1)
            for n in range(count) for strategy, stars in strategies]
    variants = [{"name": "compel", "enhancement_strategy": "compel"}] if arms > 2 else []
    with transaction.atomic():
        test = PromptABTest.objects.create(
            test_name=series, test_series=series, baseline_config={"enhancement_strategy": "none"},
            enhanced_config={"enhancement_strategy": "qwen"}, variants=variants, status="running",
            planned_pairs=count)
        insert_rows(Job, jobs)
        pairs = ABTestPair.objects.bulk_create(
            [ABTestPair(ab_test=test, position=n + 1, prompt_text=f"bench prompt {n}", seed=n,
                        enhanced_first=n % 2 == 0, arm_order=[0, 1, 2] if arms > 2 else None,
                        baseline_job_id=jobs[arms * n].id, enhanced_job_id=jobs[arms * n + 1].id)
             for n in range(count)], batch_size=2_000)
        if arms > 2:
            ABTestArmJob.objects.bulk_create([ABTestArmJob(pair=pair, arm=2, job_id=jobs[arms * n + 2].id)
                                              for n, pair in enumerate(pairs)], batch_size=2_000)
    return test, [job.id for job in jobs]


def time_database(count: int, repeat: int, arms: int = 2) -> tuple[float, float, str, float]:
    """``ab_test_results`` over a stored test, and the read it replaced (every pair's jobs joined in), in the
    same run; the rows are removed afterwards."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ourvidz_admin.settings.base")
    import django

    django.setup()
    from django.db import connection

    from analytics.abtests.outcomes import _from_jobs
    from analytics.abtests.results import ab_test_results
    from generations.models import Job

    test, job_ids = _store(count, arms)
    try:
        results = ab_test_results(test)  # the first read builds the test's outcome rows
        assert results.rated_pairs == count, results.rated_pairs
        median, worst = _median_ms(lambda: ab_test_results(test), repeat)
        joined, _worst = _median_ms(lambda: _from_jobs(test.pk, arms), repeat)
    finally:
        test.delete()
        for start in range(0, len(job_ids), 500):
            Job.objects.filter(pk__in=job_ids[start:start + 500]).delete()
    return median, worst, connection.vendor, joined


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ratings", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--arms", type=int, choices=(2, 3), default=2, help="Arms of the stored test.")
    parser.add_argument("--no-db", action="store_true", help="Only the pure statistics.")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ourvidz_admin.settings.base")
    import django

    django.setup()
    median, worst = time_pure(args.ratings, args.repeat)
    print(f"{args.ratings:,} paired ratings, statistics only: median {median:.1f} ms, "
          f"worst {worst:.1f} ms over {args.repeat} runs (target < 100 ms)")
    median, worst = time_arms(args.ratings, args.repeat)
    print(f"{args.ratings:,} pairs x 3 arms, results_from_arms (every figure per arm, Holm, sequences): "
          f"median {median:.1f} ms, worst {worst:.1f} ms over {args.repeat} runs (target < 100 ms)")
    if not args.no_db:
        median, worst, vendor, joined = time_database(args.ratings, args.repeat, args.arms)
        print(f"{args.ratings:,} rated pairs x {args.arms} arms stored in {vendor}, ab_test_results "
              f"(outcome rows + statistics): median {median:.1f} ms, worst {worst:.1f} ms over {args.repeat} runs "
              "(target < 100 ms)")
        print(f"  the read it replaced (every pair's jobs joined in, no statistics): median {joined:.1f} ms; "
              f"ratio {median / joined:.2f}")


if __name__ == "__main__":
    main()
