"""prompt_performance_daily and document 002's four functions: exact figures on small datasets."""

import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from analytics.models import Alert, PromptPerformanceDaily
from analytics.prompt_performance import (
    get_dashboard_metrics,
    get_performance_alerts,
    get_prompt_performance_summary,
    get_top_performing_prompts,
    prompt_performance_table,
    prompt_usage_trend,
)
from analytics.prompt_windows import Totals, Window, period_hours, prompt_totals
from analytics.rollups.buckets import rebuild_all, refresh_for_job
from analytics.rollups.prompts import rebuild_prompt_performance
from generations.models import PromptUsage
from tests.analytics.conftest import DEFAULT_RULES
from tests.factories import AlertFactory, JobFactory, PromptFactory, PromptUsageFactory

pytestmark = pytest.mark.django_db
UTC = UTC
NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


def _use(prompt, at, *, success=True, rating=None, ms=1000, tokens=100, cost="0.000040", **extra):
    return PromptUsageFactory(prompt=prompt, created_at=at, success=success, rating=rating, response_time_ms=ms,
                              input_tokens=0, output_tokens=0, tokens_used=tokens, cost=Decimal(cost), **extra)


@pytest.fixture
def usage():
    """Two prompts over a week, with uses on both sides of each window edge and of midnight."""
    alpha = PromptFactory(name="alpha", display_name="Alpha", status="active")
    beta = PromptFactory(name="beta", display_name="Beta", status="active")
    PromptFactory(name="gamma", display_name="Gamma", status="active")  # active, never used
    PromptFactory(name="delta", display_name="Delta", status="draft")  # neither used nor active
    rows = [
        (alpha, NOW - timedelta(days=7, hours=1), True, 5, 900),  # before the week
        (alpha, NOW - timedelta(days=7) + timedelta(hours=1), False, None, 5000),  # first partial day of the week
        (alpha, datetime(2026, 3, 5, 23, 59, 59, tzinfo=UTC), True, 4, 1200),
        (alpha, datetime(2026, 3, 6, 0, 0, 0, tzinfo=UTC), True, 2, None),
        (alpha, NOW - timedelta(hours=2), True, 5, 800),  # today
        (alpha, NOW - timedelta(minutes=1), False, 1, 2000),  # today
        (alpha, NOW, True, 5, 100),  # the window's end is exclusive
        (beta, NOW - timedelta(hours=30), True, 3, 3000),
        (beta, NOW - timedelta(hours=5), True, None, 1000),
    ]
    for prompt, at, success, rating, ms in rows:
        _use(prompt, at, success=success, rating=rating, ms=ms)
    _use(None, NOW - timedelta(hours=1))  # a generation stage: no library prompt
    rebuild_prompt_performance()
    return {"alpha": alpha, "beta": beta}


def _raw_rollup() -> list:
    """The rollup computed independently, in SQL straight over prompt_usage."""
    day = ("substr(created_at, 1, 10)" if connection.vendor == "sqlite"
           else "to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD')")
    success = "CASE WHEN success THEN 1 ELSE 0 END"
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT prompt_id, {day}, COUNT(*), SUM({success}), COALESCE(SUM(rating), 0), COUNT(rating), "
            f"COALESCE(SUM(response_time_ms), 0), COUNT(response_time_ms), SUM(tokens_used), SUM(cost) "
            f"FROM prompt_usage WHERE prompt_id IS NOT NULL GROUP BY 1, 2"
        )
        return sorted(
            (uuid.UUID(str(r[0])), r[1], *map(int, r[2:9]), Decimal(str(r[9])).quantize(Decimal("0.000001")))
            for r in cursor.fetchall()
        )


def _rollup_rows() -> list:
    return sorted(
        (r.prompt_id, r.date.isoformat(), r.uses, r.successes, r.rating_sum, r.rating_count, r.response_time_sum_ms,
         r.response_time_count, r.tokens_used, r.cost)
        for r in PromptPerformanceDaily.objects.all()
    )


def test_rollup_rows_equal_a_raw_sql_computation(usage):
    rows = _rollup_rows()

    assert rows == _raw_rollup()
    assert len(rows) == 6  # alpha: 03-03, 03-05, 03-06, 03-10; beta: 03-09, 03-10
    assert PromptPerformanceDaily.objects.get(prompt=usage["alpha"], date="2026-03-10").uses == 3


