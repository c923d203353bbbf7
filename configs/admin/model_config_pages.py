"""The model configuration's own admin pages: apply a preset, reset, export one, import JSON.

Each view is wrapped by ``admin_site.admin_view`` (staff login) and checks
``configs.change_enhancedmodelconfig`` itself (viewing suffices for export);
every change it makes is logged as an admin LogEntry.
"""

import json

from django import forms
from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.text import slugify
from django.views.decorators.http import require_POST

from configs.models import EnhancementPreset
from configs.selectors import preset_list
from configs.services import (
    model_config_export,
    model_config_import_many,
    model_config_reset_to_defaults,
    preset_apply,
)

MAX_IMPORT_BYTES = 1_000_000


def error_text(error: ValidationError) -> str:
    """``field: message; field: message`` for a message line."""
    if not hasattr(error, "error_dict"):
        return "; ".join(error.messages)
    return "; ".join(f"{field}: {message}" if field != "__all__" else message
                     for field, texts in error.message_dict.items() for message in texts)


def json_download(data, filename: str) -> HttpResponse:
    """``data`` as an indented JSON attachment named ``filename``."""
    response = HttpResponse(json.dumps(data, indent=2, ensure_ascii=False), content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


class ImportJsonForm(forms.Form):
    file = forms.FileField(help_text="A file from \"Export as JSON\": one configuration object or a list of them.")

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_IMPORT_BYTES:
            raise ValidationError(f"The file is larger than {MAX_IMPORT_BYTES // 1000} kB.")
        try:
            data = json.loads(upload.read().decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as error:
            raise ValidationError(f"Not a JSON file: {error}.") from error
        items = data if isinstance(data, list) else [data]
        if not items:
            raise ValidationError("The file holds no configurations.")
        return items


class ModelConfigPagesMixin:
    """URLs and views of the pages beside the configuration changelist and change form."""

    change_list_template = "admin/configs/enhancedmodelconfig/change_list.html"
    change_form_template = "admin/configs/enhancedmodelconfig/change_form.html"

    def get_urls(self):
        info = f"{self.opts.app_label}_{self.opts.model_name}"
        view = self.admin_site.admin_view
        return [
            path("import/", view(self.import_view), name=f"{info}_import"),
            path("<path:object_id>/apply-preset/", view(self.apply_preset_view), name=f"{info}_apply_preset"),
            path("<path:object_id>/reset/", view(require_POST(self.reset_view)), name=f"{info}_reset"),
            path("<path:object_id>/export/", view(self.export_view), name=f"{info}_export"),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "can_import": self.has_change_permission(request)}
        return super().changelist_view(request, extra_context)

    def _config_or_404(self, request, object_id):
        config = self.get_object(request, unquote(object_id))
        if config is None:
            raise Http404(f"No model configuration with id {object_id!r}.")
        return config

    def _require_change(self, request, config=None) -> None:
        if not self.has_change_permission(request, config):
            raise PermissionDenied

    def report_change(self, request, config, change, *, unchanged: str) -> None:
        """Log a service's change on ``config`` (LogEntry) and tell the user; or say nothing changed."""
        if change is None:
            self.message_user(request, f"{config}: {unchanged}; nothing changed.", messages.INFO)
            return
        self.log_change(request, config, change.change_summary)
        self.message_user(request, f"{config}: {change.change_summary}", messages.SUCCESS)

    def _change_url(self, config) -> str:
        return reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_change", args=[config.pk])

    def apply_preset_view(self, request, object_id):
        config = self._config_or_404(request, object_id)
        self._require_change(request, config)
        if request.method == "POST":
            preset = get_object_or_404(EnhancementPreset, pk=request.POST.get("preset"))
            try:
                change = preset_apply(preset=preset, config=config, changed_by=request.user)
            except ValidationError as error:
                self.message_user(request, f"Preset not applied: {error_text(error)}", messages.ERROR)
                return redirect(request.get_full_path())
            self.report_change(request, config, change, unchanged=f"preset {preset.preset_name} already matched")
            return redirect(self._change_url(config))
        context = {
            **self.admin_site.each_context(request), "opts": self.opts, "original": config,
            "title": f"Apply a preset to {config}", "presets": preset_list(),
        }
        return TemplateResponse(request, "admin/configs/enhancedmodelconfig/apply_preset.html", context)

    def reset_view(self, request, object_id):
        config = self._config_or_404(request, object_id)
        self._require_change(request, config)
        try:
            change = model_config_reset_to_defaults(config=config, changed_by=request.user)
        except ValidationError as error:
            self.message_user(request, f"Not reset: {error_text(error)}", messages.ERROR)
        else:
            self.report_change(request, config, change, unchanged="already at its defaults")
        return redirect(self._change_url(config))

    def export_view(self, request, object_id):
        config = self._config_or_404(request, object_id)
        if not self.has_view_permission(request, config):
            raise PermissionDenied
        filename = f"model-config-{slugify(f'{config.model_type} {config.config_name}')}.json"
        return json_download(model_config_export(config=config), filename)

    def import_view(self, request):
        self._require_change(request)
        form = ImportJsonForm(request.POST or None, request.FILES or None)
        import_errors = []
        if request.method == "POST" and form.is_valid():
            try:
                results = model_config_import_many(items=form.cleaned_data["file"], changed_by=request.user)
            except ValidationError as error:
                import_errors = [(key, texts) for key, texts in error.message_dict.items()]
            else:
                for config, created, change in results:
                    if created:
                        self.log_addition(request, config, "Imported from JSON.")
                    elif change is not None:
                        self.log_change(request, config, change.change_summary)
                names = ", ".join(str(config) for config, _created, _change in results)
                self.message_user(request, f"Imported {len(results)} configuration(s): {names}.", messages.SUCCESS)
                return redirect(reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_changelist"))
        context = {
            **self.admin_site.each_context(request), "opts": self.opts, "title": "Import model configurations",
            "form": form, "import_errors": import_errors,
        }
        return TemplateResponse(request, "admin/configs/enhancedmodelconfig/import_json.html", context)
