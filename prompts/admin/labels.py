"""The label and compare pages of the version and template admins: "Compare with…", "Move label…", "Roll back".

``LabelPagesMixin`` adds, beside a version's or template's change page:

* ``<id>/compare/?against=<id>``: the two side by side (texts with the changed
  words marked, parameters and attributes key by key); view permission.
* ``<id>/labels/``: the family's labels and their history; with the change
  permission, a form that moves a label here (``prompts.labels.label_move``).
* ``<id>/labels/rollback/`` (POST): one label back to its earlier position.

Each view goes through ``admin_site.admin_view`` and checks its permission
itself; every move is logged as an admin LogEntry on the row it concerns.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.views.decorators.http import require_POST

from prompts.choices import PRODUCTION, STAGING, LabelJustification
from prompts.diff import side_by_side
from prompts.labels import MAX_JUSTIFICATION_ID, MAX_REASON, label_family, label_move, label_rollback
from prompts.models.labels import LABEL_NAME_MAX, label_name
from prompts.selectors import family_labels, label_history, version_diff

HISTORY_ROWS = 50
COMPARE_CHOICES = 50


class LabelMoveForm(forms.Form):
    name = forms.CharField(max_length=LABEL_NAME_MAX, validators=[label_name], initial=PRODUCTION,
                           widget=forms.TextInput(attrs={"list": "label-names", "size": 16}))
    reason = forms.CharField(max_length=MAX_REASON, required=False,
                             widget=forms.TextInput(attrs={"size": 40, "placeholder": "why (optional)"}))
    justification_kind = forms.ChoiceField(choices=[("", "—"), *LabelJustification.choices], required=False,
                                           label="Justified by")
    justification_id = forms.CharField(max_length=MAX_JUSTIFICATION_ID, required=False, label="Its id",
                                       widget=forms.TextInput(attrs={"size": 20}))


def _apply_errors(form: forms.Form, exc: ValidationError) -> None:
    errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    for field, texts in errors.items():
        for text in texts:
            form.add_error(field if field in form.fields else None, text)


class LabelPagesMixin:
    """URLs, views, list column and change-page buttons for labels and comparisons (versions and templates)."""

    change_form_template = "admin/prompts/labelled_change_form.html"
    actions = ("move_label",)
    label_fallback = "active row"  # what a family without the label resolves to, as the page says it

    def get_urls(self):
        info = f"{self.opts.app_label}_{self.opts.model_name}"
        view = self.admin_site.admin_view
        return [
            path("<path:object_id>/compare/", view(self.compare_view), name=f"{info}_compare"),
            path("<path:object_id>/labels/", view(self.labels_view), name=f"{info}_labels"),
            path("<path:object_id>/labels/rollback/", view(require_POST(self.label_rollback_view)),
                 name=f"{info}_label_rollback"),
            *super().get_urls(),
        ]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("labels")

    @admin.display(description="labels")
    def label_names(self, obj):
        if obj is None or obj._state.adding:
            return "—"
        return ", ".join(sorted(label.name for label in obj.labels.all())) or "—"

    @admin.action(description="Move label… (one selected row)", permissions=["change"])
    def move_label(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, "Select exactly one row to move a label to it.", messages.WARNING)
            return None
        return redirect(self._url("labels", queryset.get()))

    def _url(self, name: str, obj) -> str:
        return reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_{name}", args=[obj.pk])

    def _object(self, request, object_id):
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404(f"No {self.opts.verbose_name} with id {object_id!r}.")
        if not self.has_view_permission(request, obj):
            raise PermissionDenied
        return obj

    def _context(self, request, obj, title: str, **extra) -> dict:
        return {**self.admin_site.each_context(request), "opts": self.opts, "original": obj, "title": title,
                "has_change_permission": self.has_change_permission(request, obj), **extra}

    def compare_choices(self, obj):
        """Rows offered in the "compare with" list: override per model (same prompt, same slot)."""
        return self.model.objects.exclude(pk=obj.pk)[:COMPARE_CHOICES]

    def compare_view(self, request, object_id):
        obj = self._object(request, object_id)
        against, other, error = request.GET.get("against", "").strip(), None, ""
        if against:
            try:
                other = self.get_queryset(request).filter(pk=against).first()
            except (ValidationError, ValueError):
                other = None
            error = "" if other is not None else f"No {self.opts.verbose_name} with id {against!r}."
        diff = version_diff(obj, other) if other is not None else None
        texts = [(text, side_by_side(text.before, text.after), text.field.replace("_", " ").capitalize())
                 for text in diff.texts] if diff else []
        context = self._context(request, obj, f"Compare {obj}", other=other, against=against, error=error,
                                diff=diff, texts=texts, choices=self.compare_choices(obj))
        return TemplateResponse(request, "admin/prompts/compare.html", context)

    def labels_view(self, request, object_id):
        obj = self._object(request, object_id)
        can_change = self.has_change_permission(request, obj)
        try:
            kind, family = label_family(obj)
        except ValidationError as exc:
            kind, family, family_error = None, None, " ".join(exc.messages)
        else:
            family_error = ""
        form = LabelMoveForm(request.POST or None)
        if request.method == "POST":
            if not can_change:
                raise PermissionDenied
            if not family_error and form.is_valid():
                try:
                    _label, move = label_move(target=obj, by=request.user, **form.cleaned_data)
                except ValidationError as exc:
                    _apply_errors(form, exc)
                else:
                    self._report_move(request, obj, form.cleaned_data["name"], move)
                    return redirect(self._url("labels", obj))
        labels = family_labels(kind=kind, family=family) if family else []
        history = (label_history().filter(label__kind=kind, label__family=family)[:HISTORY_ROWS] if family else [])
        names = sorted({PRODUCTION, STAGING} | {label.name for label in labels})
        context = self._context(request, obj, f"Labels of {obj}", form=form, labels=labels, history=history,
                                names=names, family_error=family_error, can_move=can_change and not family_error,
                                fallback=self.label_fallback)
        return TemplateResponse(request, "admin/prompts/labels.html", context)

    def _report_move(self, request, obj, name: str, move) -> None:
        if move is None:
            self.message_user(request, f"The {name} label already points at {obj}; nothing changed.", messages.INFO)
            return
        text = f"Label {name} moved here from {move.source or 'nowhere (first placement)'}."
        self.log_change(request, obj, text)
        self.message_user(request, text, messages.SUCCESS)

    def label_rollback_view(self, request, object_id):
        obj = self._object(request, object_id)
        if not self.has_change_permission(request, obj):
            raise PermissionDenied
        name = request.POST.get("name", "")
        try:
            kind, family = label_family(obj)
            label, move = label_rollback(kind=kind, family=family, name=name, by=request.user)
        except ValidationError as exc:
            self.message_user(request, f"Not rolled back: {' '.join(exc.messages)}", messages.ERROR)
        else:
            text = f"Label {name} rolled back from {move.source} to {move.destination}."
            self.log_change(request, label.target, text)
            self.message_user(request, text, messages.SUCCESS)
        return redirect(self._url("labels", obj))
