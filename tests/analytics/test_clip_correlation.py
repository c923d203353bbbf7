"""Spearman's ρ between CLIP scores and the raters' mean stars, checked against scipy, per series and A/B test."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from scipy import stats

from analytics.clip_correlation import clip_correlation, clip_star_pairs, spearman_clip_stars
from tests.factories import ABTestPairFactory, JobFactory, PromptABTestFactory

# (clip score, mean stars): ties on both sides, as real ratings have
SERIES = [(31.2, "4.50"), (24.0, "3.00"), (27.9, "3.00"), (19.4, "1.50"), (33.3, "5.00"), (22.1, "3.50"),
          (27.9, "4.00"), (18.0, "2.00")]


def _series(name: str, rows) -> list:
    return [JobFactory(test_series=name, clip_score=clip, rating_mean=Decimal(stars), rating_count=2,
                       quality_rating=round(float(stars))) for clip, stars in rows]


@pytest.mark.django_db
def test_rho_of_a_series_is_scipys_to_1e_9():
    _series("lighting", SERIES)
    JobFactory(test_series="lighting", clip_score=30.0)  # not rated: not a pair
    JobFactory(test_series="lighting", rating_mean=Decimal("4.00"), rating_count=1)  # not scored: not a pair
    _series("other", [(10.0, "5.00")])
    expected = stats.spearmanr([clip for clip, _ in SERIES], [float(stars) for _, stars in SERIES])

    found = clip_correlation(test_series="lighting")

    assert found["n"] == 8
    assert found["rho"] == pytest.approx(expected.statistic, abs=1e-9)
    assert found["p_value"] == pytest.approx(expected.pvalue, abs=1e-9)
    assert (found["test_series"], found["ab_test"]) == ("lighting", None)


@pytest.mark.django_db
def test_rho_of_an_ab_test_reads_every_arm_and_nothing_else_of_its_series():
    test = PromptABTestFactory(test_series="couples-v1")
    rows = iter(SERIES)
    for _ in range(4):
        pair = ABTestPairFactory(ab_test=test)
        for job in (pair.baseline_job, pair.enhanced_job):
            clip, stars = next(rows)
            job.clip_score, job.rating_mean, job.rating_count = clip, Decimal(stars), 1
            job.save()
    JobFactory(test_series="couples-v1", clip_score=50.0, rating_mean=Decimal("1.00"))  # same series, no pair
    pairs = clip_star_pairs(ab_test=test)
    expected = stats.spearmanr([clip for clip, _ in pairs], [float(stars) for _, stars in pairs])

    found = clip_correlation(ab_test=test)

    assert sorted((clip, str(stars)) for clip, stars in pairs) == sorted(SERIES)
    assert found["n"] == 8 and found["ab_test"] == str(test.pk) and found["test_series"] is None
    assert found["rho"] == pytest.approx(expected.statistic, abs=1e-9)
    assert found["p_value"] == pytest.approx(expected.pvalue, abs=1e-9)


def test_a_perfect_ranking_is_one_and_a_reversed_one_minus_one():
    assert spearman_clip_stars([(10, 1), (20, 2), (30, 5)])["rho"] == pytest.approx(1.0)
    assert spearman_clip_stars([(10, 5), (20, 2), (30, 1), (40, 1)])["rho"] == pytest.approx(
        stats.spearmanr([10, 20, 30, 40], [5, 2, 1, 1]).statistic, abs=1e-12)


@pytest.mark.parametrize("pairs, n", [
    ([], 0),
    ([(20.0, 3.0), (25.0, 4.0)], 2),  # fewer than 3 pairs
    ([(20.0, 3.0), (25.0, 3.0), (30.0, 3.0), (35.0, 3.0)], 4),  # constant stars
    ([(25.0, 1.0), (25.0, 2.0), (25.0, 5.0)], 3),  # constant CLIP score
    ([(20.0, None), (None, 2.0), (30.0, 4.0), (35.0, 5.0)], 2),  # incomplete pairs are left out
])
def test_rho_is_none_where_it_is_undefined(pairs, n):
    assert spearman_clip_stars(pairs) == {"rho": None, "p_value": None, "n": n}


@pytest.mark.django_db
def test_an_empty_series_has_no_rho(django_assert_num_queries):
    with django_assert_num_queries(1):
        found = clip_correlation(test_series="nothing-here")

    assert found == {"rho": None, "p_value": None, "n": 0, "test_series": "nothing-here", "ab_test": None}


@pytest.mark.django_db
@pytest.mark.parametrize("kwargs", [{}, {"test_series": "x", "ab_test": "given below"}])
def test_one_of_series_and_ab_test_is_required(kwargs):
    if "ab_test" in kwargs:
        kwargs["ab_test"] = PromptABTestFactory()

    with pytest.raises(ValidationError) as caught:
        clip_correlation(**kwargs)

    assert list(caught.value.message_dict) == ["test_series"]


def test_a_series_name_with_a_nul_character_is_refused_by_name():
    with pytest.raises(ValidationError) as caught:
        clip_correlation(test_series="a\x00b")

    assert caught.value.message_dict == {"test_series": ["Null characters are not allowed."]}
