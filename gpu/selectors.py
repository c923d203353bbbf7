"""Reads for the System Health page: queues, workers, failed and stuck jobs, database and media size.

Every figure is a bounded read: queue lengths and registry sizes from Redis,
the heartbeat table (one row per worker), index range scans on ``jobs``, one
size query, and a capped walk of ``MEDIA_ROOT`` cached for a minute.
"""

import os
from datetime import datetime, timedelta
from pathlib import Path

import django_rq
from django.conf import settings
from django.core.cache import cache
from django.core.files.storage import FileSystemStorage, storages
from django.db import connection
from django.utils import timezone
from redis import ConnectionPool, Redis
from redis.backoff import NoBackoff
from redis.exceptions import RedisError
from redis.retry import Retry

from generations import queueing
from generations.models import Job
from gpu.models import WorkerHeartbeat
from ourvidz_admin.choices import FailureReason, JobStatus, ModelType

QUEUE_NAMES = ("enhance", "sdxl", "wan", "default")
FAILED_WINDOW = timedelta(hours=1)
RECENT_FAILED_LIMIT = 10
REDIS_TIMEOUT_S = 2
MEDIA_SCAN_LIMIT = 200_000
MEDIA_SIZE_CACHE_KEY = "gpu:system_health:media_size"
MEDIA_SIZE_CACHE_S = 60


def _redis_connection():
    """The Redis connection the queues use (all queues share ``REDIS_URL``)."""
    return queueing.connection()


def _fail_fast(client: Redis) -> Redis:
    # The queue connection retries with backoff (about 4 s on a refused
    # connection) and has no connect timeout (forever on a dropped route);
    # a health page must answer quickly when Redis is the thing that is down.
    pool = client.connection_pool
    options = {
        **pool.connection_kwargs, "socket_connect_timeout": REDIS_TIMEOUT_S, "socket_timeout": REDIS_TIMEOUT_S,
        "retry": Retry(NoBackoff(), 0),
    }
    return Redis(connection_pool=ConnectionPool(connection_class=pool.connection_class, **options))


def redis_status_get(redis: Redis) -> dict:
    """Ping Redis: ``{"ok": True, "error": ""}`` or ``{"ok": False, "error": <why>}``; never raises."""
    try:
        redis.ping()
    except (RedisError, OSError) as exc:
        return {"ok": False, "error": f"{type(exc).__name__}: {exc}"}
    return {"ok": True, "error": ""}


def queue_depth_list(redis: Redis, *, reachable: bool = True) -> list[dict]:
    """Queued, started and failed-registry counts per queue; ``None`` figures when Redis cannot be read.

    Registries are counted without RQ's cleanup, so reading never moves jobs.
    """
    rows = []
    for name in QUEUE_NAMES:
        row = {"name": name, "queued": None, "started": None, "failed": None}
        if reachable:
            try:
                queue = django_rq.get_queue(name, connection=redis)
                row.update(
                    queued=queue.count,
                    started=queue.started_job_registry.get_job_count(cleanup=False),
                    failed=queue.failed_job_registry.get_job_count(cleanup=False),
                )
            except (RedisError, OSError):
                pass
        rows.append(row)
    return rows


def worker_heartbeat_list(*, now: datetime) -> list[dict]:
    """Every heartbeat row with its age in seconds and whether it is older than ``WORKER_STALE_AFTER_S``."""
    stale_after = settings.WORKER_STALE_AFTER_S
    rows = []
    for beat in WorkerHeartbeat.objects.order_by("name"):
        seconds = (now - beat.last_seen).total_seconds()
        rows.append({
            "name": beat.name, "hostname": beat.hostname, "pid": beat.pid, "queues": list(beat.queues or []),
            "device": beat.device, "gpu_memory_used_mb": beat.gpu_memory_used_mb,
            "gpu_memory_total_mb": beat.gpu_memory_total_mb,
            "current_job_id": str(beat.current_job_id) if beat.current_job_id else None,
            "current_stage": beat.current_stage, "progress_percent": round(beat.progress * 100),
            "jobs_done": beat.jobs_done, "heartbeat_age_s": max(0, int(seconds)), "stale": seconds > stale_after,
        })
    return rows


def job_failed_recent_get(*, now: datetime, limit: int = RECENT_FAILED_LIMIT) -> dict:
    """Jobs failed within ``FAILED_WINDOW``: their count and the ``limit`` most recent, newest first."""
    # Served by the partial index jobs_failed_at_idx (status = failed, failed_at desc).
    failed = Job.objects.filter(status=JobStatus.FAILED, failed_at__gte=now - FAILED_WINDOW)
    recent = failed.order_by("-failed_at", "-id").only(
        "id", "model_type", "failure_reason", "error_message", "worker_name", "failed_at"
    )[:limit]
    labels = dict(FailureReason.choices)
    return {
        "count": failed.count(),
        "recent": [
            {
                "id": str(job.pk), "model_type": job.model_type, "failure_reason": job.failure_reason,
                "failure_reason_label": labels.get(job.failure_reason, job.failure_reason),
                "error": " ".join(job.error_message.split())[:200], "worker_name": job.worker_name,
                "failed_at": job.failed_at,
            }
            for job in recent
        ],
    }


