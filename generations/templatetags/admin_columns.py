"""The changelist table with column headers a ModelAdmin names itself.

Django labels a model-field column with the field's ``verbose_name`` and offers no ``@admin.display`` for it;
a field in ``list_editable`` must stay a field column. A ModelAdmin's ``column_headers`` maps such a column
to ``(label, title)``, rendered here on the server (``{% result_list_with_headers cl %}``).
"""

from django import template
from django.contrib.admin.templatetags.admin_list import result_list
from django.utils.html import format_html

register = template.Library()


@register.inclusion_tag("admin/change_list_results.html")
def result_list_with_headers(cl) -> dict:
    """Django's ``{% result_list %}`` context, with the headers of ``cl.model_admin.column_headers`` renamed."""
    context = result_list(cl)
    names = getattr(cl.model_admin, "column_headers", {})
    for field_name, header in zip(cl.list_display, context["result_headers"], strict=True):
        if field_name in names:
            label, title = names[field_name]
            header["text"] = format_html('<span title="{}">{}</span>', title, label) if title else label
    return context
