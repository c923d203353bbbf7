"""Statistics of A/B tests on star ratings.

Pure functions over plain sequences; scipy does the distributions. Each
figure's formula and assumptions are in docs/metrics.md. Arm ``a`` is the
baseline, arm ``b`` the enhanced one; differences are ``b - a``.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import stats


@dataclass(frozen=True)
class Interval:
    estimate: float
    low: float
    high: float


def mean_interval(values: Sequence[float], confidence: float = 0.95) -> Interval:
    """Mean with a Student-t confidence interval: ``x̄ ± t(1-α/2, n-1) · s/√n``."""
    x = np.asarray(values, dtype=float)
    if x.size < 2:
        raise ValueError("A confidence interval needs at least two ratings.")
    mean, sem = float(x.mean()), float(x.std(ddof=1) / math.sqrt(x.size))
    half = float(stats.t.ppf(0.5 + confidence / 2, x.size - 1)) * sem
    return Interval(mean, mean - half, mean + half)


def welch_df(a: np.ndarray, b: np.ndarray) -> float:
    """Welch-Satterthwaite degrees of freedom."""
    va, vb = a.var(ddof=1) / a.size, b.var(ddof=1) / b.size
    return float((va + vb) ** 2 / (va**2 / (a.size - 1) + vb**2 / (b.size - 1)))


def difference_interval(a: Sequence[float], b: Sequence[float], confidence: float = 0.95) -> Interval:
    """``mean(b) - mean(a)`` with Welch's interval: ``± t(1-α/2, ν) · √(s_a²/n_a + s_b²/n_b)``."""
    xa, xb = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    diff = float(xb.mean() - xa.mean())
    se = math.sqrt(xa.var(ddof=1) / xa.size + xb.var(ddof=1) / xb.size)
    half = float(stats.t.ppf(0.5 + confidence / 2, welch_df(xa, xb))) * se
    return Interval(diff, diff - half, diff + half)


@dataclass(frozen=True)
class TestResult:
    statistic: float
    p_value: float


def welch_t_test(a: Sequence[float], b: Sequence[float]) -> TestResult:
    """Two-sided Welch's t-test of equal means (unequal variances)."""
    result = stats.ttest_ind(np.asarray(b, dtype=float), np.asarray(a, dtype=float), equal_var=False)
    return TestResult(float(result.statistic), float(result.pvalue))


# Up to this many nonzero pairs the p-value comes from an exact null distribution; with ties among
# the |differences|, up to WILCOXON_PERMUTATION_MAX from all 2ⁿ sign assignments (as scipy's "auto").
WILCOXON_EXACT_MAX = 50
WILCOXON_PERMUTATION_MAX = 13


def wilcoxon_method(differences: Sequence[float]) -> str:
    """How ``wilcoxon_signed_rank`` computes the p-value of these (nonzero) differences.

    ``exact``: no ties and n ≤ 50, the exact null distribution of W⁺.
    ``permutation``: ties and n ≤ 13, all 2ⁿ sign assignments of the observed ranks (exact too).
    ``normal``: otherwise, the normal approximation with tie correction (no continuity correction).
    """
    magnitudes = np.abs(np.asarray(differences, dtype=float))
    has_ties = np.unique(magnitudes).size < magnitudes.size
    if not has_ties and magnitudes.size <= WILCOXON_EXACT_MAX:
        return "exact"
    if has_ties and magnitudes.size <= WILCOXON_PERMUTATION_MAX:
        return "permutation"
    return "normal"


def wilcoxon_signed_rank(a: Sequence[float], b: Sequence[float]) -> TestResult:
    """Two-sided Wilcoxon signed-rank test on the pairs ``b_i - a_i`` (same prompt, same seed).

    Zero differences are dropped (Wilcoxon's method) before anything else;
    the p-value of the remaining n pairs is exact for small samples and the
    normal approximation otherwise (``wilcoxon_method``). The statistic is
    scipy's: min(W⁺, W⁻) for the exact and permutation methods, the z-score's
    numerator otherwise.
    """
    if len(a) != len(b):
        raise ValueError("Paired arms need the same number of ratings.")
    diffs = np.asarray(b, dtype=float) - np.asarray(a, dtype=float)
    diffs = diffs[diffs != 0]
    if diffs.size == 0:
        return TestResult(0.0, 1.0)
    method = {
        "exact": "exact",
        "permutation": stats.PermutationMethod(n_resamples=np.inf),
        "normal": "asymptotic",
    }[wilcoxon_method(diffs)]
    result = stats.wilcoxon(diffs, alternative="two-sided", method=method)
    return TestResult(float(result.statistic), float(result.pvalue))


