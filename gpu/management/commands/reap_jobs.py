"""Fail jobs whose worker died or that outran their timeout; enqueue saved jobs that are on no queue."""

from django.core.management.base import BaseCommand, CommandError

from generations.queueing import jobs_dispatch_pending
from gpu.health import reap_orphans
from ourvidz_admin.queues import QueueUnavailable


class Command(BaseCommand):
    help = ("Fail processing jobs whose worker stopped heart-beating (worker_died) or that passed their timeout, "
            "then enqueue queued jobs whose stage is on no queue (Redis was down or restarted empty).")

    def add_arguments(self, parser):
        parser.add_argument("--dispatch-after", type=int, default=30, metavar="SECONDS",
                            help="Only enqueue jobs unchanged for this many seconds (default 30).")

    def handle(self, *args, **options):
        if options["dispatch_after"] < 0:
            raise CommandError("--dispatch-after must be 0 or more seconds.")
        self.stdout.write(f"Reaped {reap_orphans()} job(s).")
        try:
            dispatched = jobs_dispatch_pending(older_than_s=options["dispatch_after"])
        except QueueUnavailable as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"Enqueued {dispatched} saved job stage(s) that were on no queue.")
