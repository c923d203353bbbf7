"""Admin for configuration history: change records with their measured impact, and full snapshots.

Here rather than in configs: the impact columns read the jobs of each change's model.
"""

from django.contrib import admin, messages
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import ValidationError
from django.utils.html import format_html, format_html_join

from analytics.config_impact import config_change_impact, config_change_refresh_impact
from configs.models import ConfigChangeHistory, ModelConfigHistory
from configs.selectors import config_change_next_at_subquery
from ourvidz_admin import formatting
from ourvidz_admin.admin.base import PortalAdmin
from ourvidz_admin.admin.filters import created_range_filter
from ourvidz_admin.admin.mixins import ReadOnlyAdminMixin

CONFIG_CHANGE_PERMISSION = "configs.change_enhancedmodelconfig"


class ImpactChangeList(ChangeList):
    """Measures each row of the page against its jobs (``config_change_impact``).

    Bounded by the page, not the table: two aggregate queries per row (one per
    side of the change, each an index range scan on jobs (model_type,
    created_at)); the next change's time comes annotated with the rows. With
    ``list_per_page = 50`` that is at most 100 small queries.
    """

    def get_results(self, request):
        super().get_results(request)
        for change in self.result_list:
            change.impact = config_change_impact(change=change)


# The measured figures of a change: label on its page, key in ``config_change_impact``, how it is written.
FIGURES = (("jobs", "jobs", formatting.count), ("success rate", "success_rate", formatting.fraction),
           ("mean rating", "mean_rating", formatting.rating), ("mean time", "mean_time_s", formatting.seconds))


def _before_after(change, key: str, show) -> str:
    impact = getattr(change, "impact", None) or config_change_impact(change=change)
    # Each figure on one line; the pair may break after the arrow in a narrow column.
    return format_html('<span class="num">{}</span> → <span class="num">{}</span>', show(impact["before"][key]),
                       show(impact["after"][key]))


@admin.register(ConfigChangeHistory)
class ConfigChangeHistoryAdmin(ReadOnlyAdminMixin, PortalAdmin):
    # The six impact columns are why this page exists: they stay in view; who changed it is on the row's page.
    list_display = ("changed_at", "config_name", "change_summary", "jobs_before_after", "success_before_after",
                    "rating_before_after", "time_before_after", "jobs_affected", "quality_impact",
                    "performance_impact")
    list_select_related = ("changed_by",)
    list_filter = ("model_type", created_range_filter("changed_at", "changed"))
    list_per_page = 50
    list_max_show_all = 50  # "show all" must not lift the per-page bound on impact queries
    search_fields = ("config_name", "change_summary")
    readonly_fields = ("impact_table",)
    actions = ("refresh_impact",)
    column_formats = {"quality_impact": "signed", "performance_impact": "signed"}

    def get_changelist(self, request, **kwargs):
        return ImpactChangeList

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(next_changed_at=config_change_next_at_subquery())

    def has_refresh_impact_permission(self, request):
        return request.user.has_perm(CONFIG_CHANGE_PERMISSION)

    @admin.display(description="jobs (before → after)")
    def jobs_before_after(self, obj):
        return _before_after(obj, "jobs", formatting.count)

    @admin.display(description="success (before → after)")
    def success_before_after(self, obj):
        return _before_after(obj, "success_rate", formatting.fraction)

    @admin.display(description="rating (before → after)")
    def rating_before_after(self, obj):
        return _before_after(obj, "mean_rating", formatting.rating)

    @admin.display(description="time (before → after)")
    def time_before_after(self, obj):
        return _before_after(obj, "mean_time_s", formatting.seconds)

    @admin.display(description="impact (7 days either side)")
    def impact_table(self, obj):
        impact = config_change_impact(change=obj)
        rows = [("window", f"{impact['before']['start']:%Y-%m-%d %H:%M} → {impact['after']['end']:%Y-%m-%d %H:%M}"),
                *((label, f"{show(impact['before'][key])} → {show(impact['after'][key])}")
                  for label, key, show in FIGURES)]
        return format_html("<table>{}</table>", format_html_join("", "<tr><th>{}</th><td>{}</td></tr>", rows))

    @admin.action(description="Refresh measured impact from jobs", permissions=("refresh_impact",))
    def refresh_impact(self, request, queryset):
        refreshed = 0
        for change in queryset:
            try:
                config_change_refresh_impact(change=change)
            except ValidationError as error:
                self.message_user(request, f"{change}: {'; '.join(error.messages)}", messages.ERROR)
                continue
            self.log_change(request, change, f"Refreshed impact: {change.jobs_affected} jobs, quality "
                                             f"{change.quality_impact}, time {change.performance_impact} s.")
            refreshed += 1
        if refreshed:
            self.message_user(request, f"Refreshed the impact of {refreshed} change(s).", messages.SUCCESS)


@admin.register(ModelConfigHistory)
class ModelConfigHistoryAdmin(ReadOnlyAdminMixin, PortalAdmin):
    list_display = ("created_at", "model_type", "config_name", "is_active", "created_by", "notes")
    list_select_related = ("created_by",)
    list_filter = ("model_type", "is_active")
