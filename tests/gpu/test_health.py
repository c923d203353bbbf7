"""The System Health admin page and its JSON endpoint: figures, access, Redis outages, bounded queries."""

import json
import socket
from datetime import timedelta
from pathlib import Path

import django_rq
import pytest
import redis
from django.core.cache import cache
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from rq import Queue

from generations import queueing
from generations.models import Job
from gpu import selectors
from gpu.admin.health import FRAGMENTS
from ourvidz_admin.choices import EnhancementStrategy, JobStatus
from tests.factories import JobFactory, ModelBackendFactory, UserFactory, WorkerHeartbeatFactory

pytestmark = pytest.mark.django_db
PAGE = reverse("admin:gpu_system_health")
JSON = reverse("admin:gpu_system_health_json")
# session, user, heartbeats, failed count, failed rows, three backends (qwen, sdxl, wan), processing jobs
EXPECTED_QUERIES = 9 + (connection.vendor == "postgresql")  # + pg_database_size


@pytest.fixture(autouse=True)
def health_redis(monkeypatch):
    """A Redis database of its own on the test server, empty, so queue figures are exact."""
    pool = django_rq.get_connection("default").connection_pool
    conn = redis.Redis(connection_pool=redis.ConnectionPool(
        connection_class=pool.connection_class, **{**pool.connection_kwargs, "db": 13}
    ))
    conn.flushdb()
    monkeypatch.setattr(selectors, "_redis_connection", lambda: conn)
    yield conn
    conn.flushdb()


@pytest.fixture(autouse=True)
def _no_cached_media_size():
    cache.delete(selectors.MEDIA_SIZE_CACHE_KEY)
    yield
    cache.delete(selectors.MEDIA_SIZE_CACHE_KEY)


