"""Real worker processes for end-to-end tests: ``manage.py rqworker`` on the tiny models.

The tests commit their data (``transactional_db``) because workers are other
processes; the worker gets the test database, the same Redis and MEDIA_ROOT
through its environment.
"""

import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import django_rq
import pytest
from django.conf import settings
from django.db import connection

from configs.selectors import clear_cache
from configs.services import model_backend_set
from tests.gpu.conftest import tiny_models  # noqa: F401 - re-exported fixture

ROOT = Path(__file__).resolve().parents[2]
QUEUES = ("enhance", "sdxl", "wan", "default")


def database_url() -> str:
    """A DATABASE_URL for the test database this process is using."""
    config = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{config['NAME']}"
    user, host, port = config["USER"], config["HOST"] or "127.0.0.1", config["PORT"] or 5432
    password = f":{config['PASSWORD']}" if config["PASSWORD"] else ""
    return f"postgres://{user}{password}@{host}:{port}/{config['NAME']}"


class Workers:
    """Start and stop worker processes bound to the test database."""

    def __init__(self):
        self.processes: list[subprocess.Popen] = []

    def env(self, **overrides) -> dict:
        environment = dict(os.environ)
        environment.update(
            DJANGO_SETTINGS_MODULE="ourvidz_admin.settings.test", DATABASE_URL=database_url(),
            REDIS_URL=settings.REDIS_URL, MEDIA_ROOT=str(settings.MEDIA_ROOT), HF_HUB_OFFLINE="1",
            WORKER_HEARTBEAT_S="1", PYTHONUNBUFFERED="1", **overrides,
        )
        return environment

    def start(self, *, burst: bool, **env) -> subprocess.Popen:
        args = [sys.executable, "manage.py", "rqworker", *QUEUES]
        if burst:
            args.append("--burst")
        # A file, not a pipe: nobody reads a long-running worker's pipe, and a full one would block its logging.
        log = tempfile.TemporaryFile(mode="w+")
        process = subprocess.Popen(args, cwd=ROOT, env=self.env(**env), stdout=log, stderr=subprocess.STDOUT,
                                   text=True)
        process.log = log
        self.processes.append(process)
        return process

    @staticmethod
    def output(process: subprocess.Popen) -> str:
        """Everything the worker has logged so far."""
        process.log.seek(0)
        return process.log.read()

    def run_burst(self, timeout: float = 180, **env) -> str:
        """Run a burst worker until the queues are empty; return its output."""
        process = self.start(burst=True, **env)
        process.wait(timeout=timeout)
        output = self.output(process)
        assert process.returncode == 0, output
        return output

    def stop_all(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
            process.log.close()


def wait_for(predicate, timeout: float = 60, interval: float = 0.2):
    """Poll ``predicate`` until it returns something truthy; fail the test after ``timeout``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    pytest.fail(f"condition not met within {timeout} s")


@pytest.fixture
def workers(transactional_db, tiny_models):  # noqa: F811
    """Configured tiny models (the CLIP scorer too), empty queues, and a process manager that cleans up."""
    for family in ("qwen", "sdxl", "wan", "clip"):
        model_backend_set(family=family, path=str(tiny_models[family]), model_name=f"tiny-{family}")
    for name in QUEUES:
        django_rq.get_queue(name).empty()
    manager = Workers()
    yield manager
    manager.stop_all()
    clear_cache()
