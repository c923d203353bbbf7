"""The PDF report: its figures equal the rollups summed here, the PDF reads back, the command, mail and admin."""

import io
import logging
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.urls import reverse
from pypdf import PdfReader

from analytics.operations.goals import goal_scoreboard
from analytics.reports.data import report_data
from analytics.reports.jobs import send_weekly_report_job
from analytics.reports.pdf import report_pdf
from analytics.reports.periods import preset_range, previous_range, report_range
from analytics.rollups.buckets import UTC
from tests.factories import AlertFactory, JobStatsDailyFactory, ModelPerformanceLogFactory, PromptABTestFactory

pytestmark = pytest.mark.django_db
SINCE, UNTIL = date(2026, 11, 30), date(2026, 12, 6)  # a Monday to a Sunday


def _pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


@pytest.fixture
def rollups():
    """Two weeks of both rollups: (model, day offset from SINCE, completed, failed, jobs, rated, stars sum, ms)."""
    rows = [("SDXL", 0, 40, 4, 46, 20, 80, 30_000), ("SDXL", 3, 50, 6, 57, 10, 35, 40_000),
            ("WAN", 6, 9, 1, 11, 5, 16, 120_000), ("SDXL", -7, 30, 10, 41, 8, 24, 20_000),
            ("WAN", -1, 5, 5, 10, 2, 10, 100_000), ("SDXL", 7, 99, 0, 99, 0, 0, 0)]  # the last is after the period
    for model, offset, completed, failed, jobs, rated, stars, ms in rows:
        day = SINCE + timedelta(days=offset)
        ModelPerformanceLogFactory(model_type=model, date=day, total_generations=completed + failed,
                                   successful_generations=completed, failed_generations=failed)
        JobStatsDailyFactory(model_type=model, date=day, enhancement_strategy="hybrid", total_jobs=jobs,
                             completed_jobs=completed, failed_jobs=failed, cancelled_jobs=jobs - completed - failed,
                             rated_jobs=rated, stars_4=rated // 2, stars_5=rated // 4, rating_sum=stars,
                             inference_time_sum_ms=ms * completed, inference_time_count=completed)
    return rows


@pytest.fixture
def ab_test():
    return PromptABTestFactory(
        test_name="Hybrid portraits", status="running", started_at=datetime(2026, 11, 20, tzinfo=UTC),
        planned_pairs=30, total_participants=24, baseline_avg_quality=Decimal("3.10"),
        enhanced_avg_quality=Decimal("3.60"),
        results={"rated_pairs": 24, "paired_difference": 0.5, "paired_low": 0.21, "paired_high": 0.79,
                 "paired_p": 0.00004, "success_difference": 0.02})


def test_report_figures_equal_the_rollups_summed_here(rollups):
    report = report_data(since=SINCE, until=UNTIL, audience="executive")

    headline = {item.name: (item.value, item.previous) for item in report.headline}
    models = {row["model_type"]: row for row in report.models}
    # This week: SDXL days 0 and 3, WAN day 6; previous week: SDXL day -7, WAN day -1.
    assert headline["Jobs"] == (46 + 57 + 11, 41 + 10)
    assert headline["Generations finished"] == (44 + 56 + 10, 40 + 10)
    assert headline["Success rate"] == (Decimal("90.00"), Decimal("70.00"))  # 99/110, 35/50
    assert headline["Mean rating"] == (Decimal("3.74"), Decimal("3.40"))  # 131/35, 34/10
    assert headline["Rated 4 or 5 stars"] == (Decimal("71.43"), Decimal("70.00"))  # (17+8)/35, (6+1)/10
    assert headline["Mean generation time"] == (43_232, 31_429)  # 4,280,000/99, 1,100,000/35
    assert headline["Cancelled jobs"] == (2 + 1 + 1, 1 + 0)
    assert (models["SDXL"]["success_rate"], models["SDXL"]["previous_success_rate"]) == (Decimal("90.00"),
                                                                                      Decimal("75.00"))
    assert models["SDXL"]["success_change"] == Decimal("15.00")
    assert (models["WAN"]["jobs"], models["WAN"]["success_rate"]) == (11, Decimal("90.00"))
    assert (report.previous.since, report.previous.until) == (date(2026, 11, 23), date(2026, 11, 29))