@pytest.fixture
def unreachable_redis(monkeypatch):
    """A connection to a port nothing listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    conn = redis.Redis(host="127.0.0.1", port=port, socket_connect_timeout=1)
    monkeypatch.setattr(selectors, "_redis_connection", lambda: conn)
    return port


def _job_url(job) -> str:
    return reverse("admin:generations_job_change", args=[job.pk])


def _scene():
    """Two workers (one stale), a recent and an old failure, a stuck job and a job still within its timeout."""
    now = timezone.now()
    ModelBackendFactory(family="sdxl", job_timeout_s=60)
    stuck = JobFactory(status=JobStatus.PROCESSING, completed_at=None, started_at=now - timedelta(minutes=5),
                       worker_name="gpu-a")
    fresh = JobFactory(status=JobStatus.PROCESSING, completed_at=None, started_at=now - timedelta(seconds=10),
                       worker_name="gpu-a")
    failed = JobFactory(status=JobStatus.FAILED, completed_at=None, failure_reason="out_of_memory",
                        error_message="CUDA out of memory.\n Tried to allocate 2 GiB", worker_name="gpu-b",
                        failed_at=now - timedelta(minutes=10))
    JobFactory(status=JobStatus.FAILED, completed_at=None, failure_reason="timeout",
               created_at=now - timedelta(hours=3), failed_at=now - timedelta(hours=2))
    WorkerHeartbeatFactory(
        name="gpu-a", queues=["sdxl", "wan"], device="cuda:0", gpu_memory_used_mb=1024, gpu_memory_total_mb=24576,
        current_job=fresh, current_stage="generate", progress=0.42, jobs_done=7,
        last_seen=now - timedelta(seconds=3.5),
    )
    WorkerHeartbeatFactory(name="gpu-b", queues=["enhance"], device="cpu", last_seen=now - timedelta(seconds=120.5))
    return {"stuck": stuck, "fresh": fresh, "failed": failed}


def _fill_queues(conn):
    sdxl = Queue("sdxl", connection=conn)
    first = sdxl.enqueue("os.getcwd")
    sdxl.enqueue("os.getcwd")
    Queue("wan", connection=conn).enqueue("os.getcwd")
    # What a worker writes when it starts a job: "<job id>:<execution id>" scored by its deadline.
    conn.zadd(sdxl.started_job_registry.key, {f"{first.id}:exec-1": timezone.now().timestamp() + 600})
    sdxl.failed_job_registry.add(first, ttl=600, exc_string="Traceback ...")


def test_page_lists_workers_failed_and_stuck_jobs(admin_client):
    scene = _scene()

    response = admin_client.get(PAGE)

    assert response.status_code == 200
    health = response.context["health"]
    assert [(w["name"], w["heartbeat_age_s"], w["stale"]) for w in health["workers"]] == [
        ("gpu-a", 3, False), ("gpu-b", 120, True),
    ]
    assert (health["workers_alive"], health["workers_stale"]) == (1, 1)
    assert health["failed"]["count"] == 1
    assert [job["id"] for job in health["failed"]["recent"]] == [str(scene["failed"].pk)]
    assert health["failed"]["recent"][0]["error"] == "CUDA out of memory. Tried to allocate 2 GiB"
    assert [(job["id"], job["stage"], job["timeout_s"]) for job in health["stuck"]] == [
        (str(scene["stuck"].pk), "generate", 60),
    ]
    body = response.content.decode()
    assert body.count(_job_url(scene["fresh"])) == 1  # gpu-a's current job
    assert body.count(_job_url(scene["failed"])) == 1
    assert body.count(_job_url(scene["stuck"])) == 1
    assert "1024 / 24576 MB" in body
    assert "42 %" in body
    assert ">stale<" in body
    assert "Out of memory" in body
    assert "errornote" not in body


def test_stuck_enhancement_uses_the_qwen_timeout():
    now = timezone.now()
    ModelBackendFactory(family="qwen", job_timeout_s=30)
    ModelBackendFactory(family="sdxl", job_timeout_s=900)
    enhancing = JobFactory(status=JobStatus.PROCESSING, completed_at=None, started_at=now - timedelta(seconds=90),
                           enhancement_strategy=EnhancementStrategy.QWEN)
    JobFactory(status=JobStatus.PROCESSING, completed_at=None, started_at=now - timedelta(seconds=90))

    stuck = selectors.job_stuck_list(now=now)

    assert [(job["id"], job["stage"], job["running_s"], job["timeout_s"]) for job in stuck] == [
        (str(enhancing.pk), "enhance", 90, 30),
    ]


def test_stuck_timeouts_are_the_enqueue_timeouts():
    # given a WAN job with no WAN backend (the default timeout) and a SDXL job past its own
    now = timezone.now()
    ModelBackendFactory(family="sdxl", job_timeout_s=60)
    wan = JobFactory(status=JobStatus.PROCESSING, completed_at=None, model_type="WAN", job_type="text_to_video",
                     started_at=now - timedelta(seconds=queueing.DEFAULT_TIMEOUT_S + 5))
    JobFactory(status=JobStatus.PROCESSING, completed_at=None, model_type="WAN", job_type="text_to_video",
               started_at=now - timedelta(seconds=queueing.DEFAULT_TIMEOUT_S - 5))
    sdxl = JobFactory(status=JobStatus.PROCESSING, completed_at=None, model_type="SDXL",
                      started_at=now - timedelta(seconds=61))
    JobFactory(status=JobStatus.PROCESSING, completed_at=None, model_type="SDXL",
               started_at=now - timedelta(seconds=59))

    stuck = selectors.job_stuck_list(now=now)

    assert [(job["id"], job["stage"], job["running_s"], job["timeout_s"]) for job in stuck] == [
        (str(wan.pk), "generate", queueing.DEFAULT_TIMEOUT_S + 5, queueing.DEFAULT_TIMEOUT_S),
        (str(sdxl.pk), "generate", 61, 60),
    ]
    assert all(job["timeout_s"] == queueing.stage_timeout_s(Job.objects.get(pk=job["id"]), job["stage"])
               for job in stuck)


def test_queue_depths_come_from_redis(admin_client, health_redis):
    _fill_queues(health_redis)

    response = admin_client.get(PAGE)

    assert response.context["health"]["redis"] == {"ok": True, "error": ""}
    assert response.context["health"]["queues"] == [
        {"name": "enhance", "queued": 0, "started": 0, "failed": 0},
        {"name": "sdxl", "queued": 2, "started": 1, "failed": 1},
        {"name": "wan", "queued": 1, "started": 0, "failed": 0},
        {"name": "default", "queued": 0, "started": 0, "failed": 0},
    ]


def test_json_returns_the_page_figures_and_fragments(admin_client, health_redis, monkeypatch):
    scene = _scene()
    _fill_queues(health_redis)
    frozen = timezone.now()
    monkeypatch.setattr(timezone, "now", lambda: frozen)  # ages in whole seconds: both reads at one instant
    page = admin_client.get(PAGE)

    response = admin_client.get(JSON)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    payload = response.json()
    expected = json.loads(json.dumps(page.context["health"], cls=DjangoJSONEncoder))
    del expected["generated_at"], payload["health"]["generated_at"]
    assert payload["health"] == expected
    assert payload["health"]["failed"]["count"] == 1
    assert payload["health"]["stuck"][0]["id"] == str(scene["stuck"].pk)
    assert payload["health"]["queues"][1] == {"name": "sdxl", "queued": 2, "started": 1, "failed": 1}
    assert set(payload["html"]) == set(FRAGMENTS)
    body = page.content.decode()
    assert all(f'id="{element}"' in body for element in FRAGMENTS)
    assert _job_url(scene["stuck"]) in payload["html"]["health-stuck"]
    assert _job_url(scene["failed"]) in payload["html"]["health-failed"]


def test_viewer_role_sees_the_page(client, role_user):
    client.force_login(role_user("viewer"))

    page = client.get(PAGE)
    data = client.get(JSON)

    assert (page.status_code, data.status_code) == (200, 200)


def test_staff_without_permission_is_forbidden(client):
    client.force_login(UserFactory(username="plain-staff"))

    page = client.get(PAGE)
    data = client.get(JSON)

    assert (page.status_code, data.status_code) == (403, 403)


def test_anonymous_is_sent_to_login(client):
    for url in (PAGE, JSON):
        response = client.get(url)

        assert response.status_code == 302
        assert response["Location"] == f"{reverse('admin:login')}?next={url}"


def test_page_renders_when_redis_is_unreachable(admin_client, unreachable_redis):
    _scene()

    page = admin_client.get(PAGE)
    data = admin_client.get(JSON)

    assert page.status_code == 200
    health = page.context["health"]
    assert health["redis"]["ok"] is False
    assert str(unreachable_redis) in health["redis"]["error"]
    assert health["queues"][0] == {"name": "enhance", "queued": None, "started": None, "failed": None}
    assert health["failed"]["count"] == 1
    assert 'class="errornote"' in page.content.decode()
    assert data.status_code == 200
    assert data.json()["health"]["redis"]["ok"] is False


@pytest.mark.parametrize("workers", [1, 12])
def test_json_query_count_does_not_grow_with_heartbeats(admin_client, django_assert_num_queries, workers):
    job = JobFactory(status=JobStatus.PROCESSING, completed_at=None, started_at=timezone.now())
    for index in range(workers):
        WorkerHeartbeatFactory(current_job=job if index % 2 else None)

    with django_assert_num_queries(EXPECTED_QUERIES):
        response = admin_client.get(JSON)

    assert len(response.json()["health"]["workers"]) == workers


def test_changelist_links_to_the_health_page(admin_client):
    response = admin_client.get(reverse("admin:gpu_workerheartbeat_changelist"))

    assert f'href="{PAGE}"' in response.content.decode()


def test_media_size_walk_stops_at_the_limit_and_is_cached(settings, tmp_path, monkeypatch):
    settings.MEDIA_ROOT = str(tmp_path)
    (tmp_path / "jobs" / "a").mkdir(parents=True)
    for name, size in (("one.png", 10), ("two.png", 20), ("a/three.png", 30)):
        (tmp_path / "jobs" / name).write_bytes(b"x" * size)
    monkeypatch.setattr(selectors, "MEDIA_SCAN_LIMIT", 5)

    first = selectors.media_size_get()
    (tmp_path / "four.png").write_bytes(b"x" * 40)
    cached = selectors.media_size_get()
    cache.delete(selectors.MEDIA_SIZE_CACHE_KEY)
    monkeypatch.setattr(selectors, "MEDIA_SCAN_LIMIT", 2)
    capped = selectors.media_size_get()

    assert first == {"available": True, "bytes": 60, "files": 3, "truncated": False}
    assert cached == first
    assert capped["files"] == 2
    assert capped["truncated"] is True


def test_media_size_is_not_available_on_non_filesystem_storage(settings):
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"}}

    assert selectors.media_size_get() == {"available": False, "bytes": None, "files": None, "truncated": False}


def test_database_size_reads_the_database():
    size = selectors.database_size_get()

    if connection.vendor == "sqlite":
        path = Path(connection.settings_dict["NAME"])
        wal = path.with_name(path.name + "-wal")
        assert size == {"vendor": "sqlite", "bytes": path.stat().st_size + (wal.stat().st_size if wal.exists() else 0)}
    else:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_database_size(current_database())")
            assert size == {"vendor": "postgresql", "bytes": cursor.fetchone()[0]}
