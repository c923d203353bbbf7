"""/api/analytics/: exact numbers over a hand-built dataset (document 001's avg_rating_score = AVG(stars - 1))."""

import pytest

from analytics.rollups.buckets import rebuild_all
from analytics.rollups.operations import prompt_version_stats_refresh
from analytics.selectors import rating_distribution
from generations.models import Job
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
    rebuild_all()  # the rollups as the scheduler leaves them (the incremental path: tests below)
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
    with django_assert_num_queries(2):  # the versions' rollup rows, then the live versions
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


def test_a_version_refresh_follows_its_jobs(api, dataset):
    JobFactory(prompt_version=dataset["v3"], quality_rating=5)
    Job.objects.filter(prompt_version=dataset["v1"], quality_rating=4).update(quality_rating=1)

    for version in ("v1", "v3"):
        prompt_version_stats_refresh(dataset[version].pk)  # what the queued refresh after each job change runs

    rows = {row["name"]: row for row in api.get("/api/analytics/prompt-performance").json()}
    assert (rows["v3"]["generation_count"], rows["v3"]["avg_rating_score"], rows["v3"]["excellent_count"]) == (1, 4, 1)
    assert (rows["v1"]["avg_rating_score"], rows["v1"]["poor_count"]) == (2.0, 1)


@pytest.mark.parametrize("query", ["", "?model=sdxl", "?strategy=none", "?model=WAN", "?strategy=qwen&order=asc"])
def test_rating_distribution_from_the_rollup_equals_the_jobs_scan(api, dataset, query):
    JobFactory(model_type="WAN", job_type="text_to_video", enhancement_strategy="qwen", quality_rating=2)
    rebuild_all()
    jobs = Job.objects.all()
    if "model" in query:
        jobs = jobs.filter(model_type=query.split("model=")[1].split("&")[0].upper())
    if "strategy" in query:
        jobs = jobs.filter(enhancement_strategy=query.split("strategy=")[1].split("&")[0])

    response = api.get(f"/api/analytics/ratings{query}")

    expected = rating_distribution(jobs=jobs)
    found = response.json()
    assert found.pop("avg_rating_score") == pytest.approx(expected.pop("avg_rating_score"), abs=1e-12)
    assert found == expected


def test_rating_distribution_reads_the_rollup_unless_filtered_beyond_it(api, dataset, django_assert_num_queries):
    with django_assert_num_queries(1):  # one aggregate of job_ops_daily
        api.get("/api/analytics/ratings?model=SDXL")


def test_the_scheduled_catch_up_refreshes_the_versions_with_recent_jobs(api, dataset):
    from datetime import timedelta

    from django.utils import timezone

    from analytics.models import PromptVersionStats

    Job.objects.filter(prompt_version=dataset["v2"]).update(quality_rating=5)  # no event: a bulk edit
    PromptVersionStats.objects.filter(prompt_version=dataset["v1"]).update(generation_count=99)

    written = rebuild_all(timezone.now() - timedelta(days=1))

    assert written["prompt_version_stats"] == 3  # v1, v2 and the deleted v4 have jobs of today
    rows = {row["name"]: row for row in api.get("/api/analytics/prompt-performance").json()}
    assert (rows["v1"]["generation_count"], rows["v2"]["avg_rating_score"]) == (2, 4.0)
