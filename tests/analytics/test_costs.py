"""Costs per model, strategy, prompt and user, and per rated-4+ output: selectors, the admin page and the API.

The jobs are priced through the lifecycle at the seeded rates ($0.40 per million tokens, $2.50 per GPU-hour).
"""

import re
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.db import connection
from django.urls import reverse
from rest_framework.test import APIClient

from analytics.costs import (
    cost_per_good_output,
    cost_report,
    costs_by_model,
    costs_by_prompt,
    costs_by_strategy,
    costs_by_user,
)
from analytics.dashboards.common import DayRange
from analytics.rollups.buckets import rebuild_all
from generations import lifecycle
from generations.lifecycle import StageRecord
from generations.models import Job
from tests.factories import JobFactory, PromptFactory, PromptVersionFactory, UserFactory

pytestmark = pytest.mark.django_db
DAY = date(2026, 3, 10)
NOON = datetime(2026, 3, 10, 12, tzinfo=UTC)
SINCE, UNTIL = datetime(2026, 3, 10, tzinfo=UTC), datetime(2026, 3, 11, tzinfo=UTC)


def _run(job: Job, *, tokens: int | None, ms: int, rating: int | None) -> Job:
    """The job's stages as the worker records them (``tokens`` None: no enhance stage), then its rating."""
    family = job.model_type.lower()
    if tokens is not None:
        Job.objects.filter(pk=job.pk).update(status="processing")
        job.refresh_from_db()
        record = StageRecord(model_family="qwen_base", use_case="enhancement", input_prompt=job.original_prompt,
                             output_prompt="rewritten", response_time_ms=500, tokens_in=tokens, tokens_out=0)
        lifecycle.job_enhanced(job=job, enhanced_prompt="rewritten", record=record, expansion=None)
    Job.objects.filter(pk=job.pk).update(status="processing")
    job.refresh_from_db()
    record = StageRecord(model_family=family, use_case=job.job_type, input_prompt=job.original_prompt,
                         output_prompt=job.original_prompt, response_time_ms=ms)
    lifecycle.job_complete(job=job, outputs=[], record=record, fields={})
    Job.objects.filter(pk=job.pk).update(quality_rating=rating)
    return Job.objects.get(pk=job.pk)


@pytest.fixture
def ledger():
    alice, bob = UserFactory(username="alice"), UserFactory(username="bob")
    enhancer = PromptFactory(name="sdxl-prompt-enhancer")
    guide = PromptFactory(name="portrait-lighting-guide")
    version = PromptVersionFactory(prompt=guide, system_prompt="Add studio lighting.")
    sdxl = dict(created_at=NOON, status="queued")
    wan = dict(created_at=NOON, status="queued", model_type="WAN", job_type="text_to_video")
    jobs = {
        # enhance 52 tokens = 0.000021 (guide, its version's system prompt); generate 3.6 s = 0.0025 (guide)
        "j1": _run(JobFactory(user=alice, prompt_version=version, enhancement_strategy="qwen", **sdxl),
                   tokens=52, ms=3600, rating=5),
        # enhance 250 tokens = 0.0001 (the SDXL enhancer); generate 7.2 s = 0.005 (no library prompt)
        "j2": _run(JobFactory(user=bob, enhancement_strategy="qwen", **sdxl), tokens=250, ms=7200, rating=4),
        # generate 90 s = 0.0625 (guide)
        "j3": _run(JobFactory(user=alice, prompt_version=version, **wan), tokens=None, ms=90_000, rating=2),
        # failed before any stage: no cost
        "j4": JobFactory(user=bob, enhancement_strategy="compel", created_at=NOON, status="failed",
                         failure_reason="timeout"),
        # the day before: outside the period
        "old": _run(JobFactory(user=bob, **{**sdxl, "created_at": NOON - timedelta(days=1)}), tokens=None,
                    ms=36_000, rating=5),
    }
    rebuild_all()  # the rollups the pages read, as the incremental refresh and the scheduler keep them
    return {"alice": alice, "bob": bob, "enhancer": enhancer, "guide": guide, **jobs}


