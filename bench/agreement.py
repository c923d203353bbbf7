"""Time Krippendorff's α (ordinal) with its 500-replicate bootstrap interval on 10,000 ratings by 5 raters
(the issue asks < 100 ms). Pure computation on (output, rater, stars) triples, as the API passes them.

    .venv/bin/python bench/agreement.py [--items 2000] [--raters 5] [--repeat 20]
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ourvidz_admin.settings.base")

import django  # noqa: E402

django.setup()

from analytics.agreement import agreement_from_ratings  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--items", type=int, default=2000)
    parser.add_argument("--raters", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=20)
    options = parser.parse_args()
    rng = np.random.default_rng(1)
    truth = rng.integers(1, 6, size=options.items)
    triples = [(item, f"rater{rater}", int(np.clip(truth[item] + rng.integers(-1, 2), 1, 5)))
               for item in range(options.items) for rater in range(options.raters)]
    agreement_from_ratings(triples)  # warm-up
    point, full = [], []
    for _ in range(options.repeat):
        started = time.perf_counter()
        agreement_from_ratings(triples, bootstrap=0)
        point.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        result = agreement_from_ratings(triples)
        full.append((time.perf_counter() - started) * 1000)
    print(f"{len(triples):,} ratings, {options.items:,} outputs, {options.raters} raters: "
          f"alpha {result['alpha']:.3f} [{result['alpha_low']:.3f}, {result['alpha_high']:.3f}]")
    print(f"alpha alone:            median {statistics.median(point):.1f} ms, worst {max(point):.1f} ms")
    print(f"alpha + 500 bootstraps: median {statistics.median(full):.1f} ms, worst {max(full):.1f} ms")


if __name__ == "__main__":
    main()