def test_rebuild_is_stable_and_ranges_touch_only_their_days(usage):
    before = list(PromptPerformanceDaily.objects.order_by("id").values_list("id", "uses"))
    _use(usage["beta"], datetime(2026, 3, 9, 8, tzinfo=UTC))

    written = rebuild_prompt_performance(datetime(2026, 3, 9).date(), datetime(2026, 3, 10).date())

    assert written == 1
    after = dict(PromptPerformanceDaily.objects.values_list("id", "uses"))
    changed = {pk for pk, uses in before if after[pk] != uses}
    assert len(changed) == 1 and _rollup_rows() == _raw_rollup()


def test_incremental_refresh_equals_full_rebuild():
    prompt = PromptFactory()
    now = timezone.now()
    jobs = []
    for days_ago, success in ((0, True), (1, False), (3, True)):
        job = JobFactory(created_at=now - timedelta(days=days_ago, minutes=30))
        # A stage writes its row when it runs: here up to a day after the job was created.
        _use(prompt, job.created_at + timedelta(hours=min(days_ago, 1) * 20), success=success, job=job)
        jobs.append(job)
    for job in jobs:
        refresh_for_job(job)
    incremental = _rollup_rows()

    result = rebuild_all()

    assert result["prompt_performance"] == len(incremental) and _rollup_rows() == incremental == _raw_rollup()


@pytest.mark.parametrize("hours", [1, 23, 24, 36, 48, 49, 168, 720])
@pytest.mark.parametrize("offset_minutes", [0, 1, 12 * 60 + 30])
def test_window_totals_match_a_scan_of_prompt_usage(usage, hours, offset_minutes):
    now = NOW + timedelta(minutes=offset_minutes)
    window = Window.ending(hours, now)

    totals = prompt_totals(window)

    for name, prompt in usage.items():
        rows = PromptUsage.objects.filter(prompt=prompt, created_at__gte=window.start, created_at__lt=window.end)
        expected = Totals(
            uses=rows.count(), successes=rows.filter(success=True).count(),
            rating_sum=sum(r.rating for r in rows if r.rating), rating_count=rows.exclude(rating=None).count(),
            response_time_sum_ms=sum(r.response_time_ms or 0 for r in rows),
            response_time_count=rows.exclude(response_time_ms=None).count(),
            tokens_used=sum(r.tokens_used for r in rows), cost=sum((r.cost for r in rows), Decimal(0)),
        )
        assert totals.get(prompt.pk, Totals()) == expected, name


def test_summary_over_a_week(usage):
    summary = get_prompt_performance_summary(usage["alpha"].pk, "week", now=NOW)

    assert summary == {
        "period": "week", "hours": 168, "start": NOW - timedelta(days=7), "end": NOW,
        "prompt_id": usage["alpha"].pk, "name": "alpha", "display_name": usage["alpha"].display_name,
        "status": "active", "usage_count": 5, "successes": 3, "success_rate": Decimal("60.00"),
        "error_rate": Decimal("40.00"), "mean_rating": Decimal("3.00"), "rating_count": 4,
        "mean_response_time_ms": 2250, "tokens_used": 500, "cost": Decimal("0.000200"),
    }


def test_summary_of_an_unused_prompt_and_of_a_day(usage):
    unused = get_prompt_performance_summary(PromptFactory().pk, "day", now=NOW)
    beta_day = get_prompt_performance_summary(usage["beta"].pk, "day", now=NOW)

    assert (unused["usage_count"], unused["success_rate"], unused["error_rate"], unused["mean_rating"],
            unused["mean_response_time_ms"], unused["cost"]) == (0, None, None, None, None, Decimal(0))
    assert (beta_day["usage_count"], beta_day["success_rate"], beta_day["mean_rating"]) == (1, Decimal("100.00"), None)


@pytest.mark.parametrize("period,message", [("year", "Unknown period 'year'"), ("0h", "Unknown period '0h'"),
                                            ("9000h", "from 1h to 8784h")])
