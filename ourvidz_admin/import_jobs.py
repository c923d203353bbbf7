"""Admin imports too large for a request: the file is stored, imported by a worker on ``default``.

The same all-or-nothing import as ``import_prompts`` (``transfer_import``):
one bad row and nothing is written, every bad row is listed. The RQ job's
meta carries who started it, the table, the row count and the rows done so
far, so the admin's status page can show progress; its result is the report
or the list of problems. The stored file is deleted when the job ends.
"""

import logging
import uuid
from dataclasses import dataclass, field

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from ourvidz_admin import queues
from ourvidz_admin.queues import QueueUnavailable
from ourvidz_admin.transfer import BINARY_FORMATS, TransferError, dataset_from_content, transfer_import

logger = logging.getLogger(__name__)

IMPORT_QUEUE = "default"
IMPORT_TIMEOUT_S = 3600
RESULT_TTL_S = 24 * 3600
PROGRESS_EVERY_ROWS = 500
MAX_MESSAGES = 1000  # problems kept in the result; the count says how many there were

UNAVAILABLE = ("The job queue is unavailable, and a file of {rows:,} rows is imported in the background: "
               "nothing was imported. Try again when the queue is back.")


@dataclass
class ImportStatus:
    """What the status page shows: ``state`` is queued, running, done, failed (problems) or lost."""

    token: str
    model: str
    file_name: str
    rows: int
    done: int
    state: str
    new: int = 0
    updated: int = 0
    messages: list[str] = field(default_factory=list)
    problem_count: int = 0

    @property
    def finished(self) -> bool:
        return self.state in ("done", "failed", "lost")

    @property
    def percent(self) -> int:
        return int(100 * self.done / self.rows) if self.rows else 0


def _rq_id(token: str) -> str:
    return f"import-{token}"


def import_enqueue(*, model: str, fmt: str, content: bytes, file_name: str, rows: int, user_id: int) -> str:
    """Store ``content`` and queue its import into ``model``; returns the token of the status page.

    ``QueueUnavailable`` (with ``UNAVAILABLE``) when Redis is down: the stored
    file is removed and nothing is queued.
    """
    from redis.exceptions import RedisError

    token = uuid.uuid4().hex
    stored = default_storage.save(f"imports/{token}.{fmt}", ContentFile(content))
    meta = {"model": model, "fmt": fmt, "file_name": file_name, "rows": rows, "done": 0, "user_id": user_id}
    try:
        queues.queue(IMPORT_QUEUE, at_commit=False).enqueue(
            import_run, model, fmt, stored, job_id=_rq_id(token), meta=meta, job_timeout=IMPORT_TIMEOUT_S,
            result_ttl=RESULT_TTL_S, failure_ttl=RESULT_TTL_S)
    except RedisError:
        default_storage.delete(stored)
        raise QueueUnavailable(UNAVAILABLE.format(rows=rows)) from None
    return token


def import_run(model: str, fmt: str, stored: str) -> dict:
    """The RQ job: import the stored file, all or nothing, updating progress in the job's meta."""
    from rq import get_current_job

    job = get_current_job()
    done = 0

    def progress():
        nonlocal done
        done += 1
        if job is not None and done % PROGRESS_EVERY_ROWS == 0:
            job.meta["done"] = done
            job.save_meta()

    try:
        with default_storage.open(stored, "rb") as handle:
            raw = handle.read()
        content = raw if fmt in BINARY_FORMATS else raw.decode("utf-8-sig")
        dataset = dataset_from_content(content, fmt)
        del raw, content
        try:
            report = transfer_import(path=f"import.{fmt}", model=model, dataset=dataset, progress=progress)
        except TransferError as exc:
            return {"ok": False, "messages": exc.messages[:MAX_MESSAGES], "problem_count": len(exc.messages)}
        return {"ok": True, "total": report.total, "new": report.new, "updated": report.updated}
    finally:
        default_storage.delete(stored)


def import_status(token: str, *, user_id: int | None = None, model: str | None = None) -> ImportStatus | None:
    """The import ``token`` (None when unknown, expired, or started by another user or for another table).

    ``QueueUnavailable`` while Redis is down.
    """
    from redis.exceptions import RedisError
    from rq.exceptions import NoSuchJobError
    from rq.job import Job as RQJob
    from rq.job import JobStatus

    try:
        try:
            job = RQJob.fetch(_rq_id(token), connection=queues.connection())
        except NoSuchJobError:
            return None
        meta, status, result = job.get_meta(), job.get_status(), job.return_value()
    except RedisError:
        raise QueueUnavailable("The job queue is unavailable; the import's progress shows when it is back.") from None
    if (user_id is not None and meta.get("user_id") != user_id) or (model is not None and meta.get("model") != model):
        return None
    found = ImportStatus(token=token, model=meta.get("model", ""), file_name=meta.get("file_name", ""),
                         rows=meta.get("rows", 0), done=meta.get("done", 0), state="queued")
    if status == JobStatus.FINISHED and result is not None:
        found.done = found.rows
        if result.get("ok"):
            found.state, found.new, found.updated = "done", result["new"], result["updated"]
        else:
            found.state, found.messages = "failed", result["messages"]
            found.problem_count, found.done = result["problem_count"], 0
    elif status in (JobStatus.FAILED, JobStatus.STOPPED, JobStatus.CANCELED):
        found.state, found.done = "lost", 0
        logger.warning("Background import %s ended as %s", token, status)
    elif status == JobStatus.STARTED:
        found.state = "running"
    return found


def inline_rows() -> int:
    """Files with more rows than this import in the background (``ADMIN_IMPORT_INLINE_ROWS``)."""
    return settings.ADMIN_IMPORT_INLINE_ROWS
