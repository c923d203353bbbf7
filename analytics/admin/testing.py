"""Admin for prompt tests and enhanced prompt tests (A/B tests: ``analytics.admin.abtests``)."""

from django.contrib import admin

from analytics.models import EnhancedPromptTest, PromptTestResult
from analytics.resources import PromptTestResultResource
from ourvidz_admin.admin.base import PortalAdmin
from ourvidz_admin.admin.filters import CreatedRangeFilter
from ourvidz_admin.admin.mixins import LargeTableAdminMixin, clip
from ourvidz_admin.admin.transfer import TransferAdminMixin


@admin.register(PromptTestResult)
class PromptTestResultAdmin(TransferAdminMixin, LargeTableAdminMixin, PortalAdmin):
    resource_classes = (PromptTestResultResource,)
    list_display = ("excerpt", "model_type", "prompt_category", "quality_rating", "generation_time_ms", "success",
                    "notes", "created_at")
    list_editable = ("quality_rating", "notes")
    list_filter = ("model_type", "success", "quality_rating", CreatedRangeFilter)
    search_fields = ("prompt_text", "notes")
    raw_id_fields = ("job", "tested_by")
    ordering = ("-created_at", "-id")

    @admin.display(description="prompt")
    def excerpt(self, obj):
        return clip(obj.prompt_text)


@admin.register(EnhancedPromptTest)
class EnhancedPromptTestAdmin(LargeTableAdminMixin, PortalAdmin):
    list_display = ("excerpt", "enhancement_strategy", "model_type", "expansion_percentage", "baseline_quality",
                    "enhanced_quality", "quality_improvement", "consistency_score", "success", "created_at")
    column_formats = {"quality_improvement": "signed", "baseline_quality": "rating", "enhanced_quality": "rating"}
    list_filter = ("enhancement_strategy", "model_type", "success", "test_series", CreatedRangeFilter)
    search_fields = ("original_prompt", "test_series")
    raw_id_fields = ("job", "tested_by")
    ordering = ("-created_at", "-id")

    @admin.display(description="original")
    def excerpt(self, obj):
        return clip(obj.original_prompt)

