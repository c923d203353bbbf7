"""Experiment runs in the admin: make one (checked first: job count and GPU estimate before you confirm),
see it as a grid, rate from the grid, export its contact sheet and CSV, pin a baseline and compare."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from generations.api.runs import run_csv
from generations.contact_sheet import run_contact_sheet
from generations.models import ExperimentRun
from generations.run_grid import run_grid, run_id_parse, runs_compare
from generations.runs import AXES, MAX_AXES, axis_parse, run_create, run_plan, run_set_baseline
from ourvidz_admin import formatting
from ourvidz_admin.admin.base import PortalAdmin
from ourvidz_admin.choices import EnhancementStrategy, ModelType
from ourvidz_admin.queues import QueueUnavailable
from prompts.labels import promote
from prompts.models import PromptVersion


class RunForm(forms.Form):
    name = forms.CharField(max_length=120, required=False, help_text="Default: the model and the time.")
    model_type = forms.ChoiceField(choices=ModelType.choices, label="Model")
    prompts = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 5, "cols": 90}),
                              help_text="One input per line.")
    tag = forms.CharField(max_length=100, required=False,
                          help_text="Also take the active prompt versions with this tag (a suite).")
    axes = forms.CharField(widget=forms.Textarea(attrs={"rows": 3, "cols": 60}), required=False, help_text=(
        f"Up to {MAX_AXES} lines NAME=V1,V2: the first the columns, the second the rows, the third separate "
        f"grids. Names: {', '.join(AXES)}."))
    strategy = forms.ChoiceField(choices=EnhancementStrategy.choices, initial=EnhancementStrategy.NONE,
                                 help_text="Every cell's strategy unless a strategy axis sets it.")
    lora = forms.CharField(max_length=100, required=False, help_text="The LoRA a lora_weight axis weighs.")
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def values(self) -> dict:
        data = self.cleaned_data
        axes = []
        for line in data["axes"].splitlines():
            if line.strip():
                axes.append(axis_parse(line))
        return {"model_type": data["model_type"], "prompts": data["prompts"].splitlines(), "tag": data["tag"].strip(),
                "axes": axes, "strategy": data["strategy"], "lora": data["lora"].strip()}

    def add_service_errors(self, exc: ValidationError) -> None:
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
        for key, problems in detail.items():
            field = "axes" if key.startswith("axes") else key
            self.add_error(field if field in self.fields else None, problems)


@admin.register(ExperimentRun)
class ExperimentRunAdmin(PortalAdmin):
    list_display = ("name", "model_type", "job_count", "axes_summary", "baseline", "created_at")
    list_select_related = ("baseline",)
    search_fields = ("name", "test_series")
    list_filter = ("model_type",)
    ordering = ("-created_at", "-id")

    def has_change_permission(self, request, obj=None):
        return False  # a run is what ran; make a new one to change it

    def has_add_permission(self, request):
        return request.user.has_perm("generations.add_job") and super().has_add_permission(request)

    @admin.display(description="axes")
    def axes_summary(self, obj):
        return " × ".join(f"{axis['name']} ({len(axis['values'])})" for axis in obj.axes) or "—"

    def get_urls(self):
        def view(function, allowed):
            def wrapped(request, *args, **kwargs):
                if not allowed(request):
                    raise PermissionDenied
                return function(request, *args, **kwargs)

            return self.admin_site.admin_view(wrapped)

        name = "generations_experimentrun"
        return [
            path("<uuid:object_id>/grid/", view(self.grid_view, self.has_view_permission), name=f"{name}_grid"),
            path("<uuid:object_id>/sheet.png", view(self.sheet_view, self.has_view_permission),
                 name=f"{name}_sheet"),
            path("<uuid:object_id>/cells.csv", view(self.csv_view, self.has_view_permission), name=f"{name}_csv"),
            path("<uuid:object_id>/compare/", view(self.compare_view, self.has_view_permission),
                 name=f"{name}_compare"),
            path("<uuid:object_id>/baseline/", view(self.baseline_view, self.has_add_permission),
                 name=f"{name}_baseline"),
            path("<uuid:object_id>/promote/", view(self.promote_view, self._can_promote), name=f"{name}_promote"),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if not self.has_view_permission(request):
            raise PermissionDenied
        return self.grid_view(request, object_id)

    def add_view(self, request, form_url="", extra_context=None):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = RunForm(request.POST or None)
        plan = None
        if form.is_bound and form.is_valid():
            try:
                values = form.values()
                plan = run_plan(**values)
                if form.cleaned_data["confirmed"] and "_check" not in request.POST:
                    run = run_create(name=form.cleaned_data["name"], user=request.user, **values)
                    self.log_addition(request, run, [{"added": {}}])
                    self.message_user(request, f"Submitted {run.job_count:,} jobs.", messages.SUCCESS)
                    return redirect(reverse("admin:generations_experimentrun_grid", args=(run.pk,)))
            except ValidationError as exc:
                form.add_service_errors(exc)
                plan = None
            except QueueUnavailable as exc:
                self.message_user(request, str(exc), messages.WARNING)
        if plan is not None:
            form.data = form.data.copy()
            form.data["confirmed"] = "True"
        context = {**self.admin_site.each_context(request), "title": "Add experiment run", "opts": self.opts,
                   "form": form, "plan": plan,
                   "estimate": formatting.seconds(plan.estimated_gpu_seconds) if plan else ""}
        return TemplateResponse(request, "admin/generations/experimentrun/add_form.html", context)

    def grid_view(self, request, object_id):
        run = get_object_or_404(ExperimentRun.objects.select_related("baseline"), pk=object_id)
        context = {**self.admin_site.each_context(request), "title": run.name, "opts": self.opts, "run": run,
                   "grid": run_grid(run=run, rater=request.user),
                   "can_rate": request.user.has_perm("generations.rate_job"),
                   "can_pin": self.has_add_permission(request),
                   "promotable": [(value, PromptVersion.objects.filter(pk=value).first()) for axis in run.axes
                                  if axis["name"] == "prompt_version" for value in axis["values"]]
                   if self._can_promote(request) else [],
                   "others": ExperimentRun.objects.filter(model_type=run.model_type).exclude(pk=run.pk)
                   .only("id", "name", "created_at").order_by("-created_at")[:50]}
        return TemplateResponse(request, "admin/generations/experimentrun/grid.html", context)

    @staticmethod
    def _can_promote(request) -> bool:
        return request.user.has_perm("prompts.change_promptversion")

    def promote_view(self, request, object_id):
        """Move ``production`` to one of the run's prompt_version axis values, recording this run."""
        run = get_object_or_404(ExperimentRun, pk=object_id)
        back = redirect(reverse("admin:generations_experimentrun_grid", args=(run.pk,)))
        candidates = {value for axis in run.axes if axis["name"] == "prompt_version" for value in axis["values"]}
        chosen = request.POST.get("version", "") if request.method == "POST" else ""
        version = PromptVersion.objects.filter(pk=chosen).first() if chosen in candidates else None
        if version is None:
            self.message_user(request, "Pick one of this run's prompt versions to promote.", messages.ERROR)
            return back
        try:
            _label, move = promote(target=version, by=request.user, justification_kind="run",
                                   justification_id=str(run.pk), reason=f"Best in run {run.name!r}.")
        except ValidationError as exc:
            self.message_user(request, " ".join(exc.messages), messages.ERROR)
        else:
            self.message_user(request, f"{version} is production now, justified by this run." if move else
                              f"{version} was production already.", messages.SUCCESS)
        return back

    def sheet_view(self, request, object_id):
        run = get_object_or_404(ExperimentRun, pk=object_id)
        response = HttpResponse(run_contact_sheet(run=run), content_type="image/png")
        response["Content-Disposition"] = f'attachment; filename="run-{run.pk.hex[-8:]}.png"'
        return response

    def csv_view(self, request, object_id):
        run = get_object_or_404(ExperimentRun, pk=object_id)
        response = HttpResponse(run_csv(run), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="run-{run.pk.hex[-8:]}.csv"'
        return response

    def compare_view(self, request, object_id):
        run = get_object_or_404(ExperimentRun.objects.select_related("baseline"), pk=object_id)
        baseline = run.baseline
        if request.GET.get("baseline"):
            baseline_id = run_id_parse(request.GET["baseline"])
            baseline = ExperimentRun.objects.filter(pk=baseline_id).first() if baseline_id else None
        if baseline is None:
            self.message_user(request, "Pick a baseline run to compare with.", messages.WARNING)
            return redirect(reverse("admin:generations_experimentrun_grid", args=(run.pk,)))
        try:
            max_drop = float(request.GET.get("max_drop", "0.25"))
        except ValueError:
            max_drop = 0.25
        context = {**self.admin_site.each_context(request), "title": f"{run.name} against {baseline.name}",
                   "opts": self.opts, "run": run, "comparison": runs_compare(baseline=baseline, new=run,
                                                                              max_drop=max(0.0, max_drop))}
        return TemplateResponse(request, "admin/generations/experimentrun/compare.html", context)

    def baseline_view(self, request, object_id):
        run = get_object_or_404(ExperimentRun, pk=object_id)
        if request.method != "POST":
            return redirect(reverse("admin:generations_experimentrun_grid", args=(run.pk,)))
        baseline_id = run_id_parse(request.POST.get("baseline", ""))
        baseline = ExperimentRun.objects.filter(pk=baseline_id).first() if baseline_id else None
        try:
            run_set_baseline(run=run, baseline=baseline)
        except ValidationError as exc:
            self.message_user(request, " ".join(exc.messages), messages.ERROR)
        else:
            self.message_user(request, f"Baseline: {baseline.name}." if baseline else "Baseline unpinned.",
                              messages.SUCCESS)
        return redirect(reverse("admin:generations_experimentrun_grid", args=(run.pk,)))

