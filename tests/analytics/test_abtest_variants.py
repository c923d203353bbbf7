"""A/B tests with more than two arms: variants paired with the baseline, Holm, blind order, start and rate."""

from collections import Counter

import numpy as np
import pytest
from django.core.exceptions import ValidationError
from scipy import stats
from statsmodels.stats.multitest import multipletests

from analytics import stats as ours
from analytics.abtests.results import ArmRows, ab_test_results, results_from_arms
from analytics.abtests.selectors import ab_test_blind_pairs, ab_test_job_ids, pair_arm_jobs, pair_arm_order
from analytics.abtests.services import ab_pair_rate, ab_test_create, ab_test_plan, ab_test_start
from analytics.agreement import agreement
from analytics.models import ABTestArmJob, ABTestPair, PromptABTest
from configs.services import model_backend_set
from generations.models import Job
from generations.services import job_rate
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
PLAN = {"target_lift": "1.50", "alpha": "0.050", "power": "0.80", "sd_difference": "1.00"}
TOL = 1e-9


@pytest.fixture
def backends(tmp_path):
    for family in ("qwen", "sdxl", "wan"):
        model_backend_set(family=family, path=str(tmp_path / family), model_name=family)


def _create(**overrides) -> PromptABTest:
    values = {"test_name": "three arms", "test_series": "ab-three", "model_type": "SDXL",
              "baseline": {"enhancement_strategy": "none"}, "enhanced": {"enhancement_strategy": "qwen"},
              "variants": [{"name": "compel", "enhancement_strategy": "compel"}],
              "prompts": [f"prompt number {n}" for n in range(1, 8)], **PLAN}
    return ab_test_create(**{**values, **overrides})


def _arms(rng, pairs: int, shifts) -> list[ArmRows]:
    base = rng.integers(1, 6, pairs)
    arms = [ArmRows("baseline", [int(x) for x in base], ["completed"] * pairs, [1000.0] * pairs)]
    for index, shift in enumerate(shifts):
        stars = np.clip(base + rng.integers(-1, 2, pairs) + shift, 1, 5)
        rated = [int(x) if rng.random() > 0.1 else None for x in stars]  # some outputs unrated
        arms.append(ArmRows("enhanced" if index == 0 else f"v{index}", rated, ["completed"] * pairs,
                            [1100.0] * pairs))
    return arms


def test_every_arm_against_the_baseline_matches_scipy_and_holm_matches_statsmodels():
    rng = np.random.default_rng(7)
    arms = _arms(rng, 60, shifts=(1, 0, -1))

    results = results_from_arms(arms, planned_pairs=50, planned_sd=1.0)

    assert [row["name"] for row in results.variants] == ["enhanced", "v1", "v2"]
    base = arms[0].stars
    p_values = []
    for row, arm in zip(results.variants, arms[1:], strict=True):
        pairs = np.array([(a, b) for a, b in zip(base, arm.stars, strict=True) if b is not None], dtype=float)
        a, b = pairs[:, 0], pairs[:, 1]
        paired = stats.ttest_rel(b, a)
        d = b - a
        half = stats.t.ppf(0.975, d.size - 1) * d.std(ddof=1) / np.sqrt(d.size)
        nonzero = d[d != 0]
        wilcoxon = stats.wilcoxon(nonzero, method="asymptotic")
        welch = stats.ttest_ind(b, np.array(base, dtype=float), equal_var=False)
        assert row["rated_pairs"] == d.size
        assert abs(row["paired_t"] - paired.statistic) < TOL and abs(row["paired_p"] - paired.pvalue) < TOL
        assert abs(row["paired_low"] - (d.mean() - half)) < TOL and abs(row["paired_high"] - (d.mean() + half)) < TOL
        assert abs(row["wilcoxon_p"] - wilcoxon.pvalue) < TOL
        assert abs(row["welch_p"] - welch.pvalue) < TOL
        assert abs(row["probability_improvement_paired"] - stats.t.cdf(d.mean() / (d.std(ddof=1) / np.sqrt(d.size)),
                                                                      d.size - 1)) < TOL
        # Each arm's confidence sequence runs at α / 3 for the three comparisons.
        sequence = ours.sequential_interval(a, b, 50, alpha=0.05 / 3, planned_sd=1.0)
        assert abs(row["sequential_low"] - sequence.low) < TOL and abs(row["sequential_high"] - sequence.high) < TOL
        p_values.append(paired.pvalue)
    holm = multipletests(p_values, method="holm")[1]
    assert max(abs(row["paired_p_holm"] - value) for row, value in zip(results.variants, holm, strict=True)) < TOL
    wilcoxon_holm = multipletests([row["wilcoxon_p"] for row in results.variants], method="holm")[1]
    assert max(abs(row["wilcoxon_p_holm"] - value)
               for row, value in zip(results.variants, wilcoxon_holm, strict=True)) < TOL
    # The headline is the enhanced arm's row.
    assert (results.paired_p, results.paired_difference) == (results.variants[0]["paired_p"],
                                                             results.variants[0]["paired_difference"])


def test_a_two_arm_test_has_one_variant_whose_holm_p_is_its_p():
    rng = np.random.default_rng(3)
    results = results_from_arms(_arms(rng, 30, shifts=(1,)), planned_pairs=20)

    (row,) = results.variants
    assert row["paired_p_holm"] == row["paired_p"] and row["sequential_low"] == results.sequential_low


def test_holm_adjust_matches_statsmodels_on_ties_and_large_values():
    for p_values in ([0.01, 0.01, 0.04, 0.5, 0.9], [0.3], [0.02, 0.6, 0.0001, 0.02], []):
        expected = list(multipletests(p_values, method="holm")[1]) if p_values else []
        assert np.allclose(ours.holm_adjust(p_values), expected, rtol=0, atol=TOL)


