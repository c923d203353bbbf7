"""Build a report's PDF, name it, and email it as an attachment through Django's mail settings."""

from django.conf import settings
from django.core.mail import EmailMessage

from analytics.dashboards.common import DayRange
from analytics.reports.data import Report, report_data
from analytics.reports.pdf import report_pdf
from analytics.reports.periods import AUDIENCES
from ourvidz_admin import formatting

PDF = "application/pdf"


def report_filename(report: Report) -> str:
    """``ourvidz-report-2026-11-30-to-2026-12-06-executive.pdf``."""
    return f"ourvidz-report-{report.days.since}-to-{report.days.until}-{report.audience}.pdf"


def report_build(*, days: DayRange, audience: str) -> tuple[Report, bytes]:
    """The report of ``days`` for ``audience`` and its PDF."""
    report = report_data(since=days.since, until=days.until, audience=audience)
    return report, report_pdf(report)


def _body(report: Report) -> str:
    writers = {"count": formatting.count, "percent": formatting.percent, "rating": formatting.rating,
               "ms": formatting.ms}
    lines = [f"OurVidz report for {report.days.since} to {report.days.until} (UTC), "
             f"{AUDIENCES[report.audience].lower()} edition; the PDF is attached.", ""]
    lines += [f"{item.name}: {writers[item.kind](item.value)}" for item in report.headline]
    return "\n".join(lines) + "\n"


def report_email(*, report: Report, pdf: bytes, recipients: list[str]) -> int:
    """Send the report to ``recipients`` (``DEFAULT_FROM_EMAIL`` as sender); the number of messages sent."""
    message = EmailMessage(
        subject=f"OurVidz report {report.days.since} to {report.days.until} ({AUDIENCES[report.audience]})",
        body=_body(report), from_email=settings.DEFAULT_FROM_EMAIL, to=list(recipients))
    message.attach(report_filename(report), pdf, PDF)
    return message.send(fail_silently=False)
