"""The operations rollups and page agree with figures computed independently from the jobs themselves."""

import math
import random
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import numpy as np
import pytest
from django.db import connection
from django.test import Client

from analytics.dashboards.common import DayRange
from analytics.models import (
    FailureReasonDaily,
    JobOpsDaily,
    JobStatsHourly,
    JobTimeHistogramDaily,
    PromptCostDaily,
    UserCostDaily,
)
from analytics.operations.figures import failure_trend, operations, outcomes_by, peaks, stage_times
from analytics.rollups.buckets import rebuild_all, refresh_buckets
from analytics.rollups.histograms import EDGES_MS, bin_indexes, merge, percentile
from generations.models import Job
from tests.factories import JobFactory, UserFactory

pytestmark = pytest.mark.django_db
DAY0 = date(2026, 11, 2)  # a Monday
RANGE = DayRange(DAY0, DAY0 + timedelta(days=6))
STRATEGIES = ("none", "qwen", "compel", "hybrid")
REASONS = ("timeout", "out_of_memory", "content_filter")


def _jobs(count: int = 240, seed: int = 5) -> list[Job]:
    rng = random.Random(seed)
    users = [UserFactory() for _ in range(4)]
    jobs = []
    for _ in range(count):
        model = rng.choice(("SDXL", "WAN"))
        job_type = rng.choice(("text_to_image", "image_to_image") if model == "SDXL" else
                              ("text_to_video", "image_to_video"))
        created = datetime(2026, 11, 2, tzinfo=UTC) + timedelta(minutes=rng.randrange(7 * 24 * 60))
        status = rng.choices(("completed", "failed", "cancelled", "queued"), (70, 15, 5, 10))[0]
        strategy = rng.choice(STRATEGIES)
        queued = created + timedelta(milliseconds=rng.randrange(0, 200))
        started = None if status == "queued" else queued + timedelta(milliseconds=rng.randrange(0, 90_000))
        enhancement_ms = None if strategy in ("none", "compel") or started is None else rng.randrange(200, 40_000)
        inference_ms = rng.randrange(500, 400_000) if status == "completed" else None
        completed = started + timedelta(milliseconds=(inference_ms or 0) + (enhancement_ms or 0) + 37) \
            if status == "completed" else None
        jobs.append(JobFactory(
            user=rng.choice(users), model_type=model, job_type=job_type, status=status, created_at=created,
            queued_at=queued, started_at=started, completed_at=completed,
            failed_at=started if status == "failed" else None,
            failure_reason=rng.choice(REASONS) if status == "failed" else "",
            enhancement_strategy=strategy, enhancement_time_ms=enhancement_ms, inference_time_ms=inference_ms,
            content_mode=rng.choice(("sfw", "nsfw")), metadata={"user_tier": rng.choice(("free", "pro", "admin"))},
            quality_rating=rng.choice((None, 1, 2, 3, 4, 5)) if status == "completed" else None,
            enhancement_cost=Decimal("0.000120") if enhancement_ms else None,
            generation_cost=Decimal(inference_ms) / Decimal(1_440_000) if inference_ms else None,
        ))
    return jobs


@pytest.fixture
def jobs():
    _jobs()
    rebuild_all()
    return list(Job.objects.all())  # as stored (costs rounded to the column's 6 places)


def _stage_values(jobs, stage: str, model: str, strategy: str | None = None) -> list[int]:
    values = []
    for job in jobs:
        if job.model_type != model or (strategy and job.enhancement_strategy != strategy):
            continue
        value = {
            "queue_wait": (job.started_at - job.queued_at) if job.started_at else None,
            "enhancement": job.enhancement_time_ms,
            "inference": job.inference_time_ms if job.status == "completed" else None,
            "total": (job.completed_at - job.created_at) if job.status == "completed" else None,
        }[stage]
        if value is not None:
            values.append(round(value.total_seconds() * 1000) if isinstance(value, timedelta) else value)
    return values


def test_edges_grow_with_the_value_and_bins_hold_their_values():
    assert EDGES_MS[:3] == (0, 50, 100) and EDGES_MS[-1] == 3_600_000
    assert list(bin_indexes([0, 49, 50, 999, 1_000, 14_999, 15_000, 3_600_000, 9e9])) == [
        0, 0, 1, 19, 20, EDGES_MS.index(14_000), EDGES_MS.index(15_000), len(EDGES_MS) - 1, len(EDGES_MS) - 1]


