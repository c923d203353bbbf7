"""Job list actions: retry, cancel, clear failed (a reversible archive), restore, CSV export."""

from django.contrib import admin, messages
from django.contrib.admin.models import CHANGE, LogEntry
from django.template.response import TemplateResponse

from generations.export import job_csv_response
from generations.models import Job
from generations.services import jobs_archive_failed, jobs_cancel, jobs_retry, jobs_unarchive


def _log_bulk(request, ids, message: str) -> None:
    """One admin history entry per job, written in bulk (Django's LogEntry.log_actions)."""
    if ids:
        LogEntry.objects.log_actions(
            user_id=request.user.pk, queryset=Job.objects.filter(pk__in=ids), action_flag=CHANGE,
            change_message=message, single_object=False,
        )


def _report(modeladmin, request, done, errors, verb: str) -> None:
    for job in done:
        modeladmin.log_change(request, job, [{"changed": {"fields": ["status"]}}, f"{verb} from the job list"])
    if done:
        modeladmin.message_user(request, f"{verb.capitalize()} {len(done)} job(s).", messages.SUCCESS)
    for error in errors:
        modeladmin.message_user(request, error, messages.ERROR)


@admin.action(description="Retry selected failed/cancelled jobs", permissions=["retry"])
def retry_selected(modeladmin, request, queryset):
    done, errors = jobs_retry(jobs=list(queryset), by=request.user)
    _report(modeladmin, request, done, errors, "retried")


@admin.action(description="Cancel selected queued/running jobs", permissions=["cancel"])
def cancel_selected(modeladmin, request, queryset):
    done, errors = jobs_cancel(jobs=list(queryset), by=request.user)
    _report(modeladmin, request, done, errors, "cancelled")


@admin.action(description="Export selected to CSV", permissions=["export"])
def export_selected(modeladmin, request, queryset):
    return job_csv_response(queryset, name="jobs-selected")


def confirm_clear_failed(modeladmin, request, queryset):
    """Archive the failed jobs of ``queryset`` after a confirmation page; nothing is deleted."""
    failed = queryset.filter(status="failed", archived_at__isnull=True)
    if request.POST.get("confirm") == "yes":
        ids = list(failed.values_list("pk", flat=True))
        count = jobs_archive_failed(queryset=failed)
        _log_bulk(request, ids, "Archived by 'Clear failed'")
        modeladmin.message_user(
            request, f"Archived {count} failed job(s). They are hidden, not deleted: filter by "
                     f"'archived' to see them, and use 'Restore archived' to bring them back.", messages.SUCCESS,
        )
        return None
    context = {
        **modeladmin.admin_site.each_context(request), "title": "Clear failed jobs?", "opts": modeladmin.model._meta,
        "count": failed.count(), "selected": request.POST.getlist(admin.helpers.ACTION_CHECKBOX_NAME),
        "action": request.POST.get("action", ""), "select_across": request.POST.get("select_across", "0"),
    }
    return TemplateResponse(request, "admin/generations/job/clear_failed_confirm.html", context)


@admin.action(description="Clear failed (archive; reversible)", permissions=["clear"])
def clear_failed_selected(modeladmin, request, queryset):
    return confirm_clear_failed(modeladmin, request, queryset)


@admin.action(description="Restore archived", permissions=["clear"])
def restore_archived(modeladmin, request, queryset):
    ids = list(queryset.filter(archived_at__isnull=False).values_list("pk", flat=True))
    count = jobs_unarchive(queryset=queryset)
    _log_bulk(request, ids, "Restored from the archive")
    modeladmin.message_user(request, f"Restored {count} archived job(s).", messages.SUCCESS)
