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


def time_get(client, url: str, repeat: int, *, warm_up: bool = False) -> tuple[float, float, int, int]:
    """``(median s, worst s, queries, status)`` of ``repeat`` GETs of ``url`` (after one untimed one if ``warm_up``)."""
    import statistics
    import time

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    if warm_up:
        client.get(url)  # connection, templates, caches
    timings, queries, status = [], 0, 0
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            response = client.get(url)
            timings.append(time.perf_counter() - start)
        queries, status = len(captured.captured_queries), response.status_code
    return statistics.median(timings), max(timings), queries, status
