"""A/B statistics agree with scipy (and with textbook formulas) to 1e-9."""

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
