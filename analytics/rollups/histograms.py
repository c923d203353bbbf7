"""Fixed-edge duration histograms: exact to the bin's width, mergeable across days by adding counts.

The edges grow with the duration, so the width stays a small share of the value: 50 ms up to 1 s, 250 ms up
to 10 s, 1 s up to 1 min, 10 s up to 10 min, 1 min up to 1 h, then one open bin. A percentile is the bin
that holds the nearest-rank value (docs/metrics.md, "Stage times"): the true value lies in
``[low, high)``; pages show ``high`` as "≤ high".
"""

import math
from dataclasses import dataclass

import numpy as np

_SEGMENTS = ((0, 1_000, 50), (1_000, 10_000, 250), (10_000, 60_000, 1_000), (60_000, 600_000, 10_000),
             (600_000, 3_600_000, 60_000))
EDGES_MS = tuple(sorted({edge for start, stop, step in _SEGMENTS for edge in range(start, stop + 1, step)}))


def bin_indexes(values_ms) -> np.ndarray:
    """The bin of each duration: ``i`` holds ``[EDGES_MS[i], EDGES_MS[i + 1])``; the last bin is open."""
    values = np.asarray(values_ms, dtype=float)
    return np.searchsorted(EDGES_MS, np.maximum(values, 0), side="right") - 1


def histogram(values_ms) -> dict[str, int]:
    """``{bin index: count}`` of ``values_ms`` (JSON keys are strings), empty bins left out."""
    indexes, counts = np.unique(bin_indexes(values_ms), return_counts=True)
    return {str(int(index)): int(count) for index, count in zip(indexes, counts, strict=True)}


def merge(histograms) -> dict[int, int]:
    """The sum of several histograms, keyed by int bin index."""
    total = counts_array(histograms)
    return {int(index): int(total[index]) for index in np.flatnonzero(total)}


def counts_array(histograms, into: np.ndarray | None = None) -> np.ndarray:
    """The sum of several histograms as one count per bin (added to ``into`` when given)."""
    total = np.zeros(len(EDGES_MS), dtype=np.int64) if into is None else into
    for bins in histograms:
        if bins:
            np.add.at(total, np.fromiter(map(int, bins), dtype=np.int64, count=len(bins)),
                      np.fromiter(bins.values(), dtype=np.int64, count=len(bins)))
    return total


@dataclass(frozen=True)
class Percentile:
    """The bin holding the nearest-rank ``q`` quantile: ``low ≤ value < high`` (``high`` None: open bin)."""

    q: float
    low: int
    high: int | None


def percentile(bins: dict[int, int], q: float) -> Percentile | None:
    """Nearest-rank quantile ``q`` (0 < q ≤ 1) of a merged histogram; None when it is empty.

    The rank is ``ceil(q × n)`` (1-based), the definition of ``percentile_disc`` in SQL and of numpy's
    ``inverted_cdf``; the answer is the bin in which the cumulative count first reaches that rank.
    """
    n = sum(bins.values())
    if not n:
        return None
    rank, seen = max(1, math.ceil(q * n)), 0
    for index in sorted(bins):
        seen += bins[index]
        if seen >= rank:
            high = EDGES_MS[index + 1] if index + 1 < len(EDGES_MS) else None
            return Percentile(q, EDGES_MS[index], high)
    raise AssertionError("unreachable: the counts add up to n")
