"""Shared set-up of the benchmarks that go through the portal: Django, and a logged-in superuser client."""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ourvidz_admin.settings.base")

import django  # noqa: E402

django.setup()


def superuser_client():
    """A test client logged in as the ``bench-admin`` superuser (created on first use)."""
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client

    settings.ALLOWED_HOSTS = ["*"]
    user, _ = get_user_model().objects.get_or_create(username="bench-admin", defaults={"is_staff": True})
    user.is_staff = user.is_superuser = True
    user.save()
    client = Client()
    client.force_login(user)
    return client
