"""Estimated counts: exact up to the cap, an estimate past it, never below cap + 1."""

import pytest
from django.db import connection

from generations.models import Job
from ourvidz_admin.admin.paginators import EstimatedCountPaginator, estimated_count, planner_estimate
from tests.factories import JobFactory

pytestmark = pytest.mark.django_db


def test_exact_below_cap():
    JobFactory.create_batch(4)

    assert estimated_count(Job.objects.all(), cap=10) == 4


def test_past_cap_is_at_least_cap_plus_one():
    JobFactory.create_batch(8)

    count = estimated_count(Job.objects.all(), cap=5)

    assert count >= 6
    if connection.vendor != "postgresql":
        assert count == 6


def test_planner_estimate_only_on_postgresql():
    estimate = planner_estimate(Job.objects.filter(status="completed"))

    if connection.vendor == "postgresql":
        assert isinstance(estimate, int) and estimate >= 0
    else:
        assert estimate is None


def test_paginator_pages_use_the_estimate(settings):
    settings.ADMIN_COUNT_CAP = 5
    JobFactory.create_batch(7)

    paginator = EstimatedCountPaginator(Job.objects.order_by("-created_at"), per_page=3)

    assert paginator.count >= 6
    assert len(paginator.page(1).object_list) == 3
