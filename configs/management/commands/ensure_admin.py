"""Create the portal's first admin account once, and say how to log in."""

import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from configs.roles import ADMIN


class Command(BaseCommand):
    help = "Create a superuser on first run (password printed and kept in var/admin-password.txt)."

    def add_arguments(self, parser):
        parser.add_argument("--username", default="admin")
        parser.add_argument("--email", default="admin@ourvidz.local")

    def handle(self, *args, username, email, **options):
        if not username.strip():
            raise CommandError("--username cannot be empty.")
        user_model = get_user_model()
        secret_file = settings.VAR_DIR / "admin-password.txt"
        if user_model.objects.filter(username=username).exists():
            hint = f"password in {secret_file}" if secret_file.exists() else "password unchanged"
            self.stdout.write(f"Admin account '{username}' exists ({hint}).")
            return
        password = secrets.token_urlsafe(12)
        with transaction.atomic():
            user = user_model.objects.create_superuser(username=username, email=email, password=password)
            user.groups.add(Group.objects.get(name=ADMIN))
        secret_file.write_text(password + "\n")
        secret_file.chmod(0o600)
        self.stdout.write(self.style.SUCCESS(f"Created admin account: {username} / {password}"))
        self.stdout.write(f"(also written to {secret_file})")
