"""One rating per rater: two people rating the same output leave two opinions, the job keeps their mean."""

from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from generations.models import Job, JobRating
from generations.services import job_rate, job_rating_of
from tests.factories import JobFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_each_rater_keeps_their_own_rating_and_the_job_their_mean():
    ann, bob = UserFactory(username="ann"), UserFactory(username="bob")
    job = JobFactory()

    job_rate(job=job, by=ann, rating=4, notes="soft")
    both = job_rate(job=job, by=bob, rating=5)
    ann_again = job_rate(job=job, by=ann, rating=2)
    bob_cleared = job_rate(job=job, by=bob, clear_rating=True)

    assert (both.rating_mean, both.rating_count, both.quality_rating) == (Decimal("4.50"), 2, 5)  # half up
    assert (ann_again.rating_mean, ann_again.quality_rating) == (Decimal("3.50"), 4)
    assert (bob_cleared.rating_mean, bob_cleared.rating_count, bob_cleared.quality_rating) == (Decimal("2.00"), 1, 2)
    assert {(r.rater.username, r.stars, r.notes) for r in JobRating.objects.filter(job=job)} == {
        ("ann", 2, "soft"), ("bob", None, "")}
    assert job_rating_of(job=job, rater=ann).stars == 2 and bob_cleared.rated_by == bob


def test_the_api_writes_the_calling_users_rating():
    job = JobFactory()
    clients = []
    for name in ("ann", "bob", "cem"):
        client = APIClient()
        client.force_authenticate(UserFactory(username=name, is_superuser=True))
        clients.append(client)

    answers = [client.patch(f"/api/generations/{job.pk}/rating", {"rating": stars}, format="json")
               for client, stars in zip(clients, (3, 4, 4), strict=True)]

    assert [answer.status_code for answer in answers] == [200, 200, 200]
    assert (answers[-1].json()["rating_mean"], answers[-1].json()["rating_count"], answers[-1].json()["rating"]) == (
        pytest.approx(11 / 3, abs=0.005), 3, 4)
    assert sorted(JobRating.objects.filter(job=job).values_list("stars", flat=True)) == [3, 4, 4]


def test_existing_ratings_become_their_raters_first_row():
    from importlib import import_module

    from django.apps import apps

    migration = import_module("generations.migrations.0014_job_ratings_one_per_rater")
    reviewer = UserFactory()
    rated = JobFactory(quality_rating=3, rated_by=reviewer, notes="fine")
    JobFactory(quality_rating=None)

    migration.copy_ratings(apps, None)

    rated.refresh_from_db()
    assert list(JobRating.objects.values_list("job_id", "rater_id", "stars", "notes")) == [
        (rated.pk, reviewer.pk, 3, "fine")]
    assert (rated.rating_count, rated.rating_mean) == (1, Decimal("3.00"))
    assert Job.objects.filter(rating_count=0).count() == 1


def test_the_jobs_list_and_the_job_page_start_from_the_reviewers_own_stars(client):
    ann = UserFactory(username="ann", is_superuser=True)
    bob = UserFactory(username="bob", is_superuser=True)
    job = JobFactory(status="completed")
    job_rate(job=job, by=ann, rating=5)

    client.force_login(bob)
    listed = client.get("/admin/generations/job/")
    form = next(form for form in listed.context["cl"].formset.forms if form.instance.pk == job.pk)
    page = client.get(f"/admin/generations/job/{job.pk}/change/")
    client.post("/admin/generations/job/", {
        "form-TOTAL_FORMS": "1", "form-INITIAL_FORMS": "1", "form-0-id": str(job.pk),
        "form-0-quality_rating": "3", "form-0-notes": "", "form-0-failure_reason": "", "_save": "Save"})

    job.refresh_from_db()
    assert form.initial["quality_rating"] is None  # bob has not rated: ann's 5 is not put in his editor
    assert page.context["adminform"].form.initial["quality_rating"] is None
    assert (job.rating_count, job.rating_mean) == (2, Decimal("4.00"))
    assert job_rating_of(job=job, rater=ann).stars == 5 and job_rating_of(job=job, rater=bob).stars == 3


def test_a_rating_without_a_rater_replaces_the_unattributed_one():
    job = JobFactory()

    job_rate(job=job, by=None, rating=2)
    again = job_rate(job=job, by=None, rating=4)

    assert list(JobRating.objects.filter(job=job).values_list("rater_id", "stars")) == [(None, 4)]
    assert (again.rating_count, again.quality_rating) == (1, 4)
