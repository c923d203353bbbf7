"""The GPU worker: a non-forking RQ worker whose models stay loaded, with a heartbeat and a reaper.

RQ's default worker forks a work horse per job, which would reload every
model and cannot use CUDA after fork. ``ModelWorker`` runs jobs in its own
process (``SimpleWorker``), so ``gpu.cache.MODEL_CACHE`` keeps pipelines
resident across jobs. Two daemon threads run beside the job loop:

- the heartbeat upserts this worker's ``WorkerHeartbeat`` row every
  ``WORKER_HEARTBEAT_S`` seconds (queues, loaded models, device, GPU memory,
  current job and progress) and, every ``WORKER_REAP_EVERY_S``, fails jobs
  whose worker stopped heart-beating (``worker_died``) or outran its timeout;
- the prompt-cache listener drops cached templates on a refresh broadcast.
"""

import logging
import os
import socket
import threading
import time
from dataclasses import dataclass

from django.conf import settings
from django.db import close_old_connections, connection
from rq import SimpleWorker

logger = logging.getLogger(__name__)


@dataclass
class WorkerState:
    """What the job thread is doing, read by the heartbeat thread."""

    job_id: str | None = None
    stage: str = ""
    progress: float = 0.0
    jobs_done: int = 0
    worker_name: str = ""


STATE = WorkerState()


class ModelWorker(SimpleWorker):
    """SimpleWorker plus heartbeat, orphan reaping and the prompt-cache refresh listener."""

    def work(self, *args, **kwargs):
        STATE.worker_name = self.name
        stop = threading.Event()
        self._publish_heartbeat()
        self._reap()
        heartbeat = threading.Thread(target=self._heartbeat_loop, args=(stop,), name="heartbeat", daemon=True)
        heartbeat.start()
        from prompts.cache import PROMPT_CACHE

        PROMPT_CACHE.listen(self.connection)
        try:
            return super().work(*args, **kwargs)
        finally:
            stop.set()
            heartbeat.join(timeout=5)
            self._remove_heartbeat()

    def _heartbeat_loop(self, stop: threading.Event) -> None:
        last_reap = time.monotonic()
        while not stop.wait(settings.WORKER_HEARTBEAT_S):
            try:
                self._publish_heartbeat()
                if time.monotonic() - last_reap >= settings.WORKER_REAP_EVERY_S:
                    self._reap()
                    last_reap = time.monotonic()
            except Exception:  # noqa: BLE001 - the heartbeat must survive a database hiccup
                logger.exception("worker heartbeat failed")
            finally:
                close_old_connections()
        connection.close()

    def _publish_heartbeat(self) -> None:
        from django.utils import timezone

        from generations.models import Job
        from gpu.cache import MODEL_CACHE
        from gpu.devices import gpu_memory_mb, resolve_device
        from gpu.models import WorkerHeartbeat

        used, total = gpu_memory_mb()
        job_id, progress = STATE.job_id, STATE.progress
        WorkerHeartbeat.objects.update_or_create(
            name=self.name,
            defaults=dict(
                hostname=socket.gethostname(), pid=os.getpid(), queues=self.queue_names(),
                loaded_models=MODEL_CACHE.loaded(), device=resolve_device("auto"), gpu_memory_used_mb=used,
                gpu_memory_total_mb=total, current_job_id=job_id, current_stage=STATE.stage if job_id else "",
                progress=progress, jobs_done=STATE.jobs_done, last_seen=timezone.now(),
            ),
        )
        if job_id is not None:
            Job.objects.filter(pk=job_id, status="processing").update(progress=round(progress, 4))

    def _reap(self) -> None:
        from gpu.health import dispatch_pending, reap_orphans

        reaped = reap_orphans()
        if reaped:
            logger.warning("failed %d job(s) whose worker died or that timed out", reaped)
        dispatched = dispatch_pending()
        if dispatched:
            logger.warning("enqueued %d saved job stage(s) that were on no queue", dispatched)

    def _remove_heartbeat(self) -> None:
        from gpu.models import WorkerHeartbeat

        try:
            WorkerHeartbeat.objects.filter(name=self.name).delete()
        finally:
            connection.close()
