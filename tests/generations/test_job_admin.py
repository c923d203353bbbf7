"""The jobs changelist: a fixed number of queries whatever the row count, filters that work."""

import re

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


def test_changelist_shows_the_clip_score_beside_the_stars_with_one_decimal(admin_client):
    JobFactory(original_prompt="scored job", clip_score=27.46, quality_rating=4)
    JobFactory(original_prompt="unscored job")

    body = admin_client.get(URL).content.decode()

    assert '<th scope="col" class="sortable column-clip_column">' in body
    assert body.index("column-quality_rating") < body.index("column-clip_column") < body.index("column-notes")
    assert '<td class="field-clip_column"><span class="num">27.5</span></td>' in body
    assert '<td class="field-clip_column"><span class="num">—</span></td>' in body


def test_the_stars_column_is_headed_your_stars_by_the_server(admin_client):
    JobFactory(quality_rating=4)

    body = admin_client.get(URL).content.decode()

    header = re.search(r'<th scope="col" class="[^"]*column-quality_rating">(.*?)</th>', body, re.DOTALL).group(1)
    assert '<span title="Your own rating; the raters&#x27; mean is on the job page">Your stars</span>' in header
    assert "uality rating" not in header
    assert body.count("Your stars") == 1  # and no script renames it after load


def test_changelist_sorts_by_clip_score(admin_client):
    for score in (30.0, 10.0, 20.0):
        JobFactory(original_prompt=f"clip {score:g}", clip_score=score)
    column = admin_client.get(URL).context["cl"].list_display.index("clip_column")

    response = admin_client.get(URL, {"o": str(column)})

    assert [job.clip_score for job in response.context["cl"].result_list] == [10.0, 20.0, 30.0]


def test_job_page_shows_the_clip_score_of_the_job_and_of_each_output(admin_client):
    from tests.factories import OutputFactory

    job = JobFactory(clip_score=24.25)
    OutputFactory(job=job, order_index=0, clip_score=22.04)
    OutputFactory(job=job, order_index=1, clip_score=26.46)

    body = admin_client.get(reverse("admin:generations_job_change", args=[job.pk])).content.decode()

    assert "24.2 (mean over the outputs of 100 × the cosine" in body
    cells = re.findall(r'<td class="field-clip_score_shown">\s*<p>([^<]*)</p>', body)
    assert cells == ["22.0", "26.5"]
