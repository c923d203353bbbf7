"""Start, stop or check the embedded Redis used when REDIS_URL is not set."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from ourvidz_admin.embedded_redis import ensure_running, is_running, stop


class Command(BaseCommand):
    help = "Manage the embedded redis-server (unix socket under var/); only used without REDIS_URL."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=("start", "stop", "status"))

    def handle(self, *args, action, **options):
        if not settings.EMBEDDED_REDIS:
            raise CommandError(f"REDIS_URL is set ({settings.REDIS_URL}); there is no embedded Redis to manage.")
        socket_path = settings.EMBEDDED_REDIS_SOCKET
        if action == "start":
            ensure_running(socket_path)
            self.stdout.write(f"embedded redis running on {socket_path}")
        elif action == "stop":
            self.stdout.write("stopped" if stop(socket_path) else "not running")
        else:
            self.stdout.write("running" if is_running(socket_path) else "not running")
