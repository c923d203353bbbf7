"""Test settings: fast hashing, throw-away media, same database and Redis wiring as base."""

import os
import tempfile

from ourvidz_admin.env import env
from ourvidz_admin.settings.base import *  # noqa: F401,F403
from ourvidz_admin.settings.base import DATABASES, VAR_DIR

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Worker processes started by tests inherit MEDIA_ROOT through the environment.
MEDIA_ROOT = env("MEDIA_ROOT", "") or tempfile.mkdtemp(prefix="ourvidz-test-media-")
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file, not memory: worker processes started by tests must open the same test database.
    # One file per test run, so concurrent runs on one machine do not share it.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-db-{os.getpid()}.sqlite3")}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
