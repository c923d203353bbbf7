"""A/B test results from ratings stored on the pairs' jobs agree with scipy to 1e-9."""

import math

import numpy as np
import pytest
from scipy import stats

from analytics.abtests.report import results_text
from analytics.abtests.results import ab_test_results, results_from_rows
from analytics.abtests.services import ab_test_refresh_results
from tests.factories import ABTestPairFactory, PromptABTestFactory

pytestmark = pytest.mark.django_db
TOL = 1e-9


@pytest.fixture
def stored():
    """60 pairs: seeded ratings, a few unrated outputs, failed, cancelled and queued jobs."""
    rng = np.random.default_rng(11)
    base = rng.integers(1, 6, size=60)
    enhanced = np.clip(base + rng.integers(-1, 3, size=60), 1, 5)
    test = PromptABTestFactory(status="running", planned_pairs=50)
    for n in range(60):
        a_status = "failed" if n in (3, 17) else "cancelled" if n == 30 else "completed"
        b_status = "failed" if n == 44 else "queued" if n == 59 else "completed"
        ABTestPairFactory(
            ab_test=test, position=n + 1, baseline_job__user=None, enhanced_job__user=None,
            baseline_job__status=a_status, enhanced_job__status=b_status,
            baseline_job__failure_reason="timeout" if a_status != "completed" else "",
            enhanced_job__failure_reason="timeout" if b_status == "failed" else "",
            baseline_job__quality_rating=None if a_status != "completed" or n % 13 == 5 else int(base[n]),
            enhanced_job__quality_rating=None if b_status != "completed" or n % 11 == 7 else int(enhanced[n]),
        )
    return test


def _expected(test):
    rows = [(p.baseline_job.quality_rating, p.enhanced_job.quality_rating) for p in test.pairs.all()]
    a = np.array([x for x, _ in rows if x is not None], dtype=float)
    b = np.array([y for _, y in rows if y is not None], dtype=float)
    paired = np.array([(x, y) for x, y in rows if x is not None and y is not None], dtype=float)
    return a, b, paired


def test_results_match_scipy_on_the_stored_ratings(stored):
    a, b, paired = _expected(stored)

    results = ab_test_results(stored)

    assert (results.baseline.rated, results.enhanced.rated, results.rated_pairs) == (a.size, b.size, len(paired))
    for arm, x in ((results.baseline, a), (results.enhanced, b)):
        low, high = stats.t.interval(0.95, x.size - 1, loc=x.mean(), scale=stats.sem(x))
        assert (arm.mean, arm.ci_low, arm.ci_high) == (pytest.approx(x.mean(), abs=TOL), pytest.approx(low, abs=TOL),
                                                       pytest.approx(high, abs=TOL))
    welch = stats.ttest_ind(b, a, equal_var=False)
    ci = welch.confidence_interval(0.95)
    assert results.welch_t == pytest.approx(welch.statistic, abs=TOL)
    assert results.welch_p == pytest.approx(welch.pvalue, abs=TOL)
    assert results.confidence_level == results.probability_improvement_paired  # not 1 - p
    assert results.difference == pytest.approx(b.mean() - a.mean(), abs=TOL)
    assert (results.difference_low, results.difference_high) == (pytest.approx(ci.low, abs=TOL),
                                                                 pytest.approx(ci.high, abs=TOL))
    wilcoxon = stats.wilcoxon(paired[:, 1] - paired[:, 0], zero_method="wilcox")
    assert results.wilcoxon_statistic == pytest.approx(wilcoxon.statistic, abs=TOL)
    assert results.wilcoxon_p == pytest.approx(wilcoxon.pvalue, abs=TOL)
    assert results.observed_sd_difference == pytest.approx(np.std(paired[:, 1] - paired[:, 0], ddof=1), abs=TOL)
    se = math.sqrt(a.var(ddof=1) / a.size + b.var(ddof=1) / b.size)
    assert results.probability_enhanced_better == pytest.approx(stats.norm.cdf((b.mean() - a.mean()) / se), abs=TOL)
    rel = stats.ttest_rel(paired[:, 1], paired[:, 0])
    rel_ci = rel.confidence_interval(0.95)
    d = paired[:, 1] - paired[:, 0]
    assert (results.paired_t, results.paired_p) == (pytest.approx(rel.statistic, abs=TOL),
                                                    pytest.approx(rel.pvalue, abs=TOL))
    assert (results.paired_difference, results.paired_low, results.paired_high) == (
        pytest.approx(d.mean(), abs=TOL), pytest.approx(rel_ci.low, abs=TOL), pytest.approx(rel_ci.high, abs=TOL))
    assert results.probability_improvement_paired == pytest.approx(
        stats.t.sf(-d.mean() / (d.std(ddof=1) / math.sqrt(d.size)), d.size - 1), abs=TOL)
    rho = stored.planned_pairs * float(stored.sd_difference) ** 2 / (-2 * math.log(0.05)
                                                                      + math.log(1 - 2 * math.log(0.05)))
    spread = d.size * np.mean(d * d) + rho
    half = math.sqrt(spread * math.log(spread / (rho * 0.05**2))) / d.size
    assert (results.sequential_low, results.sequential_high) == (pytest.approx(d.mean() - half, abs=TOL),
                                                                 pytest.approx(d.mean() + half, abs=TOL))
    assert results.can_stop == ("enhanced better" if d.mean() - half > 0 else
                                "enhanced worse" if d.mean() + half < 0 else "")


