"""/api/analytics/: exact numbers over a hand-built dataset (document 001's avg_rating_score = AVG(stars - 1))."""

import pytest

from tests.factories import JobFactory, PromptVersionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def dataset():
    """v1: 5★ 4★; v2: 2★ 1★ 3★ unrated; v3: no jobs; v4 (deleted): 5★."""
    versions = {name: PromptVersionFactory(name=name, user_prompt=f"{name} prompt") for name in ("v1", "v2", "v3")}
    versions["v4"] = PromptVersionFactory(name="v4", deleted_at="2024-01-01T00:00:00Z")
    for name, ratings in (("v1", (5, 4)), ("v2", (2, 1, 3, None)), ("v4", (5,))):
        for rating in ratings:
            JobFactory(prompt_version=versions[name], quality_rating=rating)
    return versions


def test_prompt_performance(api, dataset):
    response = api.get("/api/analytics/prompt-performance")

    assert response.status_code == 200
    assert response.json() == [
        {"id": str(dataset["v1"].pk), "name": "v1", "prompt_preview": "v1 prompt", "generation_count": 2,
         "avg_rating_score": 3.5, "excellent_count": 1, "poor_count": 0},
        {"id": str(dataset["v2"].pk), "name": "v2", "prompt_preview": "v2 prompt", "generation_count": 4,
         "avg_rating_score": 1.0, "excellent_count": 0, "poor_count": 2},
        {"id": str(dataset["v3"].pk), "name": "v3", "prompt_preview": "v3 prompt", "generation_count": 0,
         "avg_rating_score": None, "excellent_count": 0, "poor_count": 0},
    ]


def test_prompt_performance_is_two_queries(api, dataset, django_assert_num_queries):
    with django_assert_num_queries(2):  # the jobs' figures per version, then the live versions
        api.get("/api/analytics/prompt-performance")


def test_rating_distribution(api, dataset):
    response = api.get("/api/analytics/ratings")

    assert response.status_code == 200
    assert response.json() == {
        "total": 7, "rated": 6, "unrated": 1, "avg_rating_score": 14 / 6,
        "by_stars": {"1": 1, "2": 1, "3": 1, "4": 1, "5": 2},
        "by_label": {"FAILED": 1, "POOR": 1, "ACCEPTABLE": 1, "GOOD": 1, "EXCELLENT": 2},
    }


def test_rating_distribution_takes_the_generation_filters(api, dataset):
    response = api.get(f"/api/analytics/ratings?prompt_version_id={dataset['v2'].pk}")

    assert response.json() == {
        "total": 4, "rated": 3, "unrated": 1, "avg_rating_score": 1.0,
        "by_stars": {"1": 1, "2": 1, "3": 1, "4": 0, "5": 0},
        "by_label": {"FAILED": 1, "POOR": 1, "ACCEPTABLE": 1, "GOOD": 0, "EXCELLENT": 0},
    }
    assert api.get("/api/analytics/ratings?rating=7").status_code == 400