def _figures(rows) -> list[tuple]:
    return [(r.key, r.jobs, r.enhancement_cost, r.generation_cost, r.total_cost, r.good_outputs,
             r.cost_per_good_output) for r in rows]


D = Decimal


def test_costs_per_model_and_strategy(ledger):
    assert _figures(costs_by_model(SINCE, UNTIL)) == [
        # 0.007621 / 2 = 0.0038105 → 0.003811 (half up)
        ("SDXL", 3, D("0.000121"), D("0.007500"), D("0.007621"), 2, D("0.003811")),
        ("WAN", 1, D("0.000000"), D("0.062500"), D("0.062500"), 0, None),
    ]
    assert _figures(costs_by_strategy(SINCE, UNTIL)) == [
        ("none", 1, D("0.000000"), D("0.062500"), D("0.062500"), 0, None),
        ("qwen", 2, D("0.000121"), D("0.007500"), D("0.007621"), 2, D("0.003811")),
        ("compel", 1, D("0.000000"), D("0.000000"), D("0.000000"), 0, None),
    ]


def test_costs_per_user_most_first(ledger):
    assert _figures(costs_by_user(SINCE, UNTIL)) == [
        (ledger["alice"].pk, 2, D("0.000021"), D("0.065000"), D("0.065021"), 1, D("0.065021")),
        (ledger["bob"].pk, 2, D("0.000100"), D("0.005000"), D("0.005100"), 1, D("0.005100")),
    ]
    assert [row.label for row in costs_by_user(SINCE, UNTIL, limit=1)] == ["alice"]


def test_each_stage_is_attributed_to_its_prompt_the_generate_stage_included(ledger):
    rows = costs_by_prompt(SINCE, UNTIL)

    assert [(r.label, r.jobs, r.enhancement_cost, r.generation_cost, r.total_cost) for r in rows] == [
        ("portrait-lighting-guide", 2, D("0.000021"), D("0.065000"), D("0.065021")),
        ("(no library prompt)", 1, D("0.000000"), D("0.005000"), D("0.005000")),
        ("sdxl-prompt-enhancer", 1, D("0.000100"), D("0.000000"), D("0.000100")),
    ]
    assert [r.key for r in rows] == [ledger["guide"].pk, None, ledger["enhancer"].pk]
    assert sum(r.total_cost for r in rows) == cost_report(DayRange(DAY, DAY))["total"].total_cost


def _independent_cost_per_good_output(since, until, model=None):
    """docs/metrics.md "Costs", written again in SQL: Σ (enhancement_cost + generation_cost, missing = 0) of the
    jobs created in [since, until) / the number of those with quality_rating ≥ 4."""
    where, params = "created_at >= %s AND created_at < %s", [since, until]
    if model:
        where, params = where + " AND model_type = %s", [*params, model]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(enhancement_cost, 0), COALESCE(generation_cost, 0), quality_rating "
                       f"FROM jobs WHERE {where}", params)
        rows = cursor.fetchall()
    total = sum((Decimal(str(e)) + Decimal(str(g)) for e, g, _ in rows), Decimal(0))
    good = sum(1 for _e, _g, rating in rows if rating is not None and rating >= 4)
    return None if good == 0 else (total / good).quantize(Decimal("0.000001"), ROUND_HALF_UP)


@pytest.mark.parametrize("since,until,model", [
    (SINCE, UNTIL, None), (SINCE, UNTIL, "SDXL"), (SINCE, UNTIL, "WAN"),
    (SINCE - timedelta(days=1), UNTIL, None), (SINCE - timedelta(days=1), SINCE, "SDXL"),
    (UNTIL, UNTIL + timedelta(days=1), None),
])
def test_cost_per_good_output_matches_its_definition(ledger, since, until, model):
    assert cost_per_good_output(since, until, model) == _independent_cost_per_good_output(since, until, model)


