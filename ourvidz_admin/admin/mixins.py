"""ModelAdmin building blocks: big-table changelists and read-only admins."""

from django.utils.html import format_html

from ourvidz_admin.admin.paginators import EstimatedCountPaginator


class LargeTableAdminMixin:
    """For tables that only grow: no full-table COUNT, estimated page count, modest pages."""

    paginator = EstimatedCountPaginator
    show_full_result_count = False
    list_per_page = 50


class ReadOnlyAdminMixin:
    """Rows written by the system (rollups, logs, views): viewable, never edited by hand."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def truncate(text: str, length: int = 80) -> str:
    """Shorten ``text`` for a list column, on one line."""
    flat = " ".join((text or "").split())
    return flat if len(flat) <= length else flat[: length - 1] + "…"


def clip(text, size: str = "") -> str:
    """Long text on one line of a list, cut by the column's width, the whole text on hover.

    ``size`` is "", "wide" or "narrow" (CSS ``.clip`` in ourvidz_admin/static/ourvidz_admin/portal.css).
    """
    flat = " ".join(str(text or "").split())
    if not flat:
        return "—"
    return format_html('<span class="clip {}" title="{}">{}</span>', size, flat[:2000], flat[:300])