@pytest.mark.parametrize("stage", ["queue_wait", "enhancement", "inference", "total"])
def test_stage_percentiles_hold_the_exact_nearest_rank_value(jobs, stage):
    rows = {(row["model_type"], row["strategy"]): row for row in stage_times(RANGE)}

    for model in ("SDXL", "WAN"):
        for strategy in (None, *STRATEGIES):
            values = np.array(_stage_values(jobs, stage, model, strategy))
            figures = rows[(model, strategy or "")]["stages"][stage]
            assert figures["count"] == values.size
            for name, q in (("p50", 0.5), ("p95", 0.95), ("p99", 0.99)):
                if not values.size:
                    assert figures[name] is None
                    continue
                exact = np.percentile(values, q * 100, method="inverted_cdf")
                found = figures[name]
                assert found.low <= exact and (found.high is None or exact < found.high), (model, strategy, name)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="percentile_disc is PostgreSQL's")
def test_stage_percentiles_hold_postgresqls_percentile_disc(jobs):
    with connection.cursor() as cursor:
        cursor.execute("SELECT model_type, percentile_disc(0.95) WITHIN GROUP (ORDER BY inference_time_ms) "
                       "FROM jobs WHERE status = 'completed' GROUP BY model_type")
        exact = dict(cursor.fetchall())
    rows = {row["model_type"]: row for row in stage_times(RANGE) if not row["strategy"]}
    for model, value in exact.items():
        found = rows[model]["stages"]["inference"]["p95"]
        assert found.low <= value < found.high


def test_percentile_of_merged_days_equals_the_percentile_of_all_values():
    rng = np.random.default_rng(3)
    days = [rng.integers(0, 120_000, size=n) for n in (50, 300, 7)]
    from analytics.rollups.histograms import histogram

    merged = merge(histogram(values) for values in days)
    together = np.concatenate(days)
    for q in (0.01, 0.5, 0.95, 0.99, 1.0):
        exact = np.percentile(together, q * 100, method="inverted_cdf")
        found = percentile(merged, q)
        assert found.low <= exact < found.high
        assert bin_indexes([exact])[0] == EDGES_MS.index(found.low)
    assert percentile({}, 0.5) is None


def test_peaks_count_jobs_per_weekday_and_hour(jobs):
    expected = Counter((job.created_at.astimezone(UTC).isoweekday() - 1, job.created_at.astimezone(UTC).hour)
                       for job in jobs)

    found = peaks(RANGE)

    assert {(day, hour): jobs_ for day, row in enumerate(found["rows"]) for hour, jobs_ in enumerate(row["hours"])
            if jobs_} == dict(expected)
    top = max(expected.values())
    assert found["busiest"]["jobs"] == top


def _independent(jobs, key) -> dict:
    groups: dict = {}
    for job in jobs:
        row = groups.setdefault(key(job), Counter())
        row["jobs"] += 1
        row[job.status] += 1
        if job.quality_rating:
            row["rated"] += 1
            row["stars"] += job.quality_rating
            row["good"] += job.quality_rating >= 4
        row["cost"] += (job.enhancement_cost or 0) + (job.generation_cost or 0)
    return groups


@pytest.mark.parametrize("dimensions", [("model_type", "job_type"), ("tier",), ("content_mode",),
                                        ("model_type", "enhancement_strategy")])
def test_outcomes_by_dimension_match_the_jobs(jobs, dimensions):
    def key(job):
        values = {"tier": job.metadata["user_tier"], "model_type": job.model_type, "job_type": job.job_type,
                  "content_mode": job.content_mode, "enhancement_strategy": job.enhancement_strategy}
        return tuple(values[name] for name in dimensions)

    expected = _independent(jobs, key)
    found = {tuple(row[name] for name in dimensions): row for row in outcomes_by(RANGE, *dimensions)}

    assert set(found) == set(expected)
    for group, counts in expected.items():
        row = found[group]
        finished = counts["completed"] + counts["failed"]
        assert (row["total_jobs"], row["completed_jobs"], row["failed_jobs"], row["cancelled_jobs"]) == (
            counts["jobs"], counts["completed"], counts["failed"], counts["cancelled"])
        assert float(row["success_rate"]) == pytest.approx(100 * counts["completed"] / finished, abs=0.005)
        assert (float(row["good_share"]) if row["good_share"] is not None else None) == (
            pytest.approx(100 * counts["good"] / counts["rated"], abs=0.005) if counts["rated"] else None)
        assert row["cost"] == counts["cost"]
        if counts["good"]:
            assert float(row["cost_per_good"]) == pytest.approx(float(counts["cost"]) / counts["good"], abs=1e-5)


