"""The jobs changelist: a fixed number of queries whatever the row count, filters that work."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ourvidz_admin.choices import EnhancementStrategy, JobStatus
from tests.factories import JobFactory, UserFactory

pytestmark = pytest.mark.django_db
URL = reverse("admin:generations_job_changelist")

# session, user, count (capped), page of rows, user filter choices (+ savepoints the test client adds none)
EXPECTED_QUERIES = 5


def _make_jobs(count: int):
    users = UserFactory.create_batch(3)
    for index in range(count):
        JobFactory(user=users[index % 3])


@pytest.mark.parametrize("rows", [3, 40])
def test_changelist_query_count_does_not_grow_with_rows(admin_client, django_assert_num_queries, rows):
    _make_jobs(rows)

    with django_assert_num_queries(EXPECTED_QUERIES):
        response = admin_client.get(URL)

    assert response.status_code == 200
    assert response.context["cl"].result_count == rows


def test_changelist_never_counts_the_whole_table(admin_client):
    _make_jobs(3)

    with CaptureQueriesContext(connection) as captured:
        admin_client.get(URL, {"status__exact": "completed"})

    counts = [q["sql"] for q in captured.captured_queries if "COUNT(" in q["sql"].upper()]
    assert len(counts) == 1
    assert "LIMIT" in counts[0].upper()


def test_changelist_filters_by_status_and_strategy(admin_client):
    JobFactory(status=JobStatus.FAILED, failure_reason="timeout", enhancement_strategy=EnhancementStrategy.QWEN)
    JobFactory(status=JobStatus.COMPLETED, enhancement_strategy=EnhancementStrategy.QWEN)
    JobFactory(status=JobStatus.FAILED, failure_reason="out_of_memory")

    response = admin_client.get(URL, {"status__exact": "failed", "enhancement_strategy__exact": "qwen"})

    assert response.context["cl"].result_count == 1
    assert response.context["cl"].result_list[0].failure_reason == "timeout"


def test_changelist_defers_long_text(admin_client):
    JobFactory(enhanced_prompt="x" * 5000)

    with CaptureQueriesContext(connection) as captured:
        admin_client.get(URL)

    page_query = next(q["sql"] for q in captured.captured_queries if "ORDER BY" in q["sql"] and '"jobs"' in q["sql"])
    assert "enhanced_prompt" not in page_query
    assert "original_prompt" in page_query


def test_job_page_shows_lineage(admin_client):
    job = JobFactory(lineage={"template_versions": {"sdxl/system": 3}, "rule_ids": ["r1"]})

    response = admin_client.get(reverse("admin:generations_job_change", args=[job.pk]))

    body = response.content.decode()
    assert "template_versions" in body
    assert "rule_ids" in body
