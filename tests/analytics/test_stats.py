"""A/B statistics agree with scipy (and with textbook formulas) to 1e-9."""

import itertools
import math

import numpy as np
import pytest
from scipy import stats

from analytics import stats as ab

RNG = np.random.default_rng(7)
BASE = RNG.integers(1, 6, size=60).astype(float)
ENHANCED = np.clip(BASE + RNG.integers(-1, 3, size=60), 1, 5)


def test_mean_interval_matches_scipy():
    interval = ab.mean_interval(BASE)

    low, high = stats.t.interval(0.95, BASE.size - 1, loc=BASE.mean(), scale=stats.sem(BASE))
    assert interval.estimate == pytest.approx(BASE.mean(), abs=1e-12)
    assert (interval.low, interval.high) == (pytest.approx(low, abs=1e-9), pytest.approx(high, abs=1e-9))


def test_welch_test_and_difference_interval_match_scipy():
    result = ab.welch_t_test(BASE, ENHANCED)
    interval = ab.difference_interval(BASE, ENHANCED)

    expected = stats.ttest_ind(ENHANCED, BASE, equal_var=False)
    ci = expected.confidence_interval(0.95)
    assert result.p_value == pytest.approx(expected.pvalue, abs=1e-9)
    assert result.statistic == pytest.approx(expected.statistic, abs=1e-9)
    assert (interval.low, interval.high) == (pytest.approx(ci.low, abs=1e-9), pytest.approx(ci.high, abs=1e-9))


def test_wilcoxon_matches_scipy_on_pairs():
    result = ab.wilcoxon_signed_rank(BASE, ENHANCED)

    expected = stats.wilcoxon(ENHANCED - BASE, zero_method="wilcox")
    assert (result.statistic, result.p_value) == (pytest.approx(expected.statistic, abs=1e-9),
                                                  pytest.approx(expected.pvalue, abs=1e-9))


def _enumerated_wilcoxon_p(differences) -> float:
    """Two-sided p of W⁺ over every sign assignment of the nonzero |d| ranks (independent of scipy's code)."""
    d = np.asarray([x for x in differences if x != 0], dtype=float)
    ranks = stats.rankdata(np.abs(d))
    observed = ranks[d > 0].sum()
    centre = ranks.sum() / 2
    totals = np.array([sum(r for r, keep in zip(ranks, signs, strict=True) if keep)
                       for signs in itertools.product((0, 1), repeat=d.size)])
    return float(np.mean(np.abs(totals - centre) >= abs(observed - centre) - 1e-12))


@pytest.mark.parametrize("a, b, method", [
    ([3, 3, 3, 3, 3], [4, 4, 4, 4, 4], "permutation"),  # five pairs all +1: 2/32
    ([3, 3, 4, 2, 5, 1, 3], [4, 3, 5, 2, 4, 2, 1], "permutation"),  # zeros dropped, then ties
    ([2, 3, 3, 4, 4], [3, 5, 4, 5, 3], "permutation"),      # ties among |d|
    ([1, 2, 3, 1, 2, 1], [2, 4, 3, 5, 2, 1], "exact"),  # zeros dropped first, then distinct |d|
    ([1.0, 2.0, 3.0, 1.0, 2.0], [1.5, 4.0, 1.5, 5.5, 2.25], "exact"),  # distinct |d|: the exact table
])
def test_wilcoxon_small_samples_are_exact(a, b, method):
    differences = np.asarray(b, dtype=float) - np.asarray(a, dtype=float)

    result = ab.wilcoxon_signed_rank(a, b)

    assert ab.wilcoxon_method(differences[differences != 0]) == method
    assert result.p_value == pytest.approx(_enumerated_wilcoxon_p(differences), abs=1e-12)


def test_wilcoxon_five_pairs_all_better_is_two_in_thirty_two():
    assert ab.wilcoxon_signed_rank([3] * 5, [4] * 5).p_value == pytest.approx(2 / 32, abs=1e-12)


