"""Read-only lists of the labels and of every label move; labels are moved from a version's or template's page."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html

from ourvidz_admin.admin.base import PortalAdmin
from ourvidz_admin.admin.filters import created_range_filter
from ourvidz_admin.admin.mixins import LargeTableAdminMixin, ReadOnlyAdminMixin, clip
from prompts.choices import LabelKind
from prompts.models import PromptLabel, PromptLabelMove
from prompts.selectors import family_name


def _link(obj) -> str:
    if obj is None:
        return "—"
    opts = obj._meta
    return format_html('<a href="{}">{}</a>', reverse(f"admin:{opts.app_label}_{opts.model_name}_labels",
                                                     args=[obj.pk]), obj)


@admin.register(PromptLabel)
class PromptLabelAdmin(ReadOnlyAdminMixin, PortalAdmin):
    list_display = ("name", "kind", "family_display", "target_link", "updated_at", "updated_by", "history")
    list_select_related = ("prompt_version__prompt", "template", "updated_by")
    list_filter = ("kind", "name")
    search_fields = ("name", "family")
    ordering = ("kind", "family", "name")

    @admin.display(description="family", ordering="family")
    def family_display(self, label):
        return family_name(label)

    @admin.display(description="points at")
    def target_link(self, label):
        return _link(label.target)

    @admin.display(description="moves")
    def history(self, label):
        url = reverse("admin:prompts_promptlabelmove_changelist") + f"?label__id__exact={label.pk}"
        return format_html('<a href="{}">history</a>', url)


@admin.register(PromptLabelMove)
class PromptLabelMoveAdmin(LargeTableAdminMixin, ReadOnlyAdminMixin, PortalAdmin):
    list_display = ("moved_at", "label_name", "kind", "source_link", "destination_link", "moved_by", "reason_text",
                    "justification")
    list_select_related = ("label", "from_version", "to_version", "from_template", "to_template", "moved_by")
    list_filter = ("label__kind", "label__name", "justification_kind", created_range_filter("moved_at", "moved"))
    raw_id_fields = ("label", "from_version", "to_version", "from_template", "to_template", "undoes", "moved_by")
    ordering = ("-moved_at", "-id")

    @admin.display(description="label", ordering="label__name")
    def label_name(self, move):
        return f"{move.label.name} (rollback)" if move.is_rollback else move.label.name

    @admin.display(description="kind")
    def kind(self, move):
        return LabelKind(move.label.kind).label

    @admin.display(description="from")
    def source_link(self, move):
        return _link(move.source)

    @admin.display(description="to")
    def destination_link(self, move):
        return _link(move.destination)

    @admin.display(description="reason")
    def reason_text(self, move):
        return clip(move.reason)

    @admin.display(description="justified by")
    def justification(self, move):
        if not move.justification_kind:
            return "—"
        return f"{move.get_justification_kind_display()} {move.justification_id}"
