"""GET /api/analytics/clip-correlation: ρ between CLIP scores and stars, its validation and permission."""

from decimal import Decimal

import pytest
from rest_framework.test import APIClient
from scipy import stats

from tests.factories import ABTestPairFactory, JobFactory, PromptABTestFactory, UserFactory

pytestmark = pytest.mark.django_db
URL = "/api/analytics/clip-correlation"
ROWS = [(21.5, "2.00"), (30.25, "4.50"), (26.0, "3.00"), (33.0, "4.00")]


def test_a_series_gives_rho_p_value_and_n(api):
    for clip, stars in ROWS:
        JobFactory(test_series="sweep", clip_score=clip, rating_mean=Decimal(stars), rating_count=1)
    expected = stats.spearmanr([clip for clip, _ in ROWS], [float(stars) for _, stars in ROWS])

    response = api.get(URL, {"test_series": "sweep"})

    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"rho", "p_value", "n", "test_series", "ab_test"}
    assert (body["n"], body["test_series"], body["ab_test"]) == (4, "sweep", None)
    assert body["rho"] == pytest.approx(expected.statistic, abs=1e-9)
    assert body["p_value"] == pytest.approx(expected.pvalue, abs=1e-9)


def test_an_ab_test_without_scored_jobs_answers_nulls(api):
    pair = ABTestPairFactory()

    response = api.get(URL, {"ab_test": str(pair.ab_test_id)})

    assert response.status_code == 200
    assert response.json() == {"rho": None, "p_value": None, "n": 0, "test_series": None,
                               "ab_test": str(pair.ab_test_id)}


@pytest.mark.parametrize("params, field", [
    ({}, "test_series"),
    ({"ab_test": "not-an-id"}, "ab_test"),
    ({"ab_test": "00000000-0000-0000-0000-000000000000"}, "ab_test"),
    ({"ab_test": "\x00"}, "ab_test"),
    ({"test_series": "a\x00b"}, "test_series"),
])
def test_a_bad_or_missing_parameter_is_named(api, params, field):
    response = api.get(URL, params)

    assert response.status_code == 400 and field in response.json()


def test_series_and_ab_test_together_are_refused(api):
    test = PromptABTestFactory()

    response = api.get(URL, {"test_series": "sweep", "ab_test": str(test.pk)})

    assert response.status_code == 400 and list(response.json()) == ["test_series"]


def test_viewers_read_it_and_staff_without_the_job_permission_do_not(role_client):
    no_permission = APIClient()
    no_permission.force_authenticate(UserFactory(username="staff-only"))

    assert role_client("viewer").get(URL, {"test_series": "sweep"}).status_code == 200
    assert no_permission.get(URL, {"test_series": "sweep"}).status_code == 403
    assert APIClient().get(URL, {"test_series": "sweep"}).status_code in (401, 403)
