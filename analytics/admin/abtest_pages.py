"""Custom pages of the A/B test admin: create with a power preview, start/refresh/cancel, and blind rating.

The blind pages show a pair's original prompt and its outputs labelled A, B
(C, … with more arms) in the pair's blind order; they never carry the arm,
strategy, configuration, enhanced prompt, job id or file name. Media is served
by label. Keys on the rating page: 1-5 rate the selected output (A, then B, …,
then the next pair), ``a``/``b``/… select an output, left/right arrows move
between pairs.
"""

from django.contrib import messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from analytics.abtests import RATE_PERMISSION
from analytics.abtests.arms import test_arms
from analytics.abtests.media import blind_output_response
from analytics.abtests.selectors import (
    LABELS,
    ab_test_blind_pairs,
    ab_test_blind_side,
    ab_test_job_ids,
    ab_test_list,
    ab_test_pair_get,
    ab_test_unfinished_jobs,
    blind_pair,
)
from analytics.abtests.services import (
    CANCELLABLE,
    ab_pair_rate,
    ab_test_cancel,
    ab_test_plan,
    ab_test_refresh_results,
    ab_test_start,
)
from analytics.admin.abtest_forms import PLAN_FIELDS, VARIANT_SLOTS, ABTestCreateForm, QueueForm
from analytics.choices import ABTestStatus
from analytics.models import PromptABTest
from generations.rating_queues import rating_queue_create
from ourvidz_admin import db
from prompts.labels import promote
from prompts.models import PromptVersion


def abtest_urls(model_admin) -> list:
    """URL patterns of the custom pages, bound to the A/B test ModelAdmin."""

    def guarded(view, allowed):
        def wrapped(request, *args, **kwargs):
            if not allowed(request):
                raise PermissionDenied
            return view(request, model_admin, *args, **kwargs)

        return model_admin.admin_site.admin_view(wrapped)

    def can_rate(request):
        return request.user.has_perm(RATE_PERMISSION)

    def can_promote(request):
        return request.user.has_perm("prompts.change_promptversion")

    name = "analytics_promptabtest"
    return [
        path("plan.json", guarded(plan_view, model_admin.has_view_permission), name=f"{name}_plan"),
        path("rate/", guarded(rate_index_view, can_rate), name=f"{name}_rate_index"),
        path("<uuid:object_id>/start/", guarded(start_view, model_admin.has_add_permission), name=f"{name}_start"),
        path("<uuid:object_id>/refresh/", guarded(refresh_view, model_admin.has_change_permission),
             name=f"{name}_refresh"),
        path("<uuid:object_id>/cancel/", guarded(cancel_view, model_admin.has_change_permission),
             name=f"{name}_cancel"),
        path("<uuid:object_id>/rate/", guarded(rate_view, can_rate), name=f"{name}_rate"),
        path("<uuid:object_id>/queue/", guarded(queue_view, can_rate), name=f"{name}_queue"),
        path("<uuid:object_id>/promote/", guarded(promote_view, can_promote), name=f"{name}_promote"),
        path("<uuid:object_id>/rate/<uuid:pair_id>/", guarded(rate_pair_view, can_rate), name=f"{name}_rate_pair"),
        path("<uuid:object_id>/rate/<uuid:pair_id>/<str:label>/", guarded(media_view, can_rate),
             name=f"{name}_media"),
    ]


def _errors(exc: ValidationError) -> dict:
    return exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}