def test_the_pdf_reads_back_with_the_period_kpis_models_and_figures(rollups, ab_test):
    report = report_data(since=SINCE, until=UNTIL, audience="executive")

    data = report_pdf(report)

    text = _pdf_text(data)
    assert data.startswith(b"%PDF-")
    assert "OurVidz report: 2026-11-30 to 2026-12-06" in text and "Audience: Executive" in text
    for name in ("Success rate", "Mean rating", "Generations finished", "Mean generation time", "SDXL", "WAN",
                 "Hybrid portraits"):
        assert name in text, name
    for figure in ("90.0%", "70.0%", "+20.0 pts", "3.74", "43.2 s", "114", "+63 (+123.5%)", "24 / 30", "+0.50",
                   "better"):
        assert figure in text, figure
    assert "Page 1 of" in text
    assert "Enhancement strategies" not in text  # the engineering edition's


def test_the_engineering_edition_adds_strategies_intervals_and_alerts(rollups, ab_test):
    AlertFactory(subject_label="Slow portrait prompt", value=Decimal("12.50"), threshold=10,
                 first_seen_at=datetime(2026, 12, 2, 8, 30, tzinfo=UTC))
    AlertFactory(subject_label="Outside the period", first_seen_at=datetime(2026, 12, 7, 0, 0, tzinfo=UTC))

    report = report_data(since=SINCE, until=UNTIL, audience="engineering")
    text = _pdf_text(report_pdf(report))

    assert report.alert_counts == {"high": 1, "medium": 0, "low": 0, "active": 1, "total": 1}
    assert "Enhancement strategies" in text and "Hybrid (Both)" in text
    assert "+0.21 to +0.79" in text and "< 0.0001" in text
    assert "Slow portrait prompt" in text and "12.50" in text and "2026-12-02 08:30" in text
    assert "Outside the period" not in text


def test_goals_appear_with_their_targets_and_values(rollups):
    rows = goal_scoreboard(SINCE, UNTIL)

    text = " ".join(_pdf_text(report_pdf(report_data(since=SINCE, until=UNTIL, audience="executive"))).split())

    assert "Goals against targets" in text
    assert rows and all(row.name in text and row.target in text and row.display in text for row in rows)


@pytest.mark.parametrize(("name", "today", "expected"), [
    ("day", date(2026, 12, 9), (date(2026, 12, 8), date(2026, 12, 8))),
    ("week", date(2026, 12, 9), (date(2026, 11, 30), date(2026, 12, 6))),
    ("week", date(2026, 12, 7), (date(2026, 11, 30), date(2026, 12, 6))),
    ("month", date(2026, 12, 1), (date(2026, 11, 1), date(2026, 11, 30))),
    ("month", date(2026, 3, 15), (date(2026, 2, 1), date(2026, 2, 28))),
])
def test_presets_are_the_last_complete_day_week_and_month(name, today, expected):
    days = preset_range(name, today=today)

    assert (days.since, days.until) == expected
    assert previous_range(days).until == expected[0] - timedelta(days=1)
    assert previous_range(days).days == days.days


def test_report_range_takes_dates_instead_of_a_preset():
    assert report_range(since="2026-01-01", until="2026-01-31").days == 31


@pytest.mark.parametrize(("args", "message"), [
    ([], "Give --pdf PATH and/or --email ADDR"),
    (["--pdf", "x.pdf", "--period", "year"], "--period: period must be one of day, week, month, not 'year'."),
    (["--pdf", "x.pdf", "--since", "2026-11-01"], "--until: until is needed with since."),
    (["--pdf", "x.pdf", "--since", "2026-13-01", "--until", "2026-12-01"],
     "--since: since must be a date as YYYY-MM-DD, not '2026-13-01'."),
    (["--pdf", "x.pdf", "--since", "2026-12-02", "--until", "2026-12-01"],
     "--since: since (2026-12-02) is after until (2026-12-01)."),
    (["--pdf", "x.pdf", "--since", "2025-01-01", "--until", "2026-12-01"], "--until: The period covers 700 days"),
    (["--pdf", "x.pdf", "--period", "week", "--since", "2026-12-01", "--until", "2026-12-02"],
     "--period: Give either period or since and until, not both."),
    (["--pdf", "x.pdf", "--audience", "board"], "--audience: audience must be one of executive, engineering"),
    (["--email", "not-an-address"], "--email: Enter a valid email address."),
])
def test_send_report_names_the_bad_argument(args, message, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)

    with pytest.raises(CommandError) as error:
        call_command("send_report", *args)

    assert message in str(error.value)
    assert list(tmp_path.iterdir()) == [] and mail.outbox == []


