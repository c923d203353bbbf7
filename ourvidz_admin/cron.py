"""What the scheduler runs and how often: ``python manage.py rqcron ourvidz_admin.cron``.

RQ's cron scheduler enqueues these on the ``default`` queue; any worker that
serves ``default`` runs them. Each job is an idempotent recomputation, so a
missed or doubled tick does no harm.
"""

from rq import cron

from analytics.jobs import evaluate_alerts_job, rollup_recent_job
from analytics.reports.jobs import send_weekly_report_job

# Exact rebuild of today's and yesterday's rollups and the Compel/preset figures: catches any refresh
# the incremental path lost (a Redis restart) within 15 minutes.
cron.register(rollup_recent_job, "default", interval=15 * 60, job_timeout=600, name="rollup_recent")
# Alert rules (document 002 thresholds, the enhancement success-rate drop): open, refresh, auto-resolve.
cron.register(evaluate_alerts_job, "default", interval=5 * 60, job_timeout=300, name="evaluate_alerts")
# The weekly PDF report to REPORT_RECIPIENTS (none set: a log line), Mondays 06:00 UTC, for the ISO week before.
cron.register(send_weekly_report_job, "default", cron="0 6 * * 1", job_timeout=600, name="send_weekly_report")
