"""Import and Export buttons for the prompt, config and analytics admins (django-import-export).

The import page previews what will change (new/update per row, with the
diff) and offers the confirm button only when every row is valid: one bad row
and nothing is written, every bad row is shown with its number and reason.
"""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from import_export.admin import ImportExportMixin
from import_export.formats.base_formats import CSV, JSON, XLSX, YAML
from tablib import InvalidDimensions

from ourvidz_admin.import_jobs import import_enqueue, import_status, inline_rows
from ourvidz_admin.queues import QueueUnavailable
from ourvidz_admin.transfer import MAX_IMPORT_BYTES, ImportFileError, dataset_from_content, resource_classes


class _Bounded:
    """A format that refuses files over ``MAX_IMPORT_BYTES`` before parsing them."""

    key = ""

    def create_dataset(self, in_stream, **kwargs):
        limit = MAX_IMPORT_BYTES[self.key]
        if len(in_stream) > limit:
            size = len(in_stream) / 2**20
            raise ImportFileError(f"The file is {size:,.1f} MB; a {self.key.upper()} import is at most "
                                  f"{limit // 2**20} MB. Split it, or use CSV for large imports.")
        return self.parse(in_stream, **kwargs)

    def parse(self, in_stream, **kwargs):
        return super().create_dataset(in_stream, **kwargs)


class BoundedCSV(_Bounded, CSV):
    key = "csv"


class BoundedJSON(_Bounded, JSON):
    key = "json"


class BoundedXLSX(_Bounded, XLSX):
    key = "xlsx"


class SafeYAML(_Bounded, YAML):
    """YAML through ``ourvidz_admin.transfer.yaml_records``: no aliases, only plain data."""

    key = "yaml"

    def parse(self, in_stream, **kwargs):
        return dataset_from_content(in_stream, "yaml")


TRANSFER_FORMATS = [BoundedCSV, BoundedJSON, BoundedXLSX, SafeYAML]


def read_failure_message(exc: Exception, input_format) -> str:
    """One sentence for a file the import could not read; never an exception's class name."""
    name = input_format.get_title().upper() if hasattr(input_format, "get_title") else "the chosen format"
    if isinstance(exc, UnicodeDecodeError):
        return (f"The file is not UTF-8 text: byte 0x{exc.object[exc.start]:02x} at offset {exc.start} cannot be "
                "decoded. Save it as UTF-8 and try again.")
    if isinstance(exc, ImportFileError):
        return str(exc)
    if isinstance(exc, InvalidDimensions):
        return (f"The file could not be read as {name}: a row has more or fewer values than the header row has "
                "columns. Check for unquoted commas or a missing value.")
    if isinstance(exc, ValueError) and str(exc).strip():
        return f"The file could not be read as {name}: {exc}"
    return f"The file could not be read as {name}: check that it is a well-formed {name} file and that the format " \
           "chosen matches it."


class TransferAdminMixin(ImportExportMixin):
    """Import (with preview) and export in CSV, JSON, XLSX and YAML; CSV must be UTF-8.

    A file of more than ``ADMIN_IMPORT_INLINE_ROWS`` rows is not previewed in
    the request: it is imported by a background job on the ``default`` queue,
    all or nothing, and the page it redirects to shows its progress and result.
    """

    formats = TRANSFER_FORMATS
    from_encoding = "utf-8-sig"
    import_error_display = ("message", "row")
    import_template_name = "admin/ourvidz/import.html"

    def add_data_read_fail_error_to_form(self, form, e):
        form.add_error("import_file", read_failure_message(e, self._import_format(form)))

    def _import_format(self, form):
        try:
            return self.get_import_formats()[int(form.cleaned_data["format"])]()
        except (KeyError, ValueError, IndexError, TypeError):
            return None

    def get_urls(self):
        opts = self.model._meta
        view = self.admin_site.admin_view(self.import_status_view)
        return [path("import/status/<str:token>/", view, name=f"{opts.app_label}_{opts.model_name}_import_status"),
                *super().get_urls()]

    def import_action(self, request, **kwargs):
        if request.method == "POST" and self.has_import_permission(request):
            response = self._import_in_background(request)
            if response is not None:
                return response
        return super().import_action(request, **kwargs)

    def _transfer_model(self) -> str | None:
        """This admin's table by its ``import_prompts --model`` name (None: not one of them)."""
        resource = self.get_import_resource_classes(None)[0]
        return next((name for name, cls in resource_classes().items() if cls is resource), None)

    def _import_in_background(self, request):
        """Queue a large file's import and redirect to its status page; None to import in the request."""
        form = self.create_import_form(request)
        model = self._transfer_model()
        if model is None or not form.is_valid():
            return None
        upload = form.cleaned_data["import_file"]
        input_format = self._import_format(form)
        if input_format is None:
            return None
        limit = MAX_IMPORT_BYTES[input_format.key]
        if upload.size > limit:  # refused before a byte is read into memory
            advice = "Split it into smaller files." if input_format.key == "csv" else \
                "Split it, or use CSV for large imports."
            self.message_user(request, f"The file {upload.name} is {upload.size / 2**20:,.1f} MB; a "
                              f"{input_format.key.upper()} import is at most {limit // 2**20} MB. {advice}",
                              messages.ERROR)
            return redirect(request.get_full_path())
        content = b"".join(upload.chunks())
        upload.seek(0)
        if not input_format.is_binary():
            input_format.encoding = self.from_encoding
        try:
            rows = len(input_format.create_dataset(content))
        except Exception:  # noqa: BLE001 - the import page, run next, shows why the file is unreadable
            return None
        if rows <= inline_rows():
            return None
        try:
            token = import_enqueue(model=model, fmt=input_format.key, content=content, file_name=upload.name,
                                   rows=rows, user_id=request.user.pk)
        except QueueUnavailable as exc:
            self.message_user(request, str(exc), messages.ERROR)
            return redirect(request.get_full_path())
        opts = self.model._meta
        return redirect(reverse(f"admin:{opts.app_label}_{opts.model_name}_import_status", args=[token],
                                current_app=self.admin_site.name))

    def import_status_view(self, request, token):
        if not self.has_import_permission(request):
            raise Http404
        try:
            status = import_status(token, user_id=None if request.user.is_superuser else request.user.pk,
                                   model=self._transfer_model())
        except QueueUnavailable as exc:
            status, unavailable = None, str(exc)
        else:
            unavailable = ""
            if status is None:
                raise Http404("No such import (its result is kept for a day).")
        opts = self.model._meta
        context = {**self.admin_site.each_context(request), "opts": opts, "status": status,
                   "unavailable": unavailable, "title": f"Import {opts.verbose_name_plural}",
                   "changelist_url": reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"),
                   "import_url": reverse(f"admin:{opts.app_label}_{opts.model_name}_import")}
        return TemplateResponse(request, "admin/ourvidz/import_status.html", context)