def test_send_report_writes_the_pdf_and_emails_it(rollups, tmp_path, capsys):
    out = tmp_path / "week.pdf"

    call_command("send_report", "--since", "2026-11-30", "--until", "2026-12-06", "--audience", "engineering",
                 "--pdf", str(out), "--email", "lead@example.com", "cto@example.com")

    (message,) = mail.outbox
    name, content, mimetype = message.attachments[0]
    assert out.read_bytes().startswith(b"%PDF-") and "Wrote" in capsys.readouterr().out
    assert message.to == ["lead@example.com", "cto@example.com"]
    assert message.subject == "OurVidz report 2026-11-30 to 2026-12-06 (Engineering)"
    assert "Success rate: 90.0%" in message.body
    assert (name, mimetype) == ("ourvidz-report-2026-11-30-to-2026-12-06-engineering.pdf", "application/pdf")
    assert content.startswith(b"%PDF-") and "OurVidz report: 2026-11-30 to 2026-12-06" in _pdf_text(content)


def test_weekly_job_does_nothing_but_log_without_recipients(settings, caplog):
    settings.REPORT_RECIPIENTS = []

    with caplog.at_level(logging.INFO, logger="analytics.reports.jobs"):
        result = send_weekly_report_job()

    assert result == {"sent": 0, "recipients": 0} and mail.outbox == []
    assert "REPORT_RECIPIENTS is empty" in caplog.text


def test_weekly_job_mails_last_week_to_the_recipients(settings, rollups):
    settings.REPORT_RECIPIENTS = ["team@example.com"]

    result = send_weekly_report_job()

    (message,) = mail.outbox
    assert result["sent"] == 1 and message.to == ["team@example.com"]
    assert message.attachments[0][2] == "application/pdf"


def test_the_weekly_report_is_scheduled_on_monday_mornings():
    from redis import Redis
    from rq.cron import CronScheduler

    scheduler = CronScheduler(connection=Redis())  # never connects: only the configuration is read
    scheduler.load_config_from_file("ourvidz_admin.cron")

    jobs = {job.name: job for job in scheduler.get_jobs()}
    assert jobs["send_weekly_report"].cron == "0 6 * * 1"
    assert jobs["send_weekly_report"].func is send_weekly_report_job


def test_admin_reports_page_offers_the_download(admin_client):
    response = admin_client.get(reverse("admin:analytics_reports"))

    assert response.status_code == 200 and 'value="Download PDF"' in response.content.decode()


def test_admin_download_returns_the_pdf_of_the_chosen_period(admin_client, rollups):
    response = admin_client.get(reverse("admin:analytics_reports"), {
        "period": "", "since": "2026-11-30", "until": "2026-12-06", "audience": "engineering", "download": "1"})

    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'attachment; filename="ourvidz-report-2026-11-30-to-2026-12-06-engineering.pdf"')
    assert "+20.0 pts" in _pdf_text(response.content)


def test_admin_download_of_a_preset(admin_client):
    response = admin_client.get(reverse("admin:analytics_reports"), {"period": "month", "audience": "executive",
                                                                     "download": "1"})

    assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF-")


def test_admin_explains_a_bad_period_instead_of_downloading(admin_client):
    response = admin_client.get(reverse("admin:analytics_reports"), {
        "period": "", "since": "2026-12-06", "until": "2026-11-30", "audience": "executive", "download": "1"})

    assert response.status_code == 400 and response["Content-Type"].startswith("text/html")
    assert "since (2026-12-06) is after until (2026-11-30)." in response.content.decode()
