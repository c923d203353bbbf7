"""Time the A/B statistics on 10,000 paired ratings (the guide allows 10 s; the issue asks < 100 ms).

Two figures: the pure statistics on arrays, and ``ab_test_results`` over a test
of 10,000 rated pairs stored in the database (``DATABASE_URL``; the script
creates that test and its 20,000 jobs, and removes them afterwards).

    .venv/bin/python bench/ab_stats.py [--ratings 10000] [--repeat 20] [--no-db]
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


def _store(count: int):
    """A running test with ``count`` pairs of rated, completed jobs; returns (test, job ids)."""
    from django.db import transaction

    from analytics.models import ABTestPair, PromptABTest
    from generations.models import Job
    from ourvidz_admin.db import insert_rows

    a, b = _ratings(count)
    series = f"bench-ab-{uuid.uuid4().hex[:8]}"
    jobs = [Job(id=uuid.uuid4(), model_type="SDXL", job_type="text_to_image", status="completed",
                enhancement_strategy=strategy, original_prompt=f"bench prompt {n}", seed=n, test_series=series,
                quality_rating=int(stars), attempts=1)
            for n in range(count) for strategy, stars in (("none", a[n]), ("qwen", b[n]))]
    with transaction.atomic():
        test = PromptABTest.objects.create(
            test_name=series, test_series=series, baseline_config={"enhancement_strategy": "none"},
            enhanced_config={"enhancement_strategy": "qwen"}, status="running", planned_pairs=count)
        insert_rows(Job, jobs)
        ABTestPair.objects.bulk_create(
            [ABTestPair(ab_test=test, position=n + 1, prompt_text=f"bench prompt {n}", seed=n,
                        enhanced_first=n % 2 == 0,
                        baseline_job_id=jobs[2 * n].id, enhanced_job_id=jobs[2 * n + 1].id) for n in range(count)],
            batch_size=2_000)
    return test, [job.id for job in jobs]


def time_database(count: int, repeat: int) -> tuple[float, float, str]:
    """``ab_test_results`` over a stored test; the rows are removed afterwards."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ourvidz_admin.settings.base")
    import django

    django.setup()
    from django.db import connection

    from analytics.abtests.results import ab_test_results
    from generations.models import Job

    test, job_ids = _store(count)
    try:
        results = ab_test_results(test)
        assert results.rated_pairs == count, results.rated_pairs
        median, worst = _median_ms(lambda: ab_test_results(test), repeat)
    finally:
        test.delete()
        for start in range(0, len(job_ids), 500):
            Job.objects.filter(pk__in=job_ids[start:start + 500]).delete()
    return median, worst, connection.vendor


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ratings", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--no-db", action="store_true", help="Only the pure statistics.")
    args = parser.parse_args()
    median, worst = time_pure(args.ratings, args.repeat)
    print(f"{args.ratings:,} paired ratings, statistics only: median {median:.1f} ms, "
          f"worst {worst:.1f} ms over {args.repeat} runs (target < 100 ms)")
    if not args.no_db:
        median, worst, vendor = time_database(args.ratings, args.repeat)
        print(f"{args.ratings:,} rated pairs stored in {vendor}, ab_test_results (one query + statistics): "
              f"median {median:.1f} ms, worst {worst:.1f} ms over {args.repeat} runs (target < 100 ms)")


if __name__ == "__main__":
    main()