def probability_b_better(a: Sequence[float], b: Sequence[float]) -> float:
    """Posterior probability that the enhanced mean exceeds the baseline mean.

    Flat priors on both means and the sample variances taken as known give
    normal posteriors, so ``P(μ_b > μ_a) = Φ((x̄_b - x̄_a) / √(s_a²/n_a + s_b²/n_b))``.
    """
    xa, xb = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    se = math.sqrt(xa.var(ddof=1) / xa.size + xb.var(ddof=1) / xb.size)
    if se == 0:
        return 0.5 if xb.mean() == xa.mean() else float(xb.mean() > xa.mean())
    return float(stats.norm.cdf((xb.mean() - xa.mean()) / se))


def paired_t_test(a: Sequence[float], b: Sequence[float]) -> TestResult:
    """Two-sided paired t-test of ``mean(b_i - a_i) = 0`` (``scipy.stats.ttest_rel``)."""
    xa, xb = _pairs(a, b)
    result = stats.ttest_rel(xb, xa)
    return TestResult(float(result.statistic), float(result.pvalue))


def paired_difference_interval(a: Sequence[float], b: Sequence[float], confidence: float = 0.95) -> Interval:
    """Mean of the paired differences ``d_i = b_i - a_i`` with the paired t interval ``d̄ ± t(1-α/2, n-1) · s_d/√n``."""
    xa, xb = _pairs(a, b)
    return mean_interval(xb - xa, confidence)


def probability_improvement_paired(a: Sequence[float], b: Sequence[float]) -> float:
    """Probability that the mean paired difference is above zero, from the pairs.

    A flat prior on the mean difference and the Jeffreys prior on its variance give a Student-t
    posterior: ``P(δ > 0) = F_t(d̄ / (s_d/√n); n - 1)``.
    """
    xa, xb = _pairs(a, b)
    d = xb - xa
    if d.size < 2:
        raise ValueError("The probability of improvement needs at least two pairs.")
    se = float(d.std(ddof=1) / math.sqrt(d.size))
    if se == 0:
        return 0.5 if d.mean() == 0 else float(d.mean() > 0)
    return float(stats.t.cdf(d.mean() / se, d.size - 1))


# Monitoring starts at this many rated pairs: before that one output decides too much.
SEQUENTIAL_MIN_PAIRS = 5


def sequential_half_width(n, second_moment, planned_pairs: int, alpha: float = 0.05,
                          planned_sd: float | None = None):
    """Half-width of the always-valid (1 - α) confidence sequence for the mean paired difference.

    The two-sided normal-mixture boundary (Robbins' mixture; Howard et al. 2021, "Time-uniform,
    nonparametric, nonasymptotic confidence sequences", eq. 14; GrowthBook's sequential engine):
    ``|Σ dᵢ| ≤ √((V + ρ) · log((V + ρ) / (ρ α²)))`` with ``V = Σ dᵢ² = n · second_moment`` (the
    self-normalised form: the variance about zero, exact under "no effect", larger under an effect), so
    the half-width around ``d̄`` is that bound over ``n``. ``ρ = n* s² / (−2 log α + log(1 − 2 log α))``
    makes the boundary tightest near ``n* = planned_pairs``; ``s`` is the test's planned sd of the
    differences, fixed before the first look, which keeps the sequence valid at every look for a null of
    symmetric differences. Without a plan the observed second moment stands in (a plug-in: approximately
    valid, checked by simulation). Works element-wise on arrays (a simulation peeks after every pair).
    """
    n, moment = np.asarray(n, dtype=float), np.asarray(second_moment, dtype=float)
    tuning = moment if planned_sd is None else np.full_like(moment, float(planned_sd) ** 2)
    with np.errstate(divide="ignore", invalid="ignore"):
        rho = max(planned_pairs, 1) * tuning / (-2 * math.log(alpha) + math.log(1 - 2 * math.log(alpha)))
        spread = n * moment + rho
        width = np.sqrt(spread * np.log(spread / (rho * alpha**2))) / n
    return np.where((moment > 0) & (tuning > 0), width, 0.0)