def add_page(request, model_admin):
    """GET: the form with the proposed sample size; POST ``_plan``: recompute it; POST: create the test."""
    form = ABTestCreateForm(request.POST or None, request.FILES or None, admin_site=model_admin.admin_site)
    plan = None
    if form.is_bound and form.is_valid():
        if "_plan" not in request.POST:
            try:
                test = model_admin.create_test(request, form.service_values())
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                return redirect(reverse("admin:analytics_promptabtest_change", args=(test.pk,)))
        if not any(name in form.errors for name in PLAN_FIELDS):
            plan = _plan_or_errors(form)
    elif not form.is_bound:
        plan = ab_test_plan(**{name: form.fields[name].initial for name in PLAN_FIELDS})
    context = {
        **model_admin.admin_site.each_context(request), "title": "Add A/B test", "opts": PromptABTest._meta,
        "form": form, "plan": plan, "media": model_admin.media + form.media,
        "plan_jobs": plan.planned_pairs * (2 + len(form.variants() if form.is_bound and form.is_valid() else []))
        if plan else None,
        "arms": [(name, [form[field] for field in form.arm_field_names(name)]) for name in ("baseline", "enhanced")],
        "variant_slots": [(index + 2, [form[field] for field in form.arm_field_names(slot)])
                          for index, slot in enumerate(VARIANT_SLOTS)],
        "variants_open": form.is_bound and any(form.data.get(f"{slot}_name") for slot in VARIANT_SLOTS),
        "test_fields": [form[name] for name in ("test_name", "test_series", "description", "model_type",
                                                 "input_image")],
        "plan_fields": [form[name] for name in PLAN_FIELDS],
        "guardrail_fields": [form["guardrails_success_rate_drop"], form["guardrails_time_increase_pct"],
                             form["guardrails_clip_score_drop"]],
    }
    return TemplateResponse(request, "admin/analytics/promptabtest/add_form.html", context)


def _plan_or_errors(form):
    try:
        return ab_test_plan(**form.plan_values())
    except ValidationError as exc:
        form.add_service_errors(exc)
        return None


@require_GET
def plan_view(request, model_admin):
    """The power calculation for the add page's live preview."""
    try:
        comparisons = request.GET.get("comparisons", "1")
        plan = ab_test_plan(**{name: request.GET.get(name, "") for name in PLAN_FIELDS},
                            comparisons=int(comparisons) if comparisons.isdigit() and 0 < int(comparisons) < 10 else 1)
    except ValidationError as exc:
        return JsonResponse({"errors": _errors(exc)}, status=400)
    return JsonResponse({"planned_pairs": plan.planned_pairs, "effect_size": round(plan.effect_size, 4)})


@require_POST
def start_view(request, model_admin, object_id):
    """Start a draft test (``ab_test_start``) and go back to its page."""
    test = get_object_or_404(PromptABTest, pk=object_id)
    model_admin.run_service(request, "Started", lambda: ab_test_start(ab_test=test, user=request.user), test)
    return redirect(reverse("admin:analytics_promptabtest_change", args=(test.pk,)))


@require_POST
def refresh_view(request, model_admin, object_id):
    """Recompute and store a test's results (``ab_test_refresh_results``)."""
    test = get_object_or_404(PromptABTest, pk=object_id)
    model_admin.run_service(request, "Refreshed the results of", lambda: ab_test_refresh_results(ab_test=test), test)
    return redirect(reverse("admin:analytics_promptabtest_change", args=(test.pk,)))


def cancel_confirm_page(request, model_admin, tests, action: str = ""):
    """The "Cancel test?" page: per test its status and the unfinished jobs that cancelling stops.

    ``action`` is the changelist action that shows it; the page then posts the
    selection back to the changelist, as Django's delete confirmation does.
    """
    rows = [(test, test.status in CANCELLABLE, ab_test_unfinished_jobs(ab_test=test).count()) for test in tests]
    back = (reverse("admin:analytics_promptabtest_changelist") if action
            else reverse("admin:analytics_promptabtest_change", args=(tests[0].pk,)))
    context = {
        **model_admin.admin_site.each_context(request), "title": "Cancel A/B tests?", "opts": PromptABTest._meta,
        "rows": rows, "cancellable": sum(ok for _test, ok, _jobs in rows), "back": back, "action": action,
        "selected": request.POST.getlist(ACTION_CHECKBOX_NAME), "select_across": request.POST.get("select_across", "0"),
    }
    return TemplateResponse(request, "admin/analytics/promptabtest/cancel_confirm.html", context)


