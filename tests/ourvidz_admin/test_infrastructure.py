"""Settings from the environment, the production guard, the embedded Redis."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
import redis
from django.core.exceptions import ImproperlyConfigured

from ourvidz_admin.embedded_redis import ensure_running, is_running, stop
from ourvidz_admin.env import env, env_bool

ROOT = Path(__file__).resolve().parents[2]


def _manage(*args, **env_overrides):
    dropped = ("SECRET_KEY", "ALLOWED_HOSTS", "DJANGO_ALLOW_ASYNC_UNSAFE")
    environment = {k: v for k, v in os.environ.items() if k not in dropped}
    environment.update(DJANGO_SETTINGS_MODULE="ourvidz_admin.settings.production", **env_overrides)
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=environment,
                          capture_output=True, text=True, timeout=120)


def test_required_env_key_raises(monkeypatch):
    monkeypatch.delenv("SOME_REQUIRED_KEY", raising=False)

    with pytest.raises(ImproperlyConfigured, match="SOME_REQUIRED_KEY is required"):
        env("SOME_REQUIRED_KEY")


def test_bad_boolean_is_explained(monkeypatch):
    monkeypatch.setenv("DEBUG", "maybe")

    with pytest.raises(ImproperlyConfigured, match="DEBUG must be a boolean"):
        env_bool("DEBUG", False)


@pytest.mark.slow
def test_production_refuses_to_start_without_secret_key():
    result = _manage("check", ALLOWED_HOSTS="portal.example.com")

    assert result.returncode != 0
    assert "The environment variable SECRET_KEY is required." in result.stderr


@pytest.mark.slow
def test_production_passes_deploy_check():
    result = _manage("check", "--deploy", "--fail-level", "WARNING",
                     SECRET_KEY="x" * 20 + "production-secret-key-long-and-random-0123456789",
                     ALLOWED_HOSTS="portal.example.com")

    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_embedded_redis_starts_shares_and_stops(tmp_path):
    socket_path = Path(f"/tmp/ovtest-{os.getpid()}") / "redis.sock"
    try:
        ensure_running(socket_path)
        ensure_running(socket_path)  # second call reuses the running server
        client = redis.from_url(f"unix://{socket_path}?db=0")
        client.set("k", "v")

        assert redis.Redis(unix_socket_path=str(socket_path)).get("k") == b"v"
    finally:
        stopped = stop(socket_path)

    assert stopped is True
    assert not is_running(socket_path)
