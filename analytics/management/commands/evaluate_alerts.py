"""Evaluate the alert rules now and print what changed."""

from django.core.management.base import BaseCommand

from analytics.alerts.services import alerts_evaluate


class Command(BaseCommand):
    help = (
        "Evaluate every enabled alert rule now: open alerts for subjects that cross a threshold, refresh the "
        "ones still firing, resolve the ones that recovered, then POST new alerts to ALERT_WEBHOOK_URL when set. "
        "Safe to run at any time; the scheduler runs analytics.jobs.evaluate_alerts_job."
    )

    def handle(self, *args, **options):
        counts = alerts_evaluate()
        self.stdout.write(", ".join(f"{name} {count}" for name, count in counts.items()))
