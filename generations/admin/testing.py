"""The Prompt Testing page: submit up to five prompts at once, watch them run, rate them in place."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path

from generations.export import job_csv_response
from generations.forms import PromptTestBatchForm, PromptTestFormSet
from generations.models import Job
from generations.services import job_submit
from ourvidz_admin.choices import ModelType
from ourvidz_admin.queues import QueueUnavailable

RECENT = 20
DEFAULT_SERIES = "prompt-testing"


def testing_urls(model_admin) -> list:
    """URL patterns of the Prompt Testing page, bound to the jobs ModelAdmin."""
    view = model_admin.admin_site.admin_view
    return [
        path("prompt-testing/", view(lambda r: prompt_testing_view(r, model_admin)),
             name="generations_job_prompt_testing"),
        path("prompt-testing/export/", view(lambda r: prompt_testing_export_view(r, model_admin)),
             name="generations_job_prompt_testing_export"),
    ]


def _results(request, series: str):
    queryset = Job.objects.filter(test_series=series).select_related("user").prefetch_related("outputs")
    if request.GET.get("model") in ModelType.values:
        queryset = queryset.filter(model_type=request.GET["model"])
    if request.GET.get("rating", "").isdigit():
        queryset = queryset.filter(quality_rating=int(request.GET["rating"]))
    elif request.GET.get("rating") == "unrated":
        queryset = queryset.filter(quality_rating__isnull=True)
    return queryset.order_by("-created_at", "-id")


def _submit(request, batch, rows) -> tuple[list[Job], str]:
    """Create every job of the batch or none; row errors go back onto the forms.

    Returns the jobs and, when Redis was down at the commit, the message saying they are saved and wait.
    """
    jobs = []
    try:
        _submit_rows(request, batch, rows, jobs)
    except QueueUnavailable as exc:
        return jobs, str(exc)
    return jobs, ""


def _submit_rows(request, batch, rows, jobs: list[Job]) -> None:
    series, mode = batch.cleaned_data["test_series"], "nsfw" if batch.cleaned_data["nsfw"] else "sfw"
    with transaction.atomic():
        for form in rows:
            if form.is_blank():
                continue
            data = form.cleaned_data
            try:
                jobs.append(job_submit(
                    prompt=data["prompt"], model_type=data["model_type"], strategy=data["strategy"],
                    prompt_version=data["prompt_version"], character=data["character"], user=request.user,
                    test_series=series, content_mode=mode,
                    templates=[data["template"]] if data["template"] else [],
                    input_files=[data["image"]] if data["image"] else [], input_output=data["input_output"],
                    strength=data["strength"], clip_skip=data["clip_skip"], variables=data["variables"],
                    seed=data["seed"],
                ))
            except ValidationError as exc:
                _add_errors(form, exc)
        if any(form.errors for form in rows):
            transaction.set_rollback(True)
            jobs.clear()


def _add_errors(form, exc: ValidationError) -> None:
    """Service errors onto the row: on the field of that name, else as a row error naming it."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for field, texts in exc.message_dict.items():
        if field in form.fields:
            form.add_error(field, texts)
        else:
            form.add_error(None, [f"{field.replace('_', ' ')}: {text}" for text in texts])


def prompt_testing_view(request, model_admin):
    if not model_admin.has_view_permission(request):
        raise PermissionDenied
    can_submit = request.user.has_perm("generations.add_job")
    batch = PromptTestBatchForm(request.POST or None,
                                initial={"test_series": request.GET.get("series") or DEFAULT_SERIES})
    rows = PromptTestFormSet(request.POST or None, request.FILES or None, prefix="row")
    if request.method == "POST":
        if not can_submit:
            raise PermissionDenied
        if batch.is_valid() and rows.is_valid():
            jobs, queue_down = _submit(request, batch, rows)
            if jobs:
                for job in jobs:
                    model_admin.log_addition(request, job, [{"added": {}}])
                model_admin.message_user(request, f"Submitted {len(jobs)} job(s).", messages.SUCCESS)
                if queue_down:
                    model_admin.message_user(request, queue_down, messages.WARNING)
                return redirect(f"{request.path}?series={batch.cleaned_data['test_series']}")
            if not any(form.errors for form in rows):
                model_admin.message_user(request, "Type at least one prompt.", messages.WARNING)
    series = request.GET.get("series") or (batch.data.get("test_series") if batch.is_bound else "") or DEFAULT_SERIES
    context = {
        **model_admin.admin_site.each_context(request), "title": "Prompt testing", "opts": Job._meta,
        "batch": batch, "rows": rows, "can_submit": can_submit, "series": series,
        "results": _results(request, series)[:RECENT], "model_types": ModelType.choices,
        "can_rate": model_admin.has_rate_permission(request), "query": request.GET.urlencode(),
    }
    return TemplateResponse(request, "admin/generations/job/prompt_testing.html", context)


def prompt_testing_export_view(request, model_admin):
    if not model_admin.has_export_permission(request):
        raise PermissionDenied
    series = request.GET.get("series") or DEFAULT_SERIES
    return job_csv_response(_results(request, series).prefetch_related(None), name=f"prompt-tests-{series}")