def test_cost_per_good_output_of_the_day(ledger):
    # (0.002521 + 0.0051 + 0.0625 + 0) / 2 jobs rated 4+ (j1, j2) = 0.0350605
    assert cost_per_good_output(SINCE, UNTIL) == D("0.035061")
    assert cost_per_good_output(SINCE, UNTIL, model="WAN") is None


def test_the_report_is_five_grouped_queries_whatever_the_jobs(ledger, django_assert_num_queries):
    with django_assert_num_queries(5):  # per model, per strategy, per prompt + their names, per user
        report = cost_report(DayRange(DAY, DAY))

    total = report["total"]
    assert (total.jobs, total.total_cost, total.good_outputs, total.cost_per_good_output) == (
        4, D("0.070121"), 2, D("0.035061"))


# --- admin page and API ----------------------------------------------------------------------------------------

NUMBER_CELL = re.compile(r'<td class="num">([^<]*)</td>')
FORMATTED = re.compile(r"—|\d{1,3}(,\d{3})*(\.\d{6})?")


def test_the_costs_page_renders_every_figure_with_fixed_decimals(ledger, admin_client):
    response = admin_client.get(reverse("admin:analytics_costs"), {"from": "2026-03-10", "to": "2026-03-10"})

    html = response.content.decode()
    cells = NUMBER_CELL.findall(html)
    assert response.status_code == 200
    assert len(cells) == 6 + (2 + 3 + 3 + 2) * 6  # the total; 2 models, 3 strategies, 3 prompts, 2 users
    assert [cell for cell in cells if not FORMATTED.fullmatch(cell)] == []
    assert "0.070121" in html and "0.035061" in html and "portrait-lighting-guide" in html and "alice" in html
    assert not re.search(r"\d\.\d{7,}|\de-\d", html)


def test_the_costs_page_explains_a_bad_range(admin_client):
    response = admin_client.get(reverse("admin:analytics_costs"), {"from": "2026-02-30"})

    assert response.status_code == 200
    assert "From: 2026-02-30 is not a date of the calendar." in response.content.decode()


def test_the_costs_page_and_api_need_the_view_permissions(client, role_user):
    staff = UserFactory(username="staff-without-permissions")
    api_client = APIClient()
    api_client.force_authenticate(staff)
    client.force_login(staff)
    viewer = APIClient()
    viewer.force_authenticate(role_user("viewer"))

    assert api_client.get("/api/analytics/costs").status_code == 403
    assert client.get(reverse("admin:analytics_costs")).status_code == 403
    assert viewer.get("/api/analytics/costs").status_code == 200


def test_the_api_returns_the_pages_figures(ledger, api):
    response = api.get("/api/analytics/costs", {"from": "2026-03-10", "to": "2026-03-10", "top": 2})

    assert response.status_code == 200
    body = response.json()
    assert (body["since"], body["until"]) == ("2026-03-10", "2026-03-10")
    assert body["total"] == {"key": None, "label": "All jobs", "jobs": 4, "enhancement_cost": 0.000121,
                             "generation_cost": 0.07, "total_cost": 0.070121, "good_outputs": 2,
                             "cost_per_good_output": 0.035061}
    assert [(row["key"], row["total_cost"]) for row in body["models"]] == [("SDXL", 0.007621), ("WAN", 0.0625)]
    assert [(row["label"], row["total_cost"]) for row in body["prompts"]] == [
        ("portrait-lighting-guide", 0.065021), ("(no library prompt)", 0.005)]
    assert [(row["key"], row["label"]) for row in body["users"]] == [
        (str(ledger["alice"].pk), "alice"), (str(ledger["bob"].pk), "bob")]


@pytest.mark.parametrize("query,field", [
    ({"from": "2026-13-01"}, "from"), ({"to": "yesterday"}, "to"),
    ({"from": "2026-03-11", "to": "2026-03-10"}, "from"), ({"top": "0"}, "top"), ({"top": "many"}, "top"),
])
def test_api_errors_name_the_parameter(api, query, field):
    response = api.get("/api/analytics/costs", query)

    assert response.status_code == 400
    assert list(response.json()) == [field]