@require_http_methods(["GET", "POST"])
def cancel_view(request, model_admin, object_id):
    """GET: ask to confirm; POST ``confirm=yes``: cancel the test (``ab_test_cancel``) and go back to its page."""
    test = get_object_or_404(PromptABTest, pk=object_id)
    if request.method == "GET" or request.POST.get("confirm") != "yes":
        return cancel_confirm_page(request, model_admin, [test])
    model_admin.run_service(request, "Cancelled", lambda: ab_test_cancel(ab_test=test, user=request.user), test)
    return redirect(reverse("admin:analytics_promptabtest_change", args=(test.pk,)))


@require_http_methods(["GET", "POST"])
def queue_view(request, model_admin, object_id):
    """Make a rating queue over a test's outputs (every arm's) with ``rating_queue_create``."""
    test = get_object_or_404(PromptABTest, pk=object_id)
    form = QueueForm(request.POST or None, initial={"name": f"{test.test_name} ({db.short_id(test.pk)})"})
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        try:
            queue = rating_queue_create(name=data["name"], raters=list(data["raters"]), overlap=data["overlap"],
                                        jobs=ab_test_job_ids(ab_test=test), source=f"A/B test {test.test_name}",
                                        created_by=request.user)
        except ValidationError as exc:
            for field, problems in _errors(exc).items():
                form.add_error(field if field in form.fields else None, problems)
        else:
            model_admin.message_user(request, f"Shared out {queue.assignments.count():,} outputs of "
                                              f"{test.test_name!r} among {len(data['raters'])} raters.",
                                     messages.SUCCESS)
            return redirect(reverse("admin:generations_ratingqueue_change", args=(queue.pk,)))
    context = {**model_admin.admin_site.each_context(request), "title": f"Rating queue for {test.test_name}",
               "opts": PromptABTest._meta, "original": test, "form": form,
               "fields": [form[name] for name in ("name", "raters", "overlap")]}
    return TemplateResponse(request, "admin/analytics/promptabtest/queue_form.html", context)


def promotable_arms(test: PromptABTest) -> list[dict]:
    """The arms (not the baseline) that name a prompt version, with their figures against the baseline."""
    rows = {row["arm"]: row for row in (test.results or {}).get("variants", [])}
    arms = []
    for index, (name, arm) in enumerate(test_arms(test)):
        if index == 0 or not arm.get("prompt_version"):
            continue
        row = rows.get(index, {})
        arms.append({"index": index, "name": name, "version": arm["prompt_version"],
                     "difference": row.get("paired_difference"), "p_holm": row.get("paired_p_holm"),
                     "can_stop": row.get("can_stop", "")})
    return arms


@require_POST
def promote_view(request, model_admin, object_id):
    """Move ``production`` to the prompt version of one arm, recording this test as the justification."""
    test = get_object_or_404(PromptABTest, pk=object_id)
    arm = next((row for row in promotable_arms(test) if str(row["index"]) == request.POST.get("arm")), None)
    if arm is None:
        model_admin.message_user(request, "That arm names no prompt version to promote.", messages.ERROR)
        return redirect(reverse("admin:analytics_promptabtest_change", args=(test.pk,)))
    version = PromptVersion.objects.filter(pk=arm["version"]).first()
    try:
        _label, move = promote(target=version, by=request.user, justification_kind="ab_test",
                               justification_id=str(test.pk), reason=f"Won A/B test {test.test_name!r} "
                               f"({arm['name']} arm).")
    except ValidationError as exc:
        model_admin.message_user(request, " ".join(exc.messages), messages.ERROR)
    else:
        model_admin.message_user(request, f"{version} is production now, justified by this test." if move else
                                 f"{version} was production already.", messages.SUCCESS)
    return redirect(reverse("admin:analytics_promptabtest_change", args=(test.pk,)))


