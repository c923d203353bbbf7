"""The ``job_stats_daily`` rollup, read-only, with the analytics dashboard pages beside its list."""

from django.contrib import admin

from analytics.admin.dashboards import DashboardPagesMixin
from analytics.models import JobStatsDaily
from ourvidz_admin.admin.mixins import ReadOnlyAdminMixin


@admin.register(JobStatsDaily)
class JobStatsDailyAdmin(DashboardPagesMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("date", "model_type", "enhancement_strategy", "total_jobs", "completed_jobs", "failed_jobs",
                    "cancelled_jobs", "rated_jobs", "rating_sum", "stars_5", "stars_4", "stars_3", "stars_2",
                    "stars_1", "inference_time_count", "enhancement_time_count", "improvement_count")
    list_filter = ("model_type", "enhancement_strategy")
    date_hierarchy = "date"
    ordering = ("-date", "model_type", "enhancement_strategy")
