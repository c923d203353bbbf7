"""Live Prompt Performance: last hour against 24 hours, the live queue, strategies; the page refreshes itself."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from analytics.dashboards.live import live_job_queue, live_prompt_performance
from analytics.rollups.buckets import rebuild_all
from ourvidz_admin import db
from tests.factories import JobFactory, UserFactory

pytestmark = pytest.mark.django_db
URL = reverse("admin:analytics_live_performance")
JSON_URL = reverse("admin:analytics_live_performance_json")


@pytest.fixture
def now():
    return timezone.now()


@pytest.fixture
def jobs(now):
    user = UserFactory(username="alice")

    def job(name, minutes, strategy, status="completed", **fields):
        if status == "failed":
            fields["failure_reason"] = "timeout"
        return name, JobFactory(user=user, created_at=now - timedelta(minutes=minutes), enhancement_strategy=strategy,
                                status=status, **fields)

    made = dict([
        job("queued", 1, "none", "queued"),
        job("h1", 10, "qwen", quality_rating=5, enhancement_time_ms=10_000, quality_improvement=Decimal("1.00")),
        job("h2", 20, "none", quality_rating=3),
        job("h3", 30, "hybrid", "processing", enhancement_time_ms=14_000),
        job("d1", 5 * 60, "compel", "failed", enhancement_time_ms=2_000),
        job("d2", 6 * 60, "none", quality_rating=4),
        job("d3", 23 * 60, "qwen", quality_rating=4, enhancement_time_ms=12_000, quality_improvement=Decimal("0.50")),
        job("old", 25 * 60, "qwen", quality_rating=1, enhancement_time_ms=99_000, quality_improvement=Decimal("-3")),
    ])
    rebuild_all()  # the hourly rollup as the incremental path keeps it
    return made


def test_metrics_last_hour_against_last_24_hours(jobs, now):
    metrics = {m["key"]: m for m in live_prompt_performance(now=now)["metrics"]}

    assert {key: (m["last_hour"], m["last_24h"], m["difference"], m["arrow"]) for key, m in metrics.items()} == {
        "jobs_per_hour": (Decimal("4.0"), Decimal("0.3"), Decimal("3.7"), "↗"),
        "qwen_usage": (Decimal("50.00"), Decimal("42.86"), Decimal("7.14"), "↗"),
        "compel_usage": (Decimal("25.00"), Decimal("28.57"), Decimal("-3.57"), "↘"),
        "mean_enhancement_time_ms": (12_000, 9_500, 2_500, "↗"),
        "quality_gain": (Decimal("1.00"), Decimal("0.75"), Decimal("0.25"), "↗"),
        "quality_with_minus_without": (Decimal("2.00"), Decimal("1.00"), Decimal("1.00"), "↗"),
    }


def test_strategies_over_24_hours(jobs, now):
    strategies = live_prompt_performance(now=now)["strategies"]

    assert [(s["strategy"], s["jobs"], s["success_rate"], s["rated"], s["mean_quality"], s["mean_enhancement_time_ms"])
            for s in strategies] == [
        ("qwen", 2, Decimal("100.00"), 2, Decimal("4.50"), 11_000),
        ("compel", 1, Decimal("0.00"), 0, None, 2_000),
        ("hybrid", 1, None, 0, None, 14_000),
        ("none", 3, Decimal("100.00"), 2, Decimal("3.50"), None),
    ]


def test_queue_active_then_finished_newest_first(jobs, now):
    queue = live_job_queue(now=now, finished=3)

    assert [(row["id"], row["status"], row["username"], row["age_seconds"]) for row in queue["active"]] == [
        (jobs["queued"].pk, "queued", "alice", 60), (jobs["h3"].pk, "processing", "alice", 1800)]
    assert [row["id"] for row in queue["finished"]] == [jobs["h1"].pk, jobs["h2"].pk, jobs["d1"].pk]


def test_empty_database_gives_dashes_not_errors(now):
    data = live_prompt_performance(now=now)

    assert [m["last_hour"] for m in data["metrics"]] == [Decimal("0.0"), None, None, None, None, None]
    assert data["queue"] == {"active": [], "finished": []}


def test_selector_is_four_queries(jobs, now, django_assert_num_queries):
    with django_assert_num_queries(4):  # the window edges from jobs, the whole hours from the rollup, the queue
        live_prompt_performance(now=now)


@pytest.mark.parametrize("role", ["viewer", "moderator", "admin"])
def test_page_renders_and_refreshes_for_every_role(client, role_user, jobs, role):
    client.force_login(role_user(role))

    page = client.get(URL)
    fragments = client.get(JSON_URL)

    html = page.content.decode()
    assert page.status_code == 200
    assert "50.0%" in html and "42.9%" in html and "↗ +7.1 pts" in html and "↘ −3.6 pts" in html
    assert "12.0 s" in html and "↗ +2,500 ms" in html and db.short_id(jobs["queued"].pk) in html
    assert 'data-refresh-ms="15000"' in html and "setInterval(refresh" in html
    assert fragments.status_code == 200
    assert set(fragments.json()["html"]) == {"live-status", "live-metrics", "live-active", "live-finished",
                                             "live-strategies"}
    assert "↗ +7.1 pts" in fragments.json()["html"]["live-metrics"]


def test_page_and_fragments_query_count(admin_client, jobs, django_assert_num_queries):
    admin_client.get(URL)

    with django_assert_num_queries(6):  # session, user, the edges, the whole hours, active and finished jobs
        admin_client.get(URL)
    with django_assert_num_queries(6):
        admin_client.get(JSON_URL)


def test_fragments_refuse_staff_without_permission(client):
    client.force_login(UserFactory(username="no-role"))

    assert client.get(JSON_URL).status_code == 403


def test_rollup_hours_and_edges_equal_counting_every_job_of_the_day(now):
    """The 24-hour window summed from job_stats_hourly equals a scan of the jobs of the same hours."""
    import random

    from django.db.models import Count, Q, Sum

    from generations.models import Job

    rng = random.Random(7)
    for _ in range(150):
        status = rng.choice(("completed", "failed", "queued"))
        JobFactory(created_at=now - timedelta(seconds=rng.randrange(26 * 3600)), status=status,
                   failure_reason="timeout" if status == "failed" else "",
                   enhancement_strategy=rng.choice(("none", "qwen", "compel", "hybrid")),
                   quality_rating=rng.choice((None, 1, 3, 5)), enhancement_time_ms=rng.choice((None, 900, 12_345)),
                   quality_improvement=rng.choice((None, Decimal("0.50"), Decimal("-1.00"))))
    rebuild_all()
    from analytics.dashboards.live import window_starts

    window = Q(created_at__gte=window_starts(now)[1], created_at__lte=now)
    expected = {row.pop("enhancement_strategy"): row for row in Job.objects.filter(window).values(
        "enhancement_strategy").annotate(jobs=Count("pk"), rated=Count("quality_rating"), stars=Sum("quality_rating"),
                                         enh=Sum("enhancement_time_ms"), gain=Sum("quality_improvement"),
                                         ok=Count("pk", filter=Q(status="completed"))).order_by()}

    rows = {row["strategy"]: row for row in live_prompt_performance(now=now)["strategies"]}

    for strategy, figures in expected.items():
        row = rows[strategy]
        assert (row["jobs"], row["rated"]) == (figures["jobs"], figures["rated"])
        if figures["rated"]:
            exact = Decimal(figures["stars"]) / figures["rated"]
            assert row["mean_quality"] == exact.quantize(Decimal("0.01"), "ROUND_HALF_UP")


def test_the_last_hour_sums_the_five_minute_buckets(now):
    from analytics.dashboards.live import window_starts
    from generations.models import Job

    for minutes in (0, 3, 7, 54, 56, 59, 61, 64, 90):
        JobFactory(created_at=now - timedelta(minutes=minutes), enhancement_strategy="qwen")
    rebuild_all()
    start = window_starts(now)[0]

    metrics = {m["key"]: m for m in live_prompt_performance(now=now)["metrics"]}

    expected = Job.objects.filter(created_at__gte=start, created_at__lte=now).count()
    assert metrics["jobs_per_hour"]["last_hour"] == Decimal(expected).quantize(Decimal("0.1"))
    assert now - timedelta(minutes=60) <= start <= now - timedelta(minutes=55)
