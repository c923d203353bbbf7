"""Admin for prompt usage (002) and the prompt tracker (003)."""

from django.contrib import admin

from generations.models import PromptUsage, TrackedPrompt
from ourvidz_admin.admin.base import PortalAdmin
from ourvidz_admin.admin.filters import CreatedRangeFilter
from ourvidz_admin.admin.mixins import LargeTableAdminMixin, ReadOnlyAdminMixin, clip


@admin.register(PromptUsage)
class PromptUsageAdmin(LargeTableAdminMixin, ReadOnlyAdminMixin, PortalAdmin):
    list_display = ("created_at", "prompt", "template", "success", "rating", "response_time_ms", "tokens_used",
                    "cost")
    list_select_related = ("prompt", "template")
    list_filter = ("success", "rating", CreatedRangeFilter)
    raw_id_fields = ("prompt", "template", "agent", "job", "user")
    ordering = ("-created_at", "-id")


@admin.register(TrackedPrompt)
class TrackedPromptAdmin(LargeTableAdminMixin, PortalAdmin):
    # Length, word and special-character counts are on the prompt's page.
    list_display = ("excerpt", "ai_model", "outcome", "failure_reason", "quality_rating", "save_method",
                    "created_at")
    list_editable = ("quality_rating",)
    list_filter = ("outcome", "failure_reason", "save_method", "quality_rating", "ai_model", CreatedRangeFilter)
    search_fields = ("prompt", "feedback")
    raw_id_fields = ("job", "user")
    readonly_fields = ("prompt_hash", "prompt_length", "word_count", "special_char_count")
    ordering = ("-created_at", "-id")

    @admin.display(description="prompt")
    def excerpt(self, obj):
        return clip(obj.prompt)
