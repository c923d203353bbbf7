"""Time the A/B statistics on 10,000 paired ratings (the guide allows 10 s; the issue asks < 100 ms).

    .venv/bin/python bench/ab_stats.py [--ratings 10000] [--repeat 20]
"""

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from analytics import stats as ab  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ratings", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    rng = np.random.default_rng(1)
    a = rng.integers(1, 6, size=args.ratings)
    b = np.clip(a + rng.integers(-1, 3, size=args.ratings), 1, 5)
    timings = []
    for _ in range(args.repeat):
        started = time.perf_counter()
        ab.mean_interval(a), ab.mean_interval(b), ab.difference_interval(a, b), ab.welch_t_test(a, b)
        ab.wilcoxon_signed_rank(a, b), ab.probability_b_better(a, b)
        ab.two_proportion_test(int((a >= 4).sum()), a.size, int((b >= 4).sum()), b.size)
        timings.append((time.perf_counter() - started) * 1000)
    print(f"{args.ratings:,} paired ratings: median {statistics.median(timings):.1f} ms, "
          f"worst {max(timings):.1f} ms over {args.repeat} runs (target < 100 ms)")


if __name__ == "__main__":
    main()