def test_wilcoxon_large_tied_samples_use_the_tie_corrected_normal_formula():
    d = ENHANCED - BASE
    d = d[d != 0]
    ranks = stats.rankdata(np.abs(d))
    n = d.size
    _values, counts = np.unique(np.abs(d), return_counts=True)
    variance = n * (n + 1) * (2 * n + 1) / 24 - np.sum(counts**3 - counts) / 48
    z = (ranks[d > 0].sum() - n * (n + 1) / 4) / math.sqrt(variance)

    result = ab.wilcoxon_signed_rank(BASE, ENHANCED)

    assert ab.wilcoxon_method(d) == "normal"
    assert result.p_value == pytest.approx(2 * stats.norm.sf(abs(z)), abs=1e-9)


def test_wilcoxon_identical_arms():
    assert ab.wilcoxon_signed_rank([3, 4], [3, 4]) == ab.TestResult(0.0, 1.0)


def test_probability_b_better_formula():
    se = math.sqrt(BASE.var(ddof=1) / BASE.size + ENHANCED.var(ddof=1) / ENHANCED.size)

    assert ab.probability_b_better(BASE, ENHANCED) == pytest.approx(
        stats.norm.cdf((ENHANCED.mean() - BASE.mean()) / se), abs=1e-12)


def test_two_proportion_test():
    result = ab.two_proportion_test(80, 100, 90, 100)

    pooled = 170 / 200
    z = 0.1 / math.sqrt(pooled * (1 - pooled) * (2 / 100))
    assert result.difference == pytest.approx(0.1, abs=1e-12)
    assert result.statistic == pytest.approx(z, abs=1e-12)
    assert result.p_value == pytest.approx(2 * stats.norm.sf(z), abs=1e-12)


def test_sample_size_reaches_power_and_one_less_does_not():
    n = ab.paired_sample_size(lift=0.5, sd_difference=1.0, alpha=0.05, power=0.8)

    def power(pairs):
        crit = stats.t.ppf(0.975, pairs - 1)
        delta = 0.5 * math.sqrt(pairs)
        return stats.nct.sf(crit, pairs - 1, delta) + stats.nct.cdf(-crit, pairs - 1, delta)

    assert n == 34
    assert power(n) >= 0.8 > power(n - 1)


@pytest.mark.parametrize("kwargs", [{"lift": 0, "sd_difference": 1}, {"lift": 1, "sd_difference": 1, "power": 1.5}])
def test_sample_size_rejects_bad_input(kwargs):
    with pytest.raises(ValueError):
        ab.paired_sample_size(**kwargs)


def test_paired_t_test_and_interval_match_scipy_and_the_textbook_formula():
    d = ENHANCED - BASE
    result = ab.paired_t_test(BASE, ENHANCED)
    interval = ab.paired_difference_interval(BASE, ENHANCED)

    t = d.mean() / (d.std(ddof=1) / math.sqrt(d.size))
    ci = stats.ttest_rel(ENHANCED, BASE).confidence_interval(0.95)
    assert result.statistic == pytest.approx(t, abs=1e-9)
    assert result.p_value == pytest.approx(2 * stats.t.sf(abs(t), d.size - 1), abs=1e-9)
    assert interval.estimate == pytest.approx(d.mean(), abs=1e-12)
    assert (interval.low, interval.high) == (pytest.approx(ci.low, abs=1e-9), pytest.approx(ci.high, abs=1e-9))


def test_paired_probability_of_improvement_is_the_student_t_posterior():
    d = ENHANCED - BASE
    posterior = stats.t(df=d.size - 1, loc=d.mean(), scale=d.std(ddof=1) / math.sqrt(d.size))

    assert ab.probability_improvement_paired(BASE, ENHANCED) == pytest.approx(posterior.sf(0), abs=1e-9)
    assert ab.probability_improvement_paired([1, 2, 3], [2, 3, 4]) == 1.0  # every pair +1: no spread
    assert ab.probability_improvement_paired([3, 3], [3, 3]) == 0.5


