"""The scheduled report: last week's PDF to ``settings.REPORT_RECIPIENTS`` (``ourvidz_admin/cron.py``)."""

import logging

from django.conf import settings

logger = logging.getLogger(__name__)


def send_weekly_report_job(audience: str = "executive") -> dict:
    """Email the last complete ISO week's report to ``REPORT_RECIPIENTS``; with none set, log and do nothing.

    Idempotent enough for at-least-once delivery: a repeat sends the same report again.
    """
    from analytics.reports.delivery import report_build, report_email
    from analytics.reports.periods import preset_range

    recipients = list(settings.REPORT_RECIPIENTS)
    if not recipients:
        logger.info("Weekly report not sent: REPORT_RECIPIENTS is empty.")
        return {"sent": 0, "recipients": 0}
    days = preset_range("week")
    report, pdf = report_build(days=days, audience=audience)
    sent = report_email(report=report, pdf=pdf, recipients=recipients)
    logger.info("Weekly report %s to %s sent to %d recipients.", days.since, days.until, len(recipients))
    return {"sent": sent, "recipients": len(recipients), "since": str(days.since), "until": str(days.until)}
