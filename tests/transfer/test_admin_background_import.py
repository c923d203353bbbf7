"""Admin imports over ``ADMIN_IMPORT_INLINE_ROWS`` rows run as an RQ job on ``default``: progress, then the result.

The job runs in a real RQ worker (``SimpleWorker``, in this process so it
sees the test's database) on a Redis database of its own.
"""

import django_rq
import pytest
import redis
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from rq import Queue, SimpleWorker
from rq.job import Job as RQJob

from ourvidz_admin import import_jobs, queues
from prompts.models import PromptVersion

pytestmark = pytest.mark.django_db
HEADER = b"id,prompt,name,description,system_prompt,user_prompt,model_name,parameters,parent_version,tags," \
         b"created_by,created_at,deleted_at\n"
IMPORT_URL = "admin:prompts_promptversion_import"


@pytest.fixture
def rq_redis(monkeypatch, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    settings.ADMIN_IMPORT_INLINE_ROWS = 20
    pool = django_rq.get_connection("default").connection_pool
    live = redis.Redis(connection_pool=redis.ConnectionPool(
        connection_class=pool.connection_class, **{**pool.connection_kwargs, "db": 11}))
    live.flushdb()
    monkeypatch.setattr(queues, "connection", lambda: live)
    monkeypatch.setattr(queues, "queue", lambda name, **_: Queue(name, connection=live))
    yield live
    live.flushdb()


def _work(live):
    SimpleWorker([Queue("default", connection=live)], connection=live).work(burst=True)


def _rows(count: int, bad_at: int | None = None) -> bytes:
    lines = [b",,v%d,,sys,%s,SDXL,,,,,,\n" % (n, b"" if n == bad_at else b"prompt %d" % n) for n in range(count)]
    return HEADER + b"".join(lines)


def _upload(client, content: bytes, name: str = "big.csv"):
    return client.post(reverse(IMPORT_URL), {"format": "0", "import_file": SimpleUploadedFile(name, content)})


def test_a_large_file_is_imported_by_a_worker_with_its_progress_on_a_page(admin_client, rq_redis, tmp_path,
                                                                        monkeypatch):
    monkeypatch.setattr(import_jobs, "PROGRESS_EVERY_ROWS", 10)
    # given a file of 45 rows, over the inline limit of 20
    # when it is uploaded
    response = _upload(admin_client, _rows(45))
    # then nothing is imported in the request: the page of a queued job
    assert response.status_code == 302 and "/import/status/" in response["Location"]
    status = admin_client.get(response["Location"]).content.decode()
    assert "Waiting for a worker" in status and 'http-equiv="refresh"' in status
    assert "big.csv: 45 rows" in status
    assert PromptVersion.objects.count() == 0
    assert len(list((tmp_path / "imports").iterdir())) == 1
    # when a worker takes the job
    _work(rq_redis)
    # then every row is written, the page reports it and stops reloading, and the stored file is gone
    assert PromptVersion.objects.count() == 45
    done = admin_client.get(response["Location"]).content.decode()
    assert "Imported 45 rows: 45 new, 0 updated." in done and 'http-equiv="refresh"' not in done
    assert list((tmp_path / "imports").iterdir()) == []
    token = response["Location"].rstrip("/").rsplit("/", 1)[1]
    assert RQJob.fetch(f"import-{token}", connection=rq_redis).get_meta()["done"] == 40  # progress, every 10 rows


def test_a_large_file_with_bad_rows_imports_nothing_and_lists_every_problem(admin_client, rq_redis):
    response = _upload(admin_client, _rows(30, bad_at=7))
    _work(rq_redis)
    page = admin_client.get(response["Location"]).content.decode()
    assert PromptVersion.objects.count() == 0
    assert "Nothing was imported: 1 problem" in page
    assert "line 9: user_prompt: This field cannot be blank." in page
    assert "Traceback" not in page and "Error'" not in page


def test_a_small_file_is_still_previewed_in_the_request(admin_client, rq_redis):
    response = _upload(admin_client, _rows(5))
    assert response.status_code == 200 and response.content.decode().count('<td class="import-type">') == 5
    assert Queue("default", connection=rq_redis).count == 0


def test_with_the_queue_down_a_large_file_is_refused_and_nothing_is_stored(admin_client, settings, tmp_path,
                                                                           monkeypatch):
    settings.MEDIA_ROOT = str(tmp_path)
    settings.ADMIN_IMPORT_INLINE_ROWS = 20
    dead = redis.Redis(host="127.0.0.1", port=1, socket_connect_timeout=0.5)
    monkeypatch.setattr(queues, "queue", lambda name, **_: Queue(name, connection=dead))
    response = _upload(admin_client, _rows(30))
    assert response.status_code == 302 and response["Location"].endswith("/import/")
    page = admin_client.get(response["Location"]).content.decode()
    assert "The job queue is unavailable, and a file of 30 rows is imported in the background" in page
    assert PromptVersion.objects.count() == 0
    assert not (tmp_path / "imports").exists() or list((tmp_path / "imports").iterdir()) == []


def test_another_users_import_and_an_unknown_token_are_not_found(admin_client, client, rq_redis, role_user):
    response = _upload(admin_client, _rows(30))
    client.force_login(role_user("admin"))
    assert client.get(response["Location"]).status_code in (403, 404)
    unknown = reverse("admin:prompts_promptversion_import_status", args=["0" * 32])
    assert admin_client.get(unknown).status_code == 404


def test_an_oversized_upload_is_refused_by_its_size_before_it_is_read(admin_client, monkeypatch):
    from ourvidz_admin import transfer

    monkeypatch.setitem(transfer.MAX_IMPORT_BYTES, "csv", 2**20)
    response = _upload(admin_client, _rows(40_000))
    assert response.status_code == 302
    page = admin_client.get(response["Location"]).content.decode()
    assert "The file big.csv is 1.4 MB; a CSV import is at most 1 MB. Split it into smaller files." in page
    assert PromptVersion.objects.count() == 0
