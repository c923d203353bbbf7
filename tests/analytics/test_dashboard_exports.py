"""CSV downloads of the analytics tables: exact rows and columns, filenames, permissions, errors, escaping."""

import csv
import io
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.urls import reverse

from analytics.dashboards.common import utc_today
from analytics.exports import csv_cell
from analytics.rollups.buckets import rebuild_all
from analytics.rollups.prompts import rebuild_prompt_performance
from tests.factories import (
    CompelConfigFactory,
    JobFactory,
    PromptABTestFactory,
    PromptFactory,
    PromptUsageFactory,
    UserEnhancementAdoptionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
UTC = UTC
DAY1, DAY2 = date(2026, 3, 9), date(2026, 3, 10)
RANGE = {"from": "2026-03-09", "to": "2026-03-10"}
NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
STAR_HEADERS = ["5 stars %", "4 stars %", "3 stars %", "2 stars %", "1 star %"]


def _url(page: str, table: str) -> str:
    return reverse("admin:analytics_dashboard_csv", args=[page, table])


def _csv(response) -> list[list[str]]:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    return list(csv.reader(io.StringIO(response.content.decode())))


def _filename(response) -> str:
    return response["Content-Disposition"].removeprefix('attachment; filename="').removesuffix('"')


def _job(day: date, **fields):
    if fields.get("model_type") == "WAN":
        fields.setdefault("job_type", "text_to_video")
    if fields.get("status") == "failed":
        fields.setdefault("failure_reason", "timeout")
    return JobFactory(created_at=datetime.combine(day, datetime.min.time(), UTC) + timedelta(hours=12), **fields)


@pytest.fixture
def jobs():
    """Day 1: SDXL Qwen 5★ (40 s), a failed SDXL Qwen job, SDXL Compel 4★; day 2: WAN 3★ (150 s), a cancelled WAN."""
    _job(DAY1, quality_rating=5, inference_time_ms=40_000, enhancement_strategy="qwen",
         quality_improvement=Decimal("1.20"), enhancement_time_ms=9_000)
    _job(DAY1, status="failed", inference_time_ms=None, enhancement_strategy="qwen")
    _job(DAY1, quality_rating=4, inference_time_ms=50_000, enhancement_strategy="compel",
         quality_improvement=Decimal("-0.25"), enhancement_time_ms=2_000)
    _job(DAY2, model_type="WAN", quality_rating=3, inference_time_ms=150_000)
    _job(DAY2, model_type="WAN", status="cancelled", inference_time_ms=None)
    rebuild_all()


def test_model_analytics_per_model_csv(admin_client, jobs):
    response = admin_client.get(_url("models", "models"), RANGE)

    assert _filename(response) == "model-analytics-models-2026-03-09-2026-03-10.csv"
    assert _csv(response) == [
        ["model", "success %", "mean time (ms)", "jobs", "completed", "failed", "cancelled", "rated",
         "mean quality", *STAR_HEADERS],
        ["SDXL", "66.67", "45000", "3", "2", "1", "0", "2", "4.50", "50.00", "50.00", "0.00", "0.00", "0.00"],
        ["WAN", "100.00", "150000", "2", "1", "0", "1", "1", "3.00", "0.00", "0.00", "100.00", "0.00", "0.00"],
    ]


def test_model_analytics_days_csv(admin_client, jobs):
    response = admin_client.get(_url("models", "days"), {"from": "2026-03-08", "to": "2026-03-10"})

    assert _filename(response) == "model-analytics-days-2026-03-08-2026-03-10.csv"
    assert _csv(response) == [
        ["date", "SDXL success %", "WAN success %", "mean quality", "rated", "SDXL jobs", "WAN jobs", "total jobs"],
        ["2026-03-10", "", "100.00", "3.00", "1", "0", "2", "2"],
        ["2026-03-09", "66.67", "", "4.50", "2", "3", "0", "3"],
        ["2026-03-08", "", "", "", "0", "0", "0", "0"],
    ]


def test_effectiveness_csv(admin_client, jobs):
    response = admin_client.get(_url("effectiveness", "strategies"), RANGE)

    assert _filename(response) == "enhancement-effectiveness-strategies-2026-03-09-2026-03-10.csv"
    assert _csv(response) == [
        ["strategy", "jobs", "mean quality", "mean improvement", "mean enhancement time (ms)", "completed % of jobs",
         "success %", "4-5 stars % of jobs", "rated", *STAR_HEADERS],
        ["Qwen Only", "2", "5.00", "1.20", "9000", "50.00", "50.00", "50.00", "1",
         "100.00", "0.00", "0.00", "0.00", "0.00"],
        ["Compel Only", "1", "4.00", "-0.25", "2000", "100.00", "100.00", "100.00", "1",
         "0.00", "100.00", "0.00", "0.00", "0.00"],
        ["Hybrid (Both)", "0", "", "", "", "", "", "", "0", "", "", "", "", ""],
        ["No Enhancement", "2", "3.00", "", "", "50.00", "100.00", "0.00", "1",
         "0.00", "0.00", "100.00", "0.00", "0.00"],
    ]


@pytest.fixture
def enhanced():
    """A Qwen job whose prompt is a spreadsheet formula, a Compel configuration and an A/B test that lost."""
    job = JobFactory(created_at=datetime(2026, 3, 9, 12, 30, tzinfo=UTC), enhancement_strategy="qwen",
                     original_prompt='=HYPERLINK("http://evil.example")', enhanced_prompt="a woman in a field",
                     qwen_expansion_percentage=Decimal("2000.00"), enhancement_time_ms=12_300, quality_rating=4,
                     quality_improvement=Decimal("-0.10"))
    CompelConfigFactory(config_name="Quality 1.2x", weights={"quality": 1.2}, avg_quality=Decimal("4.80"),
                        avg_consistency=Decimal("0.85"), total_tests=12, is_active=True)
    PromptABTestFactory(test_name="@Couples", test_series="couples-v1", baseline_avg_quality=Decimal("4.00"),
                        enhanced_avg_quality=Decimal("3.50"), quality_improvement=Decimal("-0.50"),
                        total_participants=8, confidence_level=Decimal("0.97"), is_complete=True, status="complete")
    return job


def test_enhanced_prompts_qwen_csv_escapes_formulas(admin_client, enhanced):
    response = admin_client.get(_url("enhanced-prompts", "qwen"))

    assert _filename(response) == f"enhanced-prompts-qwen-{utc_today().isoformat()}.csv"
    assert _csv(response) == [
        ["created", "job", "model", "strategy", "original", "original length", "enhanced length", "expansion %",
         "enhancement time (ms)", "stars", "quality gain"],
        ["2026-03-09T12:30:00+00:00", str(enhanced.pk), "SDXL", "qwen", '\'=HYPERLINK("http://evil.example")',
         "33", "18", "2000.00", "12300", "4", "-0.10"],
    ]


def test_enhanced_prompts_compel_and_ab_tests_csv(admin_client, enhanced):
    compel = _csv(admin_client.get(_url("enhanced-prompts", "compel")))
    ab_tests = _csv(admin_client.get(_url("enhanced-prompts", "ab-tests")))

    assert compel == [
        ["configuration", "weights", "mean quality", "consistency %", "tests", "active"],
        ["Quality 1.2x", '{"quality": 1.2}', "4.80", "85.00", "12", "True"],
    ]
    assert ab_tests == [
        ["test", "series", "model", "status", "pairs", "baseline", "enhanced", "difference", "improvement %",
         "P(better) %", "complete"],
        ["'@Couples", "couples-v1", "SDXL", "complete", "8", "4.00", "3.50", "-0.50", "-12.50", "97.00", "True"],
    ]


def _adoption(username, day, total, *, qwen=0, hybrid=0, first=None, with_=None, without=None):
    none = total - qwen - hybrid
    gain = with_ - without if with_ is not None and without is not None else None
    return UserEnhancementAdoptionFactory(
        user=UserFactory(username=username), date=day, total_jobs=total, jobs_with_enhancement=qwen + hybrid,
        qwen_usage_count=qwen, hybrid_usage_count=hybrid, no_enhancement_count=none, first_enhancement_date=first,
        avg_quality_with_enhancement=with_, avg_quality_without_enhancement=without, avg_quality_improvement=gain)


@pytest.fixture
def adoption():
    """A enhanced 3 of 5 jobs on day 1 (its first enhanced day); B never enhanced, 4 jobs on day 2."""
    _adoption("a", DAY1, 5, qwen=2, hybrid=1, first=datetime(2026, 3, 9, 10, tzinfo=UTC),
              with_=Decimal("4.00"), without=Decimal("3.00"))
    _adoption("b", DAY2, 4, without=Decimal("2.00"))


def test_adoption_csvs(admin_client, adoption):
    strategies = admin_client.get(_url("adoption", "strategies"), RANGE)
    learning = admin_client.get(_url("adoption", "learning"), RANGE)
    days = admin_client.get(_url("adoption", "days"), RANGE)

    assert _filename(strategies) == "user-adoption-strategies-2026-03-09-2026-03-10.csv"
    assert _csv(strategies) == [
        ["strategy", "jobs", "share of jobs %", "users who used it"],
        ["Qwen Only", "2", "22.22", "1"], ["Compel Only", "0", "0.00", "0"], ["Hybrid (Both)", "1", "11.11", "1"],
        ["No Enhancement", "6", "66.67", "2"],
    ]
    assert _csv(learning) == [
        ["week", "user-days", "jobs", "adoption %", "quality with", "quality without", "gain within user-day"],
        ["0", "1", "5", "60.00", "4.00", "3.00", "1.00"],
    ]
    assert _csv(days) == [
        ["date", "active users", "jobs", "enhanced", "adoption %"],
        ["2026-03-10", "1", "4", "0", "0.00"], ["2026-03-09", "1", "5", "3", "60.00"],
    ]


@pytest.fixture
def prompt_usage(monkeypatch):
    """Alpha: 5 uses in the last day (4 successes, ratings 5 4 1 5) and one the day before; beta: one use."""
    monkeypatch.setattr("analytics.prompt_windows.timezone", SimpleNamespace(now=lambda: NOW))  # the export's clock
    alpha = PromptFactory(name="alpha", display_name="Alpha", status="active")
    beta = PromptFactory(name="beta", display_name="", status="active")
    PromptFactory(name="gamma", display_name="Gamma", status="draft")  # neither used nor active: no row
    uses = [(alpha, 1, True, 5, 1000), (alpha, 2, True, 4, 3000), (alpha, 3, True, None, 2000),
            (alpha, 4, False, 1, 4000), (alpha, 5, True, 5, 1000), (alpha, 30, True, None, 1000),
            (beta, 20, True, 3, 500)]
    for prompt, hours_ago, success, rating, ms in uses:
        PromptUsageFactory(prompt=prompt, created_at=NOW - timedelta(hours=hours_ago), success=success,
                           rating=rating, response_time_ms=ms, tokens_used=100, cost=Decimal("0.000040"))
    rebuild_prompt_performance()


def _performance(client, table: str, **params):
    return client.get(reverse("admin:analytics_prompt_performance_csv", args=[table]), params)


def test_prompt_performance_csvs(admin_client, prompt_usage):
    prompts = _performance(admin_client, "prompts", period="day")
    top = _performance(admin_client, "top", period="day")
    days = _performance(admin_client, "days", period="day")

    assert _filename(prompts) == "prompt-performance-prompts-2026-03-09-2026-03-10.csv"
    assert _csv(prompts) == [
        ["prompt", "status", "uses", "success %", "error %", "mean rating", "mean response (ms)", "tokens",
         "cost ($)"],
        ["Alpha", "active", "5", "80.00", "20.00", "3.75", "2200", "500", "0.000200"],
        ["beta", "active", "1", "100.00", "0.00", "3.00", "500", "100", "0.000040"],
    ]
    assert _csv(top) == [
        ["#", "prompt", "uses", "success %", "mean rating", "mean response (ms)", "cost ($)"],
        ["1", "Alpha", "5", "80.00", "3.75", "2200", "0.000200"],
    ]
    assert _csv(days) == [
        ["day", "prompts used", "uses", "success %", "mean rating", "tokens", "cost ($)"],
        ["2026-03-09", "2", "2", "100.00", "3.00", "200", "0.000080"],
        ["2026-03-10", "1", "5", "80.00", "3.75", "500", "0.000200"],
    ]


def test_prompt_performance_page_links_the_period(admin_client, prompt_usage):
    html = admin_client.get(reverse("admin:analytics_prompt_performance"), {"period": "day"}).content.decode()

    assert f'href="{reverse("admin:analytics_prompt_performance_csv", args=["prompts"])}?period=day"' in html


def test_dashboard_page_links_its_range(admin_client, jobs):
    html = admin_client.get(reverse("admin:analytics_model_analytics"), RANGE).content.decode()

    assert f'href="{_url("models", "days")}?from=2026-03-09&amp;to=2026-03-10"' in html


EXPORTS = [_url("models", "models"), _url("models", "days"), _url("enhanced-prompts", "qwen"),
           _url("enhanced-prompts", "compel"), _url("enhanced-prompts", "ab-tests"),
           _url("effectiveness", "strategies"), _url("adoption", "strategies"), _url("adoption", "learning"),
           _url("adoption", "days"), *(reverse("admin:analytics_prompt_performance_csv", args=[table])
                                       for table in ("prompts", "top", "days"))]


@pytest.mark.parametrize("url", EXPORTS)
def test_export_refuses_staff_without_the_page_permission(client, url):
    client.force_login(UserFactory(username="no-role"))

    assert client.get(url).status_code == 403


@pytest.mark.parametrize("url", EXPORTS)
def test_every_export_answers_a_viewer(client, role_user, url):
    client.force_login(role_user("viewer"))

    response = client.get(url)

    assert response.status_code == 200 and response.content.count(b"\r\n") >= 1


@pytest.mark.parametrize("url", [_url("models", "nope"), _url("live", "active"), _url("nope", "days"),
                                 reverse("admin:analytics_prompt_performance_csv", args=["alerts"])])
def test_unknown_table_is_404(admin_client, url):
    assert admin_client.get(url).status_code == 404


def test_bad_range_is_400_with_the_page_message(admin_client):
    response = admin_client.get(_url("adoption", "days"), {"from": "2026-03-10", "to": "2026-03-01"})

    assert response.status_code == 400
    assert response.content.decode() == "From (2026-03-10) is after To (2026-03-01)."


def test_bad_period_is_400_with_its_message(admin_client):
    response = _performance(admin_client, "prompts", period="fortnight")

    assert response.status_code == 400
    assert response.content.decode() == (
        "Unknown period 'fortnight': use day, week, month, or a number of hours from 1h to 8784h.")


@pytest.mark.parametrize("value,cell", [
    (None, ""), (Decimal("-0.25"), "-0.25"), (Decimal("0E-6"), "0.000000"), (-3, "-3"), (True, "True"),
    ("-1+2", "'-1+2"), ("+x", "'+x"), ("@x", "'@x"), ("\tx", "'\tx"), ("plain", "plain"),
    (date(2026, 3, 9), "2026-03-09"), ({"quality": 1.2}, '{"quality": 1.2}'),
])
def test_csv_cell_keeps_numbers_raw_and_escapes_formulas(value, cell):
    assert csv_cell(value) == cell
