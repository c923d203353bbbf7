"""Agreement between raters: Krippendorff's α (ordinal) against an independent computation, its bootstrap
interval, each rater's offset, and GET /api/analytics/agreement."""

import numpy as np
import pytest

from analytics.agreement import agreement_from_ratings
from tests.factories import (
    ABTestPairFactory,
    ImageRatingFactory,
    JobFactory,
    OutputFactory,
    PromptABTestFactory,
    UserFactory,
)

URL = "/api/analytics/agreement"


def _alpha_ordinal(units: list[list[int]]) -> float:
    """Krippendorff (2011), "Computing Krippendorff's alpha-reliability": coincidences, ordinal δ²."""
    values = list(range(1, 6))
    o = np.zeros((5, 5))
    for unit in units:
        m = len(unit)
        if m < 2:
            continue
        for i, c in enumerate(unit):
            for j, k in enumerate(unit):
                if i != j:
                    o[c - 1, k - 1] += 1 / (m - 1)
    n_c = o.sum(axis=1)
    n = n_c.sum()

    def delta(c, k):
        low, high = min(c, k), max(c, k)
        return (n_c[low - 1:high].sum() - (n_c[c - 1] + n_c[k - 1]) / 2) ** 2

    observed = sum(o[c - 1, k - 1] * delta(c, k) for c in values for k in values)
    expected = sum(n_c[c - 1] * n_c[k - 1] * delta(c, k) for c in values for k in values) / (n - 1)
    return 1 - observed / expected


def _triples(rng, items=60, raters=5, coverage=0.6):
    truth = rng.integers(1, 6, size=items)
    triples = []
    for item in range(items):
        for rater in range(raters):
            if rng.random() < coverage:
                triples.append((item, f"r{rater}", int(np.clip(truth[item] + rng.integers(-1, 2), 1, 5))))
    return triples


def test_alpha_matches_the_textbook_computation_to_1e_9():
    triples = _triples(np.random.default_rng(3))
    units: dict = {}
    for item, _rater, stars in triples:
        units.setdefault(item, []).append(stars)

    result = agreement_from_ratings(triples, bootstrap=0)

    assert result["alpha"] == pytest.approx(_alpha_ordinal(list(units.values())), abs=1e-9)
    assert result["items"] == sum(1 for unit in units.values() if len(unit) >= 2)
    assert result["raters"] == 5


def test_the_bootstrap_interval_holds_alpha_and_repeats():
    triples = _triples(np.random.default_rng(4))

    first, second = agreement_from_ratings(triples), agreement_from_ratings(triples)

    assert first["alpha_low"] < first["alpha"] < first["alpha_high"]
    assert (first["alpha_low"], first["alpha_high"]) == (second["alpha_low"], second["alpha_high"])


def test_perfect_agreement_is_one_and_a_lenient_rater_shows_their_offset():
    same = [(item, rater, stars) for item, stars in enumerate([1, 2, 3, 4, 5, 3]) for rater in ("ann", "bob")]
    lenient = [(item, "ann", stars) for item, stars in enumerate([2, 3, 3, 4])] + [
        (item, "bob", stars + 1) for item, stars in enumerate([2, 3, 3, 4])]

    assert agreement_from_ratings(same, bootstrap=0)["alpha"] == pytest.approx(1.0)
    per_rater = {row["rater"]: row for row in agreement_from_ratings(lenient, bootstrap=0)["per_rater"]}
    assert per_rater["bob"] == {"rater": "bob", "items": 4, "mean_difference": 1.0}
    assert per_rater["ann"]["mean_difference"] == -1.0


def test_one_rater_or_one_value_leaves_alpha_undefined():
    assert agreement_from_ratings([(1, "ann", 4), (2, "ann", 5)])["alpha"] is None  # no output rated twice
    assert agreement_from_ratings([(1, "ann", 4), (1, "bob", 4), (2, "ann", 4), (2, "bob", 4)])["alpha"] is None


