"""Fail jobs whose worker died or that outran their timeout."""

from django.core.management.base import BaseCommand

from gpu.health import reap_orphans


class Command(BaseCommand):
    help = "Fail processing jobs whose worker stopped heart-beating (worker_died) or that passed their timeout."

    def handle(self, *args, **options):
        self.stdout.write(f"Reaped {reap_orphans()} job(s).")