def test_plan_shares_alpha_among_the_comparisons():
    one = ab_test_plan(**PLAN)
    three = ab_test_plan(**PLAN, comparisons=3)

    assert three.planned_pairs == ours.paired_sample_size(lift=1.5, sd_difference=1.0, alpha=0.05 / 3, power=0.8)
    assert three.planned_pairs > one.planned_pairs


def test_create_stores_named_variants_and_balanced_blind_orders():
    test = _create(variants=[{"name": "compel", "enhancement_strategy": "compel"},
                             {"enhancement_strategy": "hybrid"}])

    assert [v["name"] for v in test.variants] == ["compel", "variant 3"]
    assert test.variants[0] == {"name": "compel", "prompt_version": None, "enhancement_strategy": "compel",
                                "compel_config": None, "model_config": None}
    pairs = list(test.pairs.order_by("position"))
    orders = [pair_arm_order(pair) for pair in pairs]
    assert all(sorted(order) == [0, 1, 2, 3] for order in orders)
    for place in range(4):  # each arm shown in each place as often as the others, give or take one
        counts = Counter(order[place] for order in orders)
        assert max(counts.values()) - min(counts.get(arm, 0) for arm in range(4)) <= 1
    assert all(pair.enhanced_first == (order.index(1) < order.index(0)) for pair, order in zip(pairs, orders,
                                                                                               strict=True))
    assert test.planned_pairs == ab_test_plan(**PLAN, comparisons=3).planned_pairs


@pytest.mark.parametrize(("variants", "expected"), [
    ([{"name": "Enhanced", "enhancement_strategy": "compel"}],
     {"variants.0.name": ["Another arm is already called 'Enhanced'; give each arm its own name."]}),
    ([{"name": "same", "enhancement_strategy": "qwen"}],
     {"variants.0": ["Arm 'same' runs the same settings as 'enhanced'."]}),
    ([{"name": "x", "enhancement_strategy": "sideways"}],
     {"variants.0.enhancement_strategy": ["Unknown strategy 'sideways'; use one of: none, qwen, compel, hybrid."]}),
    ([{"name": "x", "prompt_version": "nope"}], {"variants.0.prompt_version": ["'nope' is not a prompt version id "
                                                                               "(a UUID)."]}),
    ([{"name": str(n), "enhancement_strategy": "compel"} for n in range(5)],
     {"variants": ["At most 4 variants: 6 arms with the baseline and the enhanced arm."]}),
    (["compel"], {"variants.0": ["An arm is an object with a name and any of: prompt_version, "
                                 "enhancement_strategy, compel_config, model_config."]}),
])
def test_create_refuses_bad_variants_by_field_and_writes_nothing(variants, expected):
    with pytest.raises(ValidationError) as excinfo:
        _create(variants=variants)

    assert excinfo.value.message_dict == expected
    assert PromptABTest.objects.count() == ABTestPair.objects.count() == 0


def test_start_runs_every_arm_on_the_same_prompt_and_seed_and_the_blind_view_shows_each(backends):
    test = _create()
    rater = UserFactory(is_staff=True)

    ab_test_start(ab_test=test, user=rater)

    pairs = list(ABTestPair.objects.filter(ab_test=test).select_related("baseline_job", "enhanced_job")
                 .prefetch_related("arm_jobs__job"))
    assert Job.objects.count() == 3 * len(pairs) and ABTestArmJob.objects.count() == len(pairs)
    for pair in pairs:
        jobs = pair_arm_jobs(pair)
        assert [jobs[arm].enhancement_strategy for arm in (0, 1, 2)] == ["none", "qwen", "compel"]
        assert {job.seed for job in jobs.values()} == {pair.seed}
        assert {job.original_prompt for job in jobs.values()} == {pair.prompt_text}
    assert len(ab_test_job_ids(ab_test=test)) == 3 * len(pairs)

    Job.objects.update(status="completed")
    blind = ab_test_blind_pairs(ab_test=test, rater=rater)
    assert [side.label for side in blind[0].sides] == ["A", "B", "C"]
    pair = ABTestPair.objects.get(pk=blind[0].id)
    variant_label = "ABC"[pair_arm_order(pair).index(2)]
    rated = ab_pair_rate(pair=pair, label=variant_label, rating=5, by=rater)
    assert rated.enhancement_strategy == "compel" and rated.quality_rating == 5


def test_stored_results_read_every_arm_and_agreement_counts_variant_jobs(backends):
    test = _create()
    ab_test_start(ab_test=test, user=None)
    Job.objects.update(status="completed")
    raters = [UserFactory(is_staff=True), UserFactory(is_staff=True)]
    stars = {"none": 2, "qwen": 4, "compel": 3}
    for position, pair in enumerate(ABTestPair.objects.filter(ab_test=test).prefetch_related("arm_jobs__job")
                                    .select_related("baseline_job", "enhanced_job")):
        for job in pair_arm_jobs(pair).values():
            for offset, rater in enumerate(raters):
                job_rate(job=job, by=rater, rating=min(5, stars[job.enhancement_strategy] + (position + offset) % 2))

    results = ab_test_results(PromptABTest.objects.get(pk=test.pk))

    assert [(row["name"], row["figures"]["rated"]) for row in results.variants] == [
        ("enhanced", test.pairs.count()), ("compel", test.pairs.count())]
    assert results.variants[1]["paired_difference"] == pytest.approx(1.0)
    found = agreement(ab_test=test)
    assert found["items"] == 3 * test.pairs.count() and found["raters"] == 2
