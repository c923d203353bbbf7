"""Workers as the heartbeat table sees them: read-only, with the System Health page beside the list."""

from django.contrib import admin

from gpu.admin.health import SystemHealthAdminMixin
from gpu.models import WorkerHeartbeat
from ourvidz_admin.admin.base import PortalAdmin
from ourvidz_admin.admin.mixins import ReadOnlyAdminMixin


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(SystemHealthAdminMixin, ReadOnlyAdminMixin, PortalAdmin):
    change_list_template = "admin/gpu/workerheartbeat_change_list.html"
    list_display = ("name", "hostname", "pid", "queues", "device", "gpu_memory", "current_job", "current_stage",
                    "progress", "jobs_done", "heartbeat_age")
    list_select_related = ("current_job",)
    column_formats = {"progress": "fraction"}
    ordering = ("name",)

    @admin.display(description="GPU memory")
    def gpu_memory(self, obj):
        if obj.gpu_memory_total_mb is None:
            return "—"
        return f"{obj.gpu_memory_used_mb:,} / {obj.gpu_memory_total_mb:,} MB"

    @admin.display(description="heartbeat", ordering="-last_seen")
    def heartbeat_age(self, obj):
        return f"{obj.age_seconds:.0f} s ago"