@pytest.mark.django_db
def test_alpha_of_a_series_rated_through_the_api_by_three_raters(api):
    from rest_framework.test import APIClient

    raters = []
    for name in ("ann", "bob", "cem"):
        client = APIClient()
        client.force_authenticate(UserFactory(username=name, is_superuser=True))
        raters.append(client)
    test = PromptABTestFactory()
    stars = [(4, 4, 5), (2, 3, 2), (5, 5, 4), (1, 2, 1), (3, 3, None)]
    for index, given in enumerate(stars):
        job = JobFactory(test_series="agree")
        ABTestPairFactory(ab_test=test, baseline_job=job, position=index)
        for client, value in zip(raters, given, strict=True):
            if value is not None:
                assert client.patch(f"/api/generations/{job.pk}/rating", {"rating": value},
                                    format="json").status_code == 200
    JobFactory(test_series="other")

    series = api.get(URL, {"test_series": "agree"})
    by_test = api.get(URL, {"ab_test": str(test.pk)})

    assert series.status_code == by_test.status_code == 200
    body = series.json()
    assert body["alpha"] == pytest.approx(_alpha_ordinal([[v for v in given if v] for given in stars]), abs=1e-9)
    assert {key: body[key] for key in ("items", "raters", "ratings", "criterion")} == {
        "items": 5, "raters": 3, "ratings": 14, "criterion": "stars"}
    assert body["alpha_low"] <= body["alpha"] <= body["alpha_high"]
    assert by_test.json()["alpha"] == body["alpha"] and by_test.json()["ab_test"] == str(test.pk)


@pytest.mark.django_db
def test_alpha_of_one_output_criterion(api):
    ann, bob = UserFactory(username="ann"), UserFactory(username="bob")
    scores = [(4, 4), (2, 3), (5, 5), (1, 2)]
    for a, b in scores:
        output = OutputFactory(job=JobFactory(test_series="agree"))
        ImageRatingFactory(output=output, rating=a, rated_by=ann, criteria="composition")
        ImageRatingFactory(output=output, rating=b, rated_by=bob, criteria="composition")

    response = api.get(URL, {"test_series": "agree", "criterion": "composition"})

    assert response.json()["alpha"] == pytest.approx(_alpha_ordinal([list(s) for s in scores]), abs=1e-9)
    assert (response.json()["items"], response.json()["criterion"]) == (4, "composition")


@pytest.mark.django_db
@pytest.mark.parametrize("params, field", [
    ({}, "test_series"), ({"test_series": "x", "ab_test": "00000000-0000-0000-0000-000000000000"}, "ab_test"),
    ({"ab_test": "not-an-id"}, "ab_test"), ({"test_series": "x", "criterion": "vibes"}, "criterion"),
])
def test_the_api_names_the_wrong_parameter(api, params, field):
    response = api.get(URL, params)

    assert response.status_code == 400 and field in response.json()


def test_the_bootstrap_replicates_use_the_same_alpha_as_the_package():
    from analytics.agreement import _alpha, _alpha_from_coincidences, _unit_coincidences

    triples = _triples(np.random.default_rng(5), items=40, raters=4)
    raters = sorted({r for _i, r, _s in triples})
    items = sorted({i for i, _r, _s in triples})
    matrix = np.full((len(raters), len(items)), np.nan)
    for item, rater, stars in triples:
        matrix[raters.index(rater), items.index(item)] = stars
    matrix = matrix[:, np.sum(~np.isnan(matrix), axis=0) >= 2]

    assert _alpha_from_coincidences(_unit_coincidences(matrix).sum(axis=0)) == pytest.approx(_alpha(matrix), abs=1e-9)


@pytest.mark.django_db
def test_the_ab_test_page_shows_the_raters_agreement(admin_client):
    from generations.services import job_rate

    ann, bob = UserFactory(username="ann"), UserFactory(username="bob")
    test = PromptABTestFactory()
    for index, (a, b) in enumerate([(4, 4), (2, 3), (5, 5), (1, 2)]):
        pair = ABTestPairFactory(ab_test=test, position=index)
        job_rate(job=pair.baseline_job, by=ann, rating=a)
        job_rate(job=pair.baseline_job, by=bob, rating=b)

    page = admin_client.get(f"/admin/analytics/promptabtest/{test.pk}/change/").content.decode()

    expected = f"{_alpha_ordinal([[4, 4], [2, 3], [5, 5], [1, 2]]):.3f}"
    assert f"Krippendorff&#x27;s α (ordinal) {expected}" in page and "over 4 outputs rated by two or more of 2" in page


@pytest.mark.django_db
def test_a_series_name_the_database_cannot_hold_is_refused_by_name(api):
    response = api.get(URL, {"test_series": "a\x00b"})

    assert response.status_code == 400 and "test_series" in response.json()