def test_pairing_narrows_the_interval_when_prompts_differ_more_than_arms():
    """Same prompt and seed in both arms: the paired interval removes the prompt-to-prompt spread."""
    prompt_quality = RNG.integers(1, 5, size=40).astype(float)
    a, b = prompt_quality, np.clip(prompt_quality + RNG.choice([0.0, 1.0], size=40), 1, 5)

    paired, welch = ab.paired_difference_interval(a, b), ab.difference_interval(a, b)

    assert paired.high - paired.low < welch.high - welch.low
    assert ab.paired_t_test(a, b).p_value < ab.welch_t_test(a, b).p_value


def test_paired_figures_need_pairs_of_equal_length():
    with pytest.raises(ValueError):
        ab.paired_t_test([1, 2, 3], [1, 2])


def test_the_confidence_sequence_is_the_normal_mixture_boundary():
    d = ENHANCED - BASE
    alpha, planned, planned_sd = 0.05, 23, 1.2
    variance = np.mean(d * d)
    rho = planned * planned_sd**2 / (-2 * math.log(alpha) + math.log(1 - 2 * math.log(alpha)))
    half = math.sqrt((d.size * variance + rho) * math.log((d.size * variance + rho) / (rho * alpha**2))) / d.size

    interval = ab.sequential_interval(BASE, ENHANCED, planned, planned_sd=planned_sd)

    assert (interval.estimate, interval.low, interval.high) == (
        pytest.approx(d.mean(), abs=1e-12), pytest.approx(d.mean() - half, abs=1e-9),
        pytest.approx(d.mean() + half, abs=1e-9))
    assert ab.sequential_interval(BASE[:4], ENHANCED[:4], planned) is None  # fewer than SEQUENTIAL_MIN_PAIRS
    fixed = ab.paired_difference_interval(BASE, ENHANCED)
    assert interval.high - interval.low > fixed.high - fixed.low  # the price of looking at every rating


@pytest.mark.parametrize("stars, planned, planned_sd", [
    ((0.1, 0.15, 0.3, 0.3, 0.15), 23, 1.2), ((0.02, 0.03, 0.1, 0.35, 0.5), 100, 0.8),
    ((0.6, 0.2, 0.1, 0.05, 0.05), 10, 2.0), ((0.1, 0.15, 0.3, 0.3, 0.15), 23, None),  # None: plug-in
])
def test_peeking_after_every_rating_stops_falsely_in_at_most_5_percent_of_runs(stars, planned, planned_sd):
    """No effect (both arms draw stars from one distribution): a test that looks after every rated pair,
    from the first look to 300 pairs, and stops once the sequence excludes 0, must rarely stop."""
    rng = np.random.default_rng(11)
    runs, pairs = 2000, 300
    d = (rng.choice(np.arange(1, 6), size=(runs, pairs), p=stars)
         - rng.choice(np.arange(1, 6), size=(runs, pairs), p=stars)).astype(float)
    n = np.arange(1, pairs + 1)
    mean, second_moment = np.cumsum(d, axis=1) / n, np.cumsum(d * d, axis=1) / n
    half = ab.sequential_half_width(n, second_moment, planned, planned_sd=planned_sd)
    looked = n >= ab.SEQUENTIAL_MIN_PAIRS

    stopped = ((np.abs(mean) > half) & (half > 0) & looked).any(axis=1).mean()

    assert stopped <= 0.05


def test_the_sequence_stops_a_test_with_a_real_effect():
    rng = np.random.default_rng(12)
    a = rng.choice(np.arange(1, 6), size=(500, 200), p=(0.1, 0.2, 0.4, 0.2, 0.1)).astype(float)
    b = np.clip(a + rng.choice([0.0, 1.0], size=a.shape, p=(0.4, 0.6)), 1, 5)  # about +0.5 stars
    d, n = b - a, np.arange(1, 201)
    half = ab.sequential_half_width(n, np.cumsum(d * d, axis=1) / n, 23, planned_sd=1.2)

    stopped = ((np.cumsum(d, axis=1) / n - half > 0) & (n >= ab.SEQUENTIAL_MIN_PAIRS)).any(axis=1).mean()

    assert stopped > 0.95
