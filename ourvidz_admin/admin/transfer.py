"""Import and Export buttons for the prompt, config and analytics admins (django-import-export).

The import page previews what will change (new/update per row, with the
diff) and offers the confirm button only when every row is valid: one bad row
and nothing is written, every bad row is shown with its number and reason.
"""

from import_export.admin import ImportExportMixin
from import_export.formats.base_formats import CSV, JSON, XLSX, YAML

from ourvidz_admin.transfer import MAX_IMPORT_BYTES, ImportFileError, dataset_from_content


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
    if isinstance(exc, ValueError):
        return f"The file could not be read as {name}: {exc}"
    return f"The file could not be read as {name}: check that it is a well-formed {name} file and that the format " \
           "chosen matches it."


class TransferAdminMixin(ImportExportMixin):
    """Import (with preview) and export in CSV, JSON, XLSX and YAML; CSV must be UTF-8."""

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
