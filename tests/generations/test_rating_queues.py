"""Rating queues: items shared out with an overlap share, each rater's own stream, progress per rater."""

from collections import Counter

import pytest

from generations.models import RatingAssignment, RatingQueue
from generations.rating_queues import rating_queue_create, rating_queue_jobs_for, rating_queue_progress
from generations.services import job_rate
from tests.factories import ABTestPairFactory, JobFactory, PromptABTestFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def raters():
    return [UserFactory(username=name, is_staff=True) for name in ("ann", "bob", "cem")]


def test_every_item_gets_a_rater_and_the_overlap_share_gets_two(raters):
    jobs = JobFactory.create_batch(20, status="completed", test_series="queue")
    JobFactory(status="failed", failure_reason="timeout", test_series="queue")  # nothing to rate

    queue = rating_queue_create(name="Q", raters=raters, test_series="queue", overlap="0.25")

    per_job = Counter(RatingAssignment.objects.filter(queue=queue).values_list("job_id", flat=True))
    per_rater = Counter(RatingAssignment.objects.filter(queue=queue).values_list("rater__username", flat=True))
    assert set(per_job) == {job.pk for job in jobs}
    assert sorted(Counter(per_job.values()).items()) == [(1, 15), (2, 5)]  # 25% of 20 items by two raters
    assert max(per_rater.values()) - min(per_rater.values()) <= 1  # shared out evenly


def test_each_rater_streams_their_own_items_and_progress_follows(raters):
    ann, bob, _cem = raters
    JobFactory.create_batch(6, status="completed", test_series="queue")
    queue = rating_queue_create(name="Q", raters=[ann, bob], test_series="queue", overlap=1)

    first = rating_queue_jobs_for(queue=queue, rater=ann).first()
    job_rate(job=first, by=ann, rating=4)
    job_rate(job=first, by=UserFactory(username="outsider"), rating=2)  # someone else's rating changes nothing

    assert rating_queue_jobs_for(queue=queue, rater=ann).count() == 5
    assert first in rating_queue_jobs_for(queue=queue, rater=bob)  # bob still rates it (overlap 1: all shared)
    assert rating_queue_progress(queue=queue) == [
        {"rater": "ann", "assigned": 6, "rated": 1, "left": 5}, {"rater": "bob", "assigned": 6, "rated": 0, "left": 6}]


def test_a_queue_over_given_jobs_holds_both_arms_of_an_ab_test(raters):
    test = PromptABTestFactory()
    pairs = ABTestPairFactory.create_batch(3, ab_test=test, baseline_job__status="completed",
                                           enhanced_job__status="completed")
    jobs = [job.pk for pair in pairs for job in (pair.baseline_job, pair.enhanced_job)]

    queue = rating_queue_create(name="AB", raters=raters[:1], jobs=jobs, source=f"A/B test {test.test_name}")

    assert set(RatingAssignment.objects.filter(queue=queue).values_list("job_id", flat=True)) == {
        job.pk for pair in pairs for job in (pair.baseline_job, pair.enhanced_job)}


@pytest.mark.parametrize("values, field", [
    ({"name": ""}, "name"), ({"raters": []}, "raters"), ({"overlap": "1.5"}, "overlap"),
    ({"overlap": "0.5", "one_rater": True}, "overlap"), ({"test_series": ""}, "test_series"),
    ({"test_series": "empty"}, "test_series"),
])
def test_bad_values_are_named_and_nothing_is_written(raters, values, field):
    from django.core.exceptions import ValidationError

    JobFactory(status="completed", test_series="queue")
    arguments = {"name": "Q", "raters": raters[:1] if values.pop("one_rater", False) else raters,
                 "test_series": "queue", "overlap": 0, **values}

    with pytest.raises(ValidationError) as caught:
        rating_queue_create(**arguments)

    assert field in caught.value.message_dict and not RatingQueue.objects.exists()


def test_the_admin_makes_a_queue_and_the_rating_page_streams_it(admin_client, raters, superuser):
    JobFactory.create_batch(4, status="completed", test_series="queue")

    made = admin_client.post("/admin/generations/ratingqueue/add/", {
        "name": "Mine", "test_series": "queue", "overlap": "0", "raters": [str(superuser.pk)]}, follow=True)
    queue = RatingQueue.objects.get(name="Mine")
    page = admin_client.get("/admin/generations/job/rate/", {"queue": str(queue.pk)})
    refused = admin_client.post("/admin/generations/ratingqueue/add/", {
        "name": "Bad", "test_series": "queue", "overlap": "0.5", "raters": [str(superuser.pk)]})

    assert made.status_code == 200 and len(page.context["cards"]) == 4
    assert page.context["title"] == "Rating queue Mine: 4 item(s) left for you"
    assert refused.status_code == 200 and "Overlap needs two raters or more." in refused.content.decode()
    assert not RatingQueue.objects.filter(name="Bad").exists()


def test_the_api_makes_a_queue_over_an_ab_test_and_reports_progress(api, raters):
    test = PromptABTestFactory()
    ABTestPairFactory.create_batch(2, ab_test=test, baseline_job__status="completed",
                                   enhanced_job__status="completed")

    made = api.post("/api/rating-queues/", {"name": "AB queue", "ab_test": str(test.pk), "raters": ["ann", "bob"],
                                            "overlap": "0.5"}, format="json")
    detail = api.get(f"/api/rating-queues/{made.json()['id']}/")
    unknown = api.post("/api/rating-queues/", {"name": "X", "test_series": "queue", "raters": ["nobody"]},
                       format="json")

    assert made.status_code == 201 and made.json()["source"] == f"A/B test {test.test_name}"
    assert sum(row["assigned"] for row in detail.json()["progress"]) == 6  # 4 jobs, half of them twice
    assert unknown.status_code == 400 and "raters" in unknown.json()