@require_GET
def rate_index_view(request, model_admin):
    """Tests that have outputs to rate: running ones, newest first, by short id (names can unblind)."""
    tests = ab_test_list(filters={"status": ABTestStatus.RUNNING}).only(
        "id", "model_type", "planned_pairs", "total_participants", "started_at", "created_at")
    context = {**model_admin.admin_site.each_context(request), "title": "Rate A/B tests (blind)",
               "opts": PromptABTest._meta, "tests": tests}
    return TemplateResponse(request, "admin/analytics/promptabtest/rate_index.html", context)


def _card(test_id, pair) -> dict:
    """A pair for the page's script: prompt, and per label its state, stars and media address."""
    def side(s):
        media = reverse("admin:analytics_promptabtest_media", args=(test_id, pair.id, s.label)) if s.ready else ""
        return {"label": s.label, "state": s.state, "ready": s.ready, "is_video": s.is_video, "rating": s.rating,
                "media": media}

    return {"id": str(pair.id), "position": pair.position, "prompt": pair.prompt,
            "sides": [side(s) for s in pair.sides]}


@require_GET
def rate_view(request, model_admin, object_id):
    """The blind rating page of one test: every pair as a card, the script shows one at a time."""
    test = get_object_or_404(PromptABTest.objects.only("id", "planned_pairs", "status", "variants"), pk=object_id)
    if test.status == ABTestStatus.CANCELLED:
        model_admin.message_user(request, f"Test {db.short_id(test.pk)} is cancelled; its outputs can no longer be "
                                          "rated.", messages.WARNING)
        return redirect(reverse("admin:analytics_promptabtest_rate_index"))
    cards = [_card(test.pk, pair) for pair in ab_test_blind_pairs(ab_test=test, rater=request.user)]
    # Named by short id only (the random tail, so tests started together differ): test names and series
    # often say what is being compared.
    context = {**model_admin.admin_site.each_context(request), "title": f"Blind rating: test {db.short_id(test.pk)}",
               "opts": PromptABTest._meta, "test": test, "cards": cards,
               "labels": LABELS[:2 + len(test.variants or [])], "columns": min(3, 2 + len(test.variants or []))}
    return TemplateResponse(request, "admin/analytics/promptabtest/rate.html", context)


@require_POST
def rate_pair_view(request, model_admin, object_id, pair_id):
    """Save ``rating`` for output ``label`` of a pair; answers the pair's card (still blind)."""
    test = get_object_or_404(PromptABTest.objects.only("id", "test_name"), pk=object_id)
    pair = ab_test_pair_get(ab_test=test, pair_id=pair_id)
    if pair is None:
        raise Http404("No such pair in this test.")
    raw = request.POST.get("rating", "")
    try:
        job = ab_pair_rate(pair=pair, label=request.POST.get("label", ""), by=request.user,
                           rating=int(raw) if raw.isdigit() else -1)
    except ValidationError as exc:
        return JsonResponse({"errors": _errors(exc)}, status=400)
    model_admin.log_change(request, job, f"Rated {job.quality_rating}★ blind in A/B test {test.test_name!r}.")
    return JsonResponse(_card(test.pk, blind_pair(pair, request.user)))


@require_GET
def media_view(request, model_admin, object_id, pair_id, label):
    """Output A or B of a pair, served by label (see ``analytics.abtests.media``)."""
    if label not in LABELS:
        raise Http404(f"The label is a letter from A to {LABELS[-1]}.")
    side = ab_test_blind_side(ab_test=get_object_or_404(PromptABTest.objects.only("id"), pk=object_id),
                              pair_id=pair_id, label=label)
    if side is None or not side.ready:
        raise Http404("No output to show.")
    return blind_output_response(side.output, label)


def report_messages(model_admin, request, verb: str, done: list, errors: list) -> None:
    """One success line for ``done`` tests and one error line per failure."""
    if done:
        model_admin.message_user(request, f"{verb} {', '.join(repr(t.test_name) for t in done)}.", messages.SUCCESS)
    for error in errors:
        model_admin.message_user(request, error, messages.ERROR)
