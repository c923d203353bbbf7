"""Print a job's status, failure reason, timings and output paths."""

import uuid

from django.core.management.base import BaseCommand, CommandError

from generations.lineage import describe_call
from generations.models import Job


class Command(BaseCommand):
    help = "Show status, failure reason, timings and output files of one or more jobs."

    def add_arguments(self, parser):
        parser.add_argument("job_ids", nargs="+", metavar="ID")

    def handle(self, *args, job_ids, **options):
        for raw in job_ids:
            try:
                job = Job.objects.prefetch_related("outputs").get(pk=uuid.UUID(raw))
            except (ValueError, Job.DoesNotExist):
                raise CommandError(f"No job with id {raw!r}.") from None
            self._print(job)

    def _print(self, job: Job) -> None:
        line = self.stdout.write
        line(f"job        {job.pk}")
        reason = f" ({job.failure_reason}: {job.error_message})" if job.failure_reason else ""
        line(f"status     {job.status}{reason}")
        line(f"model      {job.model_type} {job.job_type}, strategy {job.enhancement_strategy}, attempt {job.attempts}")
        for name in ("created_at", "queued_at", "started_at", "completed_at", "failed_at", "cancelled_at"):
            value = getattr(job, name)
            if value:
                line(f"{name:10} {value.isoformat()}")
        if job.enhancement_time_ms is not None:
            line(f"enhance    {job.enhancement_time_ms} ms, expansion {job.qwen_expansion_percentage}%")
        if job.inference_time_ms is not None:
            line(f"inference  {job.inference_time_ms} ms")
        if job.final_prompt:
            line(f"prompt     {job.final_prompt}")
        call = (job.lineage or {}).get("call")
        if call:
            line(f"ran        {describe_call(call)}")
        for setting, why in ((job.lineage or {}).get("not_applied") or {}).items():
            line(f"not run    {setting}: {why}")
        for output in job.outputs.all():
            path = output.file.path if output.file else output.url
            line(f"output     {path} ({output.mime_type}, {output.width}x{output.height}"
                 + (f", {output.frame_count} frames" if output.frame_count else "") + ")")