def test_bad_periods_are_explained(period, message):
    with pytest.raises(ValidationError, match=message):
        period_hours(period)


def test_periods():
    assert [period_hours(p) for p in ("day", "WEEK", "month", "36h", None, "")] == [24, 168, 720, 36, 168, 168]


def test_top_performers_rank_by_rating_then_success_with_a_minimum_of_uses(usage):
    _use(usage["beta"], NOW - timedelta(hours=3), rating=3)

    top = get_top_performing_prompts("week", 10, min_uses=3, now=NOW)
    by_usage = get_top_performing_prompts("week", 1, "usage", min_uses=1, now=NOW)

    assert [(r["rank"], r["name"], r["mean_rating"], r["success_rate"]) for r in top] == [
        (1, "beta", Decimal("3.00"), Decimal("100.00")), (2, "alpha", Decimal("3.00"), Decimal("60.00"))]
    assert [(r["name"], r["usage_count"]) for r in by_usage] == [("alpha", 5)]
    assert [r["name"] for r in get_top_performing_prompts("week", now=NOW)] == ["alpha"]  # 5 uses at least


def test_dashboard_metrics_over_a_week(usage):
    AlertFactory(severity="high")
    AlertFactory(severity="medium", status="acknowledged")
    AlertFactory(severity="low", status="resolved")

    metrics = get_dashboard_metrics("week", now=NOW)

    assert metrics == {
        "period": "week", "hours": 168, "start": NOW - timedelta(days=7), "end": NOW,
        "total_prompts": 4, "active_prompts": 3, "prompts_used": 2, "total_usage": 7, "usage_count": 7,
        "successes": 5, "success_rate": Decimal("71.43"), "error_rate": Decimal("28.57"),
        "mean_rating": Decimal("3.00"), "rating_count": 5, "mean_response_time_ms": 2167, "tokens_used": 700,
        "cost": Decimal("0.000280"),
        "alerts": {"open": {"high": 1, "medium": 0, "low": 0, "total": 1}, "acknowledged": 1},
    }


def test_performance_alerts_judge_the_period_and_write_nothing(usage, default_rules):
    alerts = get_performance_alerts("week", now=NOW)

    assert [(a["severity"], a["rule"], a["subject_label"], a["value"]) for a in alerts] == [
        ("high", "High error rate", "Alpha", Decimal("40.00")),
        ("high", "Poor success rate", "Alpha", Decimal("60.00")),
        ("low", "Low usage", "Beta", Decimal("2.00")),
        ("low", "Low usage", "Gamma", Decimal("0.00")),
    ]
    assert alerts[1]["message"] == "Alpha: success rate 60.0% over 5 uses in the last 168 h (alert when below 70.0%)."
    assert alerts[1]["recommendation"] == DEFAULT_RULES[1]["recommendation"]
    assert [a["subject_label"] for a in get_performance_alerts("day", now=NOW)] == ["Alpha", "Beta", "Gamma"]
    assert not Alert.objects.exists()


def test_per_prompt_table_and_daily_trend(usage):
    table = prompt_performance_table("week", now=NOW)
    trend = prompt_usage_trend("week", now=NOW)

    assert [(r["name"], r["usage_count"], r["success_rate"]) for r in table] == [
        ("alpha", 5, Decimal("60.00")), ("beta", 2, Decimal("100.00")), ("gamma", 0, None)]
    assert [(r["date"].isoformat(), r["uses"], r["prompts"]) for r in trend] == [
        ("2026-03-03", 2, 1), ("2026-03-05", 1, 1), ("2026-03-06", 1, 1), ("2026-03-09", 1, 1), ("2026-03-10", 4, 2)]


def test_rollup_list_columns_use_the_totals_rounding():
    row = PromptPerformanceDaily(uses=3, successes=2, rating_sum=10, rating_count=3, response_time_sum_ms=1001,
                                 response_time_count=2)
    columns = admin.site._registry[PromptPerformanceDaily]

    assert (columns.success_rate(row), columns.mean_rating(row), columns.mean_response_time_ms(row)) == (
        Decimal("66.67"), Decimal("3.33"), 501)  # 500.5 ms rounds half-up, as everywhere else
