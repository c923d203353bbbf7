"""Admin for prompt versions and tags (document 001)."""

from django.contrib import admin
from django.utils.html import format_html

from ourvidz_admin.admin.base import PortalAdmin
from ourvidz_admin.admin.filters import CreatedRangeFilter, SoftDeletedFilter
from ourvidz_admin.admin.mixins import truncate
from ourvidz_admin.admin.transfer import TransferAdminMixin
from prompts.admin.labels import COMPARE_CHOICES, LabelPagesMixin
from prompts.models import PromptTag, PromptVersion, PromptVersionTag
from prompts.resources import PromptVersionResource


@admin.register(PromptTag)
class PromptTagAdmin(PortalAdmin):
    list_display = ("name", "swatch", "color")
    list_editable = ("color",)
    search_fields = ("name",)

    @admin.display(description="")
    def swatch(self, obj):
        if not obj.color:
            return ""
        return format_html('<span style="display:inline-block;width:1em;height:1em;background:{}"></span>', obj.color)


class PromptVersionTagInline(admin.TabularInline):
    model = PromptVersionTag
    autocomplete_fields = ("tag",)
    extra = 0


@admin.register(PromptVersion)
class PromptVersionAdmin(LabelPagesMixin, TransferAdminMixin, PortalAdmin):
    resource_classes = (PromptVersionResource,)
    list_display = ("label", "label_names", "model_name", "prompt", "parent_version", "created_at", "deleted_at")
    list_select_related = ("prompt", "parent_version")
    list_filter = (SoftDeletedFilter, "model_name", CreatedRangeFilter, "tags")
    search_fields = ("name", "user_prompt", "system_prompt")
    autocomplete_fields = ("prompt", "parent_version")
    raw_id_fields = ("created_by",)
    readonly_fields = ("created_at", "lineage_display", "label_names")
    inlines = (PromptVersionTagInline,)
    ordering = ("-created_at", "-id")
    label_fallback = "newest live version"
    fieldsets = (
        (None, {"fields": ("name", "prompt", "model_name", "description", "label_names")}),
        ("Prompts", {"fields": ("system_prompt", "user_prompt", "parameters")}),
        ("Lineage", {"fields": ("parent_version", "lineage_display", "created_by", "created_at", "deleted_at")}),
    )

    def get_search_results(self, request, queryset, search_term):
        # Autocomplete (and search) never offers deleted versions unless asked for.
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if request.path.endswith("/autocomplete/"):
            queryset = queryset.filter(deleted_at__isnull=True)
        return queryset, may_have_duplicates

    @admin.display(description="version", ordering="name")
    def label(self, obj):
        return obj.name or truncate(obj.user_prompt, 70)

    @admin.display(description="lineage (newest first)")
    def lineage_display(self, obj):
        if obj.pk is None:
            return "—"
        return " ← ".join(str(version) for version in obj.lineage())

    def compare_choices(self, obj):
        """The other live versions of the same library prompt, else of the same lineage, newest first."""
        versions = PromptVersion.objects.active().exclude(pk=obj.pk).only("id", "name", "user_prompt", "deleted_at")
        if obj.prompt_id:
            return versions.filter(prompt_id=obj.prompt_id)[:COMPARE_CHOICES]
        lineage = {version.pk for version in obj.lineage()} | set(obj.children.values_list("pk", flat=True))
        return versions.filter(pk__in=lineage)[:COMPARE_CHOICES]
