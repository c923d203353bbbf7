"""Tell every worker to drop its cached templates, rules and parameters now."""

from django.core.management.base import BaseCommand

from prompts.services import prompt_cache_refresh


class Command(BaseCommand):
    help = "Broadcast a prompt-cache refresh over Redis pub/sub; workers reload on their next job."

    def handle(self, *args, **options):
        receivers = prompt_cache_refresh()
        self.stdout.write(f"Refresh broadcast to {receivers} worker(s).")
