"""The ``job_stats_daily`` rollup, read-only, with the analytics dashboard pages beside its list."""

from django.contrib import admin

from analytics.admin.dashboards import DashboardPagesMixin
from analytics.models import JobStatsDaily
from ourvidz_admin import formatting
from ourvidz_admin.admin.base import PortalAdmin
from ourvidz_admin.admin.mixins import ReadOnlyAdminMixin


@admin.register(JobStatsDaily)
class JobStatsDailyAdmin(DashboardPagesMixin, ReadOnlyAdminMixin, PortalAdmin):
    # The rollup's sums and histogram counts are on each row's page; the list shows what they mean.
    list_display = ("date", "model_type", "enhancement_strategy", "total_jobs", "completed_jobs", "failed_jobs",
                    "cancelled_jobs", "rated_jobs", "mean_rating", "four_plus")
    list_filter = ("model_type", "enhancement_strategy")
    date_hierarchy = "date"
    ordering = ("-date", "model_type", "enhancement_strategy")

    @admin.display(description="mean rating")
    def mean_rating(self, obj):
        return formatting.rating(obj.rating_sum / obj.rated_jobs) if obj.rated_jobs else formatting.DASH

    @admin.display(description="4-5★ of rated")
    def four_plus(self, obj):
        return formatting.fraction((obj.stars_4 + obj.stars_5) / obj.rated_jobs) if obj.rated_jobs else formatting.DASH
