"""Import and Export buttons for the prompt, config and analytics admins (django-import-export).

The import page previews what will change (new/update per row, with the
diff) and offers the confirm button only when every row is valid: one bad row
and nothing is written, every bad row is shown with its number and reason.
"""

from import_export.admin import ImportExportMixin
from import_export.formats.base_formats import CSV, JSON, XLSX, YAML

TRANSFER_FORMATS = [CSV, JSON, XLSX, YAML]


class TransferAdminMixin(ImportExportMixin):
    """Import (with preview) and export in CSV, JSON, XLSX and YAML; CSV must be UTF-8."""

    formats = TRANSFER_FORMATS
    from_encoding = "utf-8-sig"
    import_error_display = ("message", "row")