def _shortest_stage_timeout_s() -> int:
    # A lower bound on every stage's timeout, so the database can skip jobs no
    # timeout has passed yet: each (model, stage) pair through the same lookup
    # as the enqueue and the reaper (its backend reads are cached).
    return min(
        queueing.stage_timeout_s(Job(model_type=model_type), stage)
        for model_type in ModelType.values for stage in (queueing.ENHANCE, queueing.GENERATE)
    )


def job_stuck_list(*, now: datetime) -> list[dict]:
    """Processing jobs whose current stage started longer ago than its backend's ``job_timeout_s``.

    The timeout is ``queueing.stage_timeout_s`` of the job's next stage, as in
    the reaper; the database narrows to jobs older than the shortest timeout,
    and the exact per-stage timeout is applied here.
    """
    candidates = Job.objects.filter(
        status=JobStatus.PROCESSING, started_at__lt=now - timedelta(seconds=_shortest_stage_timeout_s())
    ).order_by("started_at", "id").only(
        "id", "model_type", "enhancement_strategy", "enhanced_prompt", "worker_name", "started_at"
    )
    rows = []
    for job in candidates:
        stage = queueing.next_stage(job)
        timeout = queueing.stage_timeout_s(job, stage)
        running = int((now - job.started_at).total_seconds())
        if running > timeout:
            rows.append({
                "id": str(job.pk), "model_type": job.model_type, "stage": stage, "worker_name": job.worker_name,
                "started_at": job.started_at, "running_s": running, "timeout_s": timeout,
            })
    return rows


def database_size_get() -> dict:
    """``{"vendor", "bytes"}``: ``pg_database_size`` on PostgreSQL, the file (plus WAL) on SQLite, else None."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_database_size(current_database())")
            return {"vendor": connection.vendor, "bytes": cursor.fetchone()[0]}
    if connection.vendor == "sqlite":
        path = Path(str(connection.settings_dict["NAME"]))
        if path.is_file():
            wal = path.with_name(path.name + "-wal")
            return {"vendor": "sqlite", "bytes": path.stat().st_size + (wal.stat().st_size if wal.is_file() else 0)}
    return {"vendor": connection.vendor, "bytes": None}


def _walk_size(root: str, limit: int) -> dict:
    total = files = 0
    pending = [root]
    while pending and files < limit:
        try:
            entries = os.scandir(pending.pop())
        except OSError:
            continue
        with entries:
            for entry in entries:
                try:
                    if entry.is_dir(follow_symlinks=False):
                        pending.append(entry.path)
                    elif entry.is_file(follow_symlinks=False):
                        total += entry.stat(follow_symlinks=False).st_size
                        files += 1
                except OSError:
                    continue
                if files >= limit:
                    break
    return {"available": True, "bytes": total, "files": files, "truncated": files >= limit}


def media_size_get() -> dict:
    """Bytes and files under ``MEDIA_ROOT``, at most ``MEDIA_SCAN_LIMIT`` files, cached ``MEDIA_SIZE_CACHE_S``.

    ``truncated`` means the walk stopped at the limit (the size is a lower
    bound); ``available`` is False for storages that are not a local
    filesystem (S3 and the like), which have no cheap total.
    """
    storage = storages["default"]
    if not isinstance(storage, FileSystemStorage):
        return {"available": False, "bytes": None, "files": None, "truncated": False}
    root = storage.location
    return cache.get_or_set(MEDIA_SIZE_CACHE_KEY, lambda: _walk_size(root, MEDIA_SCAN_LIMIT), MEDIA_SIZE_CACHE_S)


def system_health_get() -> dict:
    """Everything the System Health page shows, as plain values (JSON-serialisable with DjangoJSONEncoder).

    Renders even when Redis is down: ``redis.ok`` is False, ``redis.error``
    says why and the queue figures are ``None``.
    """
    now = timezone.now()
    redis = _fail_fast(_redis_connection())
    try:
        redis_status = redis_status_get(redis)
        queues = queue_depth_list(redis, reachable=redis_status["ok"])
    finally:
        redis.connection_pool.disconnect()
    workers = worker_heartbeat_list(now=now)
    return {
        "generated_at": now,
        "redis": redis_status,
        "queues": queues,
        "stale_after_s": settings.WORKER_STALE_AFTER_S,
        "workers": workers,
        "workers_alive": sum(not worker["stale"] for worker in workers),
        "workers_stale": sum(worker["stale"] for worker in workers),
        "failed": job_failed_recent_get(now=now),
        "stuck": job_stuck_list(now=now),
        "database": database_size_get(),
        "media": media_size_get(),
    }
