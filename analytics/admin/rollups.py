"""Admin for rollup tables, live tracking and the guide's two views: read-only, system-written."""

from django.contrib import admin

from analytics.admin.forecasts import ForecastPagesMixin
from analytics.admin.reports import ReportPagesMixin
from analytics.models import (
    AdminDevelopmentProgress,
    EnhancementEffectiveness,
    JobEnhancementAnalysis,
    LivePromptMetric,
    ModelPerformanceLog,
    UserEnhancementAdoption,
)
from generations.models import LiveJobTracking
from ourvidz_admin import db, formatting
from ourvidz_admin.admin.base import PortalAdmin
from ourvidz_admin.admin.filters import CreatedRangeFilter, created_range_filter
from ourvidz_admin.admin.mixins import LargeTableAdminMixin, ReadOnlyAdminMixin, clip


@admin.register(ModelPerformanceLog)
class ModelPerformanceLogAdmin(ForecastPagesMixin, ReportPagesMixin, ReadOnlyAdminMixin, PortalAdmin):
    list_display = ("date", "model_type", "total_generations", "successful_generations", "failed_generations",
                    "avg_generation_time_ms", "avg_quality_rating")
    list_filter = ("model_type",)
    date_hierarchy = "date"


@admin.register(LivePromptMetric)
class LivePromptMetricAdmin(ReadOnlyAdminMixin, PortalAdmin):
    list_display = ("timestamp", "period_type", "total_jobs", "qwen_enhanced_jobs", "compel_enhanced_jobs",
                    "hybrid_enhanced_jobs", "no_enhancement_jobs", "avg_enhancement_time_ms", "avg_quality_gain")
    column_formats = {"avg_quality_gain": "signed"}
    list_filter = ("period_type", created_range_filter("timestamp", "period"))


@admin.register(UserEnhancementAdoption)
class UserEnhancementAdoptionAdmin(ReadOnlyAdminMixin, PortalAdmin):
    list_display = ("date", "user", "total_jobs", "jobs_with_enhancement", "enhancement_adoption_rate",
                    "avg_quality_improvement")
    column_formats = {"avg_quality_improvement": "signed"}
    list_select_related = ("user",)
    list_filter = ("date",)


@admin.register(LiveJobTracking)
class LiveJobTrackingAdmin(LargeTableAdminMixin, ReadOnlyAdminMixin, PortalAdmin):
    list_display = ("job", "user", "model_type", "enhancement_strategy", "status", "final_quality", "updated_at")
    list_select_related = ("job", "user")
    list_filter = ("status", "model_type", "enhancement_strategy", CreatedRangeFilter)
    ordering = ("-created_at", "-id")


@admin.register(JobEnhancementAnalysis)
class JobEnhancementAnalysisAdmin(LargeTableAdminMixin, ReadOnlyAdminMixin, PortalAdmin):
    list_display = ("short_id", "model_type", "enhancement_display_name", "status", "quality_rating",
                    "generation_time_seconds", "excerpt", "created_at")
    column_formats = {"generation_time_seconds": "seconds"}

    @admin.display(description="job", ordering="id")
    def short_id(self, obj):
        return db.short_id(obj.pk)
    list_filter = ("model_type", "enhancement_strategy", "status")
    ordering = ("-created_at", "-id")

    @admin.display(description="original")
    def excerpt(self, obj):
        return clip(obj.original_prompt)


@admin.register(EnhancementEffectiveness)
class EnhancementEffectivenessAdmin(ReadOnlyAdminMixin, PortalAdmin):
    list_display = ("enhancement_strategy", "total_jobs", "avg_quality", "avg_improvement", "avg_enhancement_time",
                    "success_rate", "high_quality_rate")
    # The view's avg_enhancement_time is in milliseconds; avg_improvement is a signed change of stars.
    column_formats = {"avg_enhancement_time": "ms", "avg_improvement": "signed"}


@admin.register(AdminDevelopmentProgress)
class AdminDevelopmentProgressAdmin(PortalAdmin):
    list_display = ("feature_name", "feature_category", "status", "priority", "assigned_to", "hours",
                    "completion_date")
    list_editable = ("status",)
    list_filter = ("status", "priority", "feature_category")
    search_fields = ("feature_name", "notes", "blockers")

    @admin.display(description="hours (actual / estimated)")
    def hours(self, obj):
        return f"{formatting.number(obj.actual_hours, 1)} / {formatting.number(obj.estimated_hours, 1)}"