def sequential_interval(a: Sequence[float], b: Sequence[float], planned_pairs: int, alpha: float = 0.05,
                        planned_sd: float | None = None) -> Interval | None:
    """The confidence sequence at the pairs seen so far; None before ``SEQUENTIAL_MIN_PAIRS``."""
    xa, xb = _pairs(a, b)
    d = xb - xa
    if d.size < SEQUENTIAL_MIN_PAIRS:
        return None
    half = float(sequential_half_width(d.size, float(np.mean(d * d)), planned_pairs, alpha, planned_sd))
    mean = float(d.mean())
    return Interval(mean, mean - half, mean + half)


def _pairs(a: Sequence[float], b: Sequence[float]) -> tuple[np.ndarray, np.ndarray]:
    xa, xb = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if xa.shape != xb.shape:
        raise ValueError("Paired arms need the same number of ratings.")
    return xa, xb


def holm_adjust(p_values: Sequence[float]) -> list[float]:
    """Holm's step-down adjusted p-values, in the order given (family-wise error control).

    With the m p-values sorted ascending, ``p̃₍ᵢ₎ = max_{j ≤ i} min(1, (m − j + 1) · p₍ⱼ₎)``; reject
    comparison i at level α when ``p̃ᵢ ≤ α``.
    """
    p = np.asarray(p_values, dtype=float)
    if p.size == 0:
        return []
    order = np.argsort(p, kind="stable")
    scaled = np.minimum(1.0, (p.size - np.arange(p.size)) * p[order])
    adjusted = np.empty_like(p)
    adjusted[order] = np.maximum.accumulate(scaled)
    return [float(value) for value in adjusted]


@dataclass(frozen=True)
class ProportionTest:
    difference: float
    statistic: float
    p_value: float


def two_proportion_test(successes_a: int, n_a: int, successes_b: int, n_b: int) -> ProportionTest:
    """Pooled two-proportion z-test of equal success rates, two-sided; difference is ``p_b - p_a``."""
    if min(n_a, n_b) <= 0:
        raise ValueError("Both arms need at least one job.")
    p_a, p_b = successes_a / n_a, successes_b / n_b
    pooled = (successes_a + successes_b) / (n_a + n_b)
    se = math.sqrt(pooled * (1 - pooled) * (1 / n_a + 1 / n_b))
    if se == 0:
        return ProportionTest(p_b - p_a, 0.0, 1.0)
    z = (p_b - p_a) / se
    return ProportionTest(p_b - p_a, z, float(2 * stats.norm.sf(abs(z))))


def paired_sample_size(*, lift: float, sd_difference: float, alpha: float = 0.05, power: float = 0.8) -> int:
    """Smallest number of paired prompts for a two-sided paired t-test to detect ``lift`` stars.

    Exact power from the noncentral t distribution: with ``n`` pairs,
    ``δ = lift / sd_difference · √n``, ``ν = n - 1`` and ``t* = t(1-α/2, ν)``,
    power = ``1 - F_nct(t*; ν, δ) + F_nct(-t*; ν, δ)``; we return the first ``n ≥ 2`` reaching ``power``.
    """
    if lift <= 0 or sd_difference <= 0:
        raise ValueError("lift and sd_difference must be positive.")
    if not 0 < alpha < 1 or not 0 < power < 1:
        raise ValueError("alpha and power are probabilities between 0 and 1.")
    effect = lift / sd_difference
    start = max(2, int(((stats.norm.ppf(1 - alpha / 2) + stats.norm.ppf(power)) / effect) ** 2) - 2)
    for n in range(start, 1_000_000):
        df = n - 1
        critical = stats.t.ppf(1 - alpha / 2, df)
        delta = effect * math.sqrt(n)
        achieved = stats.nct.sf(critical, df, delta) + stats.nct.cdf(-critical, df, delta)
        if achieved >= power:
            return n
    raise ValueError("The lift is too small to detect with fewer than a million pairs.")