def test_failure_trend_counts_reasons_per_day(jobs):
    expected = Counter((job.created_at.astimezone(UTC).date(), job.failure_reason) for job in jobs
                       if job.status == "failed")

    found = failure_trend(RANGE)

    reasons = [reason["value"] for reason in found["reasons"]]
    assert {(row["date"], reason): count for row in found["rows"] for reason, count in zip(reasons, row["counts"])
            if count} == dict(expected)
    assert [row["date"] for row in found["rows"]] == RANGE.dates()


def test_incremental_refresh_leaves_the_rows_a_full_rebuild_writes(jobs):
    job = jobs[0]
    Job.objects.filter(pk=job.pk).update(status="failed", failure_reason="timeout", completed_at=None,
                                         quality_rating=None, inference_time_ms=None)

    refresh_buckets(job.created_at, job.user_id)
    incremental = {model: sorted(model.objects.values_list(*_columns(model))) for model in _TABLES}
    rebuild_all()
    rebuilt = {model: sorted(model.objects.values_list(*_columns(model))) for model in _TABLES}

    assert incremental == rebuilt


_TABLES = (JobOpsDaily, JobTimeHistogramDaily, JobStatsHourly, FailureReasonDaily, UserCostDaily, PromptCostDaily)


def _columns(model) -> list[str]:
    return [field.attname for field in model._meta.concrete_fields if field.name not in ("updated_at",)]


def test_operations_page_and_api(jobs, admin_user):
    client = Client()
    client.force_login(admin_user)
    query = f"from={RANGE.since}&to={RANGE.until}"

    page = client.get(f"/admin/analytics/jobstatsdaily/dashboards/operations/?{query}")
    api = client.get(f"/api/analytics/operations?{query}")
    bad = client.get("/api/analytics/operations?from=2026-13-01")

    assert page.status_code == 200 and api.status_code == 200
    html = page.content.decode()
    for text in ("Goals", "Stage times per model and strategy", "Jobs created per weekday and hour (UTC)",
                 "Success by job type", "Failures per day and reason", "NSFW generation success"):
        assert text in html
    data = api.json()
    assert [goal["key"] for goal in data["goals"]] == [
        "nsfw_success", "good_outputs", "qwen_gain", "compel_consistency", "enhancement_p95", "first_week_adoption"]
    assert bad.status_code == 400 and "from" in bad.json()


def test_goals_match_the_definitions(jobs):
    goals = {goal.key: goal for goal in operations(RANGE)["goals"]}
    nsfw = [job for job in jobs if job.content_mode == "nsfw" and job.status in ("completed", "failed")]
    rated = [job for job in jobs if job.quality_rating]
    enhanced = sorted(job.enhancement_time_ms for job in jobs if job.enhancement_time_ms is not None)

    assert goals["nsfw_success"].value == pytest.approx(
        100 * sum(job.status == "completed" for job in nsfw) / len(nsfw), abs=0.005)
    assert goals["nsfw_success"].sample == len(nsfw)
    assert goals["good_outputs"].value == pytest.approx(
        100 * sum(job.quality_rating >= 4 for job in rated) / len(rated), abs=0.005)
    exact = enhanced[math.ceil(0.95 * len(enhanced)) - 1]
    assert goals["enhancement_p95"].met == (exact < 15_000)  # 15 s is a bin edge: no bin straddles it
    assert goals["enhancement_p95"].sample == len(enhanced)
    # Every user's first job falls in the range; adoption = used enhancement within 7 days of their first day.
    firsts = {}
    for job in sorted(jobs, key=lambda job: job.created_at):
        firsts.setdefault(job.user_id, job.created_at.date())
    adopted = {job.user_id for job in jobs if job.enhancement_strategy != "none"
               and (job.created_at.date() - firsts[job.user_id]).days < 7}
    assert goals["first_week_adoption"].value == pytest.approx(100 * len(adopted) / len(firsts), abs=0.005)


def test_failures_of_a_long_range_are_listed_per_week(jobs):
    long = DayRange(DAY0 - timedelta(days=40), DAY0 + timedelta(days=6))
    expected = Counter(job.created_at.astimezone(UTC).date() - timedelta(days=job.created_at.astimezone(UTC).weekday())
                       for job in jobs if job.status == "failed")

    found = failure_trend(long)

    assert found["period"] == "week"
    assert {row["date"]: row["total"] for row in found["rows"] if row["total"]} == dict(expected)
    assert all(row["date"].weekday() == 0 for row in found["rows"])
    assert failure_trend(RANGE)["period"] == "day"
