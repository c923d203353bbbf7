"""Concurrent logged-in admins against the development server and gunicorn, on loopback.

Usage (after ``make seed`` or ``manage.py seed_demo`` on the target database)::

    .venv/bin/python bench/serve_load.py [--sessions 50] [--seconds 20]

Starts each server on a free port with the same settings and database, logs
in ``--sessions`` staff users (one session each), and has every session loop
over the jobs list and the model-analytics dashboard for ``--seconds``. Prints,
per server, requests completed, throughput, p50/p95/p99 latency and errors.
The load generator is Python threads on the same machine, so both servers
share the cores with it; the ratio between the two rows is the figure.
"""

import argparse
import http.client
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from _portal import superuser_client  # noqa: E402, F401  (sets up Django)
from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402

PATHS = ["/admin/generations/job/", "/admin/analytics/jobstatsdaily/dashboards/models/"]
PYTHON = str(ROOT / ".venv" / "bin" / "python")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _sessions(count: int) -> list[str]:
    """Session keys of ``count`` superusers, as a browser would hold after logging in."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    keys = []
    for number in range(count):
        user, _ = get_user_model().objects.get_or_create(username=f"bench-load-{number}",
                                                         defaults={"is_staff": True, "is_superuser": True})
        session = SessionStore()
        session[SESSION_KEY], session[HASH_SESSION_KEY] = str(user.pk), user.get_session_auth_hash()
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session.create()
        keys.append(session.session_key)
    return keys


def _start(kind: str, port: int) -> subprocess.Popen:
    env = {**os.environ, "HOST": "127.0.0.1", "PORT": str(port)}
    if kind == "runserver":
        command = [PYTHON, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"]
    else:
        command = [str(ROOT / ".venv" / "bin" / "gunicorn"), "-c", "python:ourvidz_admin.gunicorn_conf",
                   "--access-logfile", "/dev/null"]
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/admin/login/")
            if connection.getresponse().status == 200:
                return process
        except OSError:
            time.sleep(0.3)
    process.terminate()
    raise SystemExit(f"{kind} did not start on port {port}")


def _session_loop(port: int, key: str, stop_at: float, latencies: list, errors: list) -> None:
    cookie = f"{settings.SESSION_COOKIE_NAME}={key}"
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    index = 0
    while time.monotonic() < stop_at:
        path = PATHS[index % len(PATHS)]
        index += 1
        start = time.perf_counter()
        try:
            connection.request("GET", path, headers={"Cookie": cookie})
            response = connection.getresponse()
            response.read()
            if response.status != 200:
                errors.append(response.status)
            latencies.append(time.perf_counter() - start)
        except OSError as exc:
            errors.append(type(exc).__name__)
            connection.close()
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)


def _run(kind: str, keys: list[str], seconds: float) -> dict:
    port = _free_port()
    process = _start(kind, port)
    try:
        latencies, errors = [], []
        stop_at = time.monotonic() + seconds
        threads = [threading.Thread(target=_session_loop, args=(port, key, stop_at, latencies, errors))
                   for key in keys]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        process.terminate()
        process.wait(timeout=30)
    cuts = statistics.quantiles(latencies, n=100) if len(latencies) >= 2 else [float("nan")] * 99
    return {"server": kind, "requests": len(latencies), "per_s": len(latencies) / seconds,
            "p50": cuts[49], "p95": cuts[94], "p99": cuts[98], "errors": len(errors)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=20)
    args = parser.parse_args()
    keys = _sessions(args.sessions)
    print(f"{args.sessions} sessions x {args.seconds:g} s, cycling {', '.join(PATHS)}; {os.cpu_count()} CPUs")
    print(f"{'server':<10} {'requests':>9} {'req/s':>7} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'errors':>7}")
    rows = [_run(kind, keys, args.seconds) for kind in ("runserver", "gunicorn")]
    for row in rows:
        print(f"{row['server']:<10} {row['requests']:>9} {row['per_s']:>7.1f} {row['p50'] * 1000:>8.0f} "
              f"{row['p95'] * 1000:>8.0f} {row['p99'] * 1000:>8.0f} {row['errors']:>7}")
    base, prod = rows
    print(f"gunicorn / runserver: throughput x{prod['per_s'] / base['per_s']:.2f}, "
          f"p95 x{prod['p95'] / base['p95']:.2f}")


if __name__ == "__main__":
    main()
