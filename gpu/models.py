"""Worker heartbeats: what each GPU worker runs, holds in memory, and when it was last seen."""

from django.db import models
from django.utils import timezone


class WorkerHeartbeat(models.Model):
    """One row per live worker process, upserted every few seconds by the worker's heartbeat thread.

    A row older than ``WORKER_STALE_AFTER_S`` means the worker is gone; its
    processing jobs are failed with ``worker_died`` by the reaper.
    """

    name = models.CharField(max_length=200, primary_key=True)
    hostname = models.CharField(max_length=200)
    pid = models.PositiveIntegerField()
    queues = models.JSONField(default=list)
    loaded_models = models.JSONField(default=list)
    device = models.CharField(max_length=50, blank=True)
    gpu_memory_used_mb = models.PositiveIntegerField(null=True, blank=True)
    gpu_memory_total_mb = models.PositiveIntegerField(null=True, blank=True)
    current_job = models.ForeignKey(
        "generations.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    current_stage = models.CharField(max_length=20, blank=True)
    progress = models.FloatField(default=0.0)
    jobs_done = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField(default=timezone.now)
    last_seen = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        db_table = "worker_heartbeats"
        ordering = ("name",)
        permissions = [("manage_queues", "Can see queued jobs and empty, requeue, stop or delete them")]

    def __str__(self):
        return self.name

    @property
    def age_seconds(self) -> float:
        return (timezone.now() - self.last_seen).total_seconds()
