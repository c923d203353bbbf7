"""The rating queue and the JSON endpoints that inline rating and live status use.

Keys on the rating page: 1-5 rate and move on, ``n`` notes, ``f`` failure
reason, left/right arrows move back and forth (see the template's script).
"""

import uuid
from datetime import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path
from django.views.decorators.http import require_GET, require_POST

from generations.models import GenerationImageOutput, Job, RatingQueue
from generations.rating_queues import rating_queue_jobs_for
from generations.selectors import QUEUE_FILTERS, job_rating_card, job_rating_queue, job_status_rows
from generations.services import job_rate, output_rate
from ourvidz_admin.choices import EnhancementStrategy, FailureReason, ModelType


def _filters(request) -> dict:
    return {key: request.GET.get(key, "") for key in QUEUE_FILTERS}


def _after(request):
    raw = request.GET.get("after", "")
    if not raw:
        return None
    try:
        stamp, pk = raw.rsplit(",", 1)
        return datetime.fromisoformat(stamp), uuid.UUID(pk)
    except ValueError:
        raise ValidationError("after must be '<created_at ISO>,<job id>'.") from None


def rating_urls(model_admin) -> list:
    """URL patterns of the rating pages, bound to the jobs ModelAdmin."""

    def guarded(view, permission):
        def wrapped(request, *args, **kwargs):
            if not getattr(model_admin, f"has_{permission}_permission")(request):
                raise PermissionDenied
            return view(request, model_admin, *args, **kwargs)

        return model_admin.admin_site.admin_view(wrapped)

    return [
        path("rate/", guarded(rating_queue_view, "rate"), name="generations_job_rate"),
        path("rate/more/", guarded(rating_queue_more_view, "rate"), name="generations_job_rate_more"),
        path("status.json", guarded(job_status_view, "view"), name="generations_job_status"),
        path("<uuid:job_id>/review/", guarded(job_review_view, "rate"), name="generations_job_review"),
        path("<uuid:job_id>/output-rating/", guarded(output_rating_view, "rate"),
             name="generations_job_output_rating"),
    ]


def _queue(request) -> RatingQueue | None:
    """``?queue=<id>``: a rating queue, or None; a bad or unknown id is a ValidationError."""
    raw = request.GET.get("queue", "")
    if not raw:
        return None
    try:
        return RatingQueue.objects.get(pk=uuid.UUID(raw))
    except (ValueError, RatingQueue.DoesNotExist):
        raise ValidationError("No rating queue has this id.") from None


@require_GET
def rating_queue_view(request, model_admin):
    try:
        queue = _queue(request)
    except ValidationError as exc:
        model_admin.message_user(request, exc.messages[0], messages.ERROR)
        queue = None
    jobs = job_rating_queue(filters=_filters(request), queue=queue, rater=request.user)
    cards = [job_rating_card(job) for job in jobs]
    title = "Rate unrated outputs"
    if queue is not None:
        left = rating_queue_jobs_for(queue=queue, rater=request.user).count()
        title = f"Rating queue {queue.name}: {left:,} item(s) left for you"
    context = {
        **model_admin.admin_site.each_context(request), "title": title, "opts": Job._meta, "queue": queue,
        "cards": cards, "filters": _filters(request),
        "model_types": ModelType.choices, "strategies": EnhancementStrategy.choices,
        "failure_reasons": FailureReason.choices,
    }
    return TemplateResponse(request, "admin/generations/job/rate.html", context)


@require_GET
def rating_queue_more_view(request, model_admin):
    try:
        after, queue = _after(request), _queue(request)
    except ValidationError as exc:
        return JsonResponse({"error": exc.messages[0]}, status=400)
    jobs = job_rating_queue(filters=_filters(request), after=after, queue=queue, rater=request.user)
    cards = [job_rating_card(job) for job in jobs]
    return JsonResponse({"cards": cards})


@require_GET
def job_status_view(request, model_admin):
    ids = []
    for raw in request.GET.get("ids", "").split(","):
        try:
            ids.append(uuid.UUID(raw))
        except ValueError:
            continue
    return JsonResponse({"jobs": job_status_rows(ids)})


@require_POST
def job_review_view(request, model_admin, job_id):
    job = get_object_or_404(Job, pk=job_id)
    fields = {}
    if "rating" in request.POST:
        raw = request.POST["rating"]
        if not raw.isdigit():
            return JsonResponse({"errors": {"rating": ["A rating is 1 to 5 stars."]}}, status=400)
        fields["rating"] = int(raw)
    for name in ("notes", "failure_reason"):
        if name in request.POST:
            fields[name] = request.POST[name]
    try:
        job = job_rate(job=job, by=request.user, **fields)
    except ValidationError as exc:
        errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
        return JsonResponse({"errors": errors}, status=400)
    changed = {"rating": "quality_rating", "notes": "notes", "failure_reason": "failure_reason"}
    model_admin.log_change(request, job, [{"changed": {"fields": [changed[name] for name in fields]}}])
    return JsonResponse({"id": str(job.pk), "rating": job.quality_rating, "notes": job.notes,
                         "failure_reason": job.failure_reason,
                         "rated_by": job.rated_by.get_username() if job.rated_by else None})




@require_POST
def output_rating_view(request, model_admin, job_id):
    try:
        output_id = uuid.UUID(request.POST.get("output", ""))
    except ValueError:
        return JsonResponse({"errors": {"output": ["Give the id of one of this job's outputs."]}}, status=400)
    output = get_object_or_404(GenerationImageOutput, pk=output_id, job_id=job_id)
    raw = request.POST.get("rating", "")
    try:
        row = output_rate(output=output, criteria=request.POST.get("criteria", ""), by=request.user,
                          rating=int(raw) if raw.isdigit() else -1, notes=request.POST.get("notes", ""))
    except ValidationError as exc:
        return JsonResponse({"errors": exc.message_dict}, status=400)
    model_admin.log_change(request, output.job, f"Rated output {output.order_index}: {row.criteria} {row.rating}★")
    return JsonResponse({"output": str(output.pk), "criteria": row.criteria, "rating": row.rating})