def test_success_rates_and_two_proportion_test_match_scipy(stored):
    results = ab_test_results(stored)

    # Baseline: 2 failed, 1 cancelled (left out); enhanced: 1 failed, 1 queued (left out).
    assert (results.baseline.completed, results.baseline.failed) == (57, 2)
    assert (results.enhanced.completed, results.enhanced.failed) == (58, 1)
    chi2, p_value, _dof, _expected_counts = stats.chi2_contingency([[57, 2], [58, 1]], correction=False)
    assert results.success_difference == pytest.approx(58 / 59 - 57 / 59, abs=TOL)
    assert results.success_z == pytest.approx(math.sqrt(chi2), abs=TOL)
    assert results.success_p == pytest.approx(p_value, abs=TOL)


def test_stored_results_are_the_same_figures(stored):
    expected = ab_test_results(stored).as_json()

    refreshed = ab_test_refresh_results(ab_test=stored)

    refreshed.refresh_from_db()
    assert refreshed.results == expected  # JSON keeps every float exactly
    assert refreshed.total_participants == expected["rated_pairs"]
    assert refreshed.is_complete == (expected["rated_pairs"] >= 50)


def test_results_read_the_outcome_rows_in_two_queries_once_built(stored, django_assert_num_queries):
    ab_test_results(stored)  # the first read builds the test's outcome rows from its jobs
    with django_assert_num_queries(2):
        ab_test_results(stored)


def test_too_few_ratings_say_so_instead_of_failing():
    test = PromptABTestFactory(status="running", planned_pairs=10)
    ABTestPairFactory(ab_test=test, baseline_job__quality_rating=4, enhanced_job__quality_rating=5)
    ABTestPairFactory(ab_test=test, baseline_job__quality_rating=None, enhanced_job__quality_rating=3)

    results = ab_test_results(test)
    stored = ab_test_refresh_results(ab_test=test)

    assert results.message == ("not enough ratings: 1 baseline and 2 enhanced outputs rated; each arm needs 2.")
    assert (results.welch_p, results.difference, results.wilcoxon_p, results.baseline.ci_low) == (None,) * 4
    assert (results.enhanced.mean, results.rated_pairs, results.complete) == (4.0, 1, False)
    assert (stored.confidence_level, stored.quality_improvement, stored.total_participants) == (None, 0, 1)
    assert "Note: not enough ratings" in results_text(stored.results)


def test_constant_ratings_leave_the_test_undefined_but_the_difference_known():
    test = PromptABTestFactory(status="running", planned_pairs=3)
    ABTestPairFactory.create_batch(3, ab_test=test, baseline_job__quality_rating=3, enhanced_job__quality_rating=4)

    results = ab_test_results(test)

    assert (results.difference, results.welch_p, results.paired_p) == (1.0, None, None)
    assert results.confidence_level == results.probability_improvement_paired == 1.0  # every pair +1
    assert results.probability_enhanced_better == 1.0
    assert results.wilcoxon_p == pytest.approx(stats.wilcoxon([1.0, 1.0, 1.0]).pvalue, abs=TOL)
    assert results.warnings == ["Every rating of both arms is the same: the t-test is undefined."]


def test_fewer_pairs_than_planned_are_reported_as_under_powered():
    test = PromptABTestFactory(status="running", planned_pairs=34)
    ABTestPairFactory(ab_test=test, baseline_job__quality_rating=3, enhanced_job__quality_rating=4)
    ABTestPairFactory(ab_test=test, baseline_job__quality_rating=2, enhanced_job__quality_rating=5)

    results = ab_test_results(test)

    assert results.warnings == ["Under-powered: 2 pairs exist for the 34 the power calculation asks for."]


def test_a_clear_effect_says_the_test_can_stop_and_a_tie_says_keep_rating():
    better = results_from_rows([(2, "completed", 4, "completed")] * 3 + [(3, "completed", 5, "completed")] * 3
                               + [(2, "completed", 3, "completed")] * 6, planned_pairs=40)
    tie = results_from_rows([(3, "completed", 4, "completed"), (4, "completed", 3, "completed")] * 6,
                            planned_pairs=40)
    early = results_from_rows([(2, "completed", 5, "completed")] * 4, planned_pairs=40)

    assert better.can_stop == "enhanced better" and better.sequential_low > 0
    assert tie.can_stop == "" and tie.sequential_low < 0 < tie.sequential_high
    assert (early.can_stop, early.sequential_low) == ("", None)  # under SEQUENTIAL_MIN_PAIRS
