"""The jobs changelist and job page, built for a million rows."""

import uuid

from django.contrib import admin
from django.utils.html import format_html, format_html_join

from generations.admin.display import duration, stars
from generations.models import GenerationImageInput, GenerationImageOutput, Job
from ourvidz_admin.admin.filters import CreatedRangeFilter
from ourvidz_admin.admin.mixins import LargeTableAdminMixin, truncate


class OutputInline(admin.TabularInline):
    model = GenerationImageOutput
    fields = ("order_index", "preview", "mime_type", "width", "height", "frame_count", "file_size_bytes")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description="preview")
    def preview(self, obj):
        thumb = obj.thumbnail_location
        if thumb:
            return format_html('<a href="{}"><img src="{}" height="64" alt=""></a>', obj.location, thumb)
        return format_html('<a href="{}">{}</a>', obj.location, obj.location) if obj.location else "—"


class InputInline(admin.TabularInline):
    model = GenerationImageInput
    fields = ("order_index", "file", "url", "width", "height", "mime_type")
    extra = 0


@admin.register(Job)
class JobAdmin(LargeTableAdminMixin, admin.ModelAdmin):
    list_display = ("short_id", "user", "model_type", "enhancement_strategy", "status", "stars", "time",
                    "expansion_column", "prompt_excerpt", "created_at")
    list_display_links = ("short_id",)
    list_select_related = ("user",)
    list_filter = ("model_type", "status", "enhancement_strategy", "failure_reason", "quality_rating",
                   CreatedRangeFilter, "job_type", "user")
    search_fields = ("original_prompt",)
    search_help_text = "A job id, or words of the prompt."
    ordering = ("-created_at", "-id")
    raw_id_fields = ("user", "prompt_version", "character", "model_config", "compel_config", "rated_by")
    readonly_fields = ("id", "created_at", "queued_at", "started_at", "completed_at", "failed_at", "cancelled_at",
                       "updated_at", "time", "expansion", "lineage_table", "attempts", "progress", "worker_name")
    inlines = (OutputInline, InputInline)
    fieldsets = (
        (None, {"fields": ("id", "user", "model_type", "job_type", "status", "failure_reason", "error_message")}),
        ("Prompt", {"fields": ("original_prompt", "enhanced_prompt", "final_prompt", "negative_prompt",
                               "prompt_version", "character", "test_series")}),
        ("Enhancement", {"fields": ("enhancement_strategy", "enhancement_time_ms", "expansion",
                                    "qwen_expansion_percentage", "qwen_tokens_used", "compel_config",
                                    "compel_weights", "quality_improvement")}),
        ("Parameters", {"fields": ("model_config", "seed", "num_inference_steps", "guidance_scale", "width",
                                   "height", "frame_count", "motion_bucket", "model_used")}),
        ("Review", {"fields": ("quality_rating", "notes", "rated_by", "rated_at")}),
        ("Execution", {"fields": ("attempts", "progress", "worker_name", "inference_time_ms", "time", "created_at",
                                  "queued_at", "started_at", "completed_at", "failed_at", "cancelled_at",
                                  "updated_at", "metadata")}),
        ("Lineage", {"fields": ("lineage_table",)}),
    )

    def get_search_results(self, request, queryset, search_term):
        # An id is an exact primary-key lookup; anything else searches the prompt alone, so that
        # PostgreSQL can answer from the trigram index instead of scanning an OR of columns.
        try:
            return queryset.filter(pk=uuid.UUID(search_term.strip())), False
        except ValueError:
            return super().get_search_results(request, queryset, search_term)

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        match = request.resolver_match
        if match is not None and match.url_name == "generations_job_changelist":
            queryset = queryset.list_columns()
        return queryset

    @admin.display(description="id", ordering="id")
    def short_id(self, obj):
        return str(obj.pk)[:8]

    @admin.display(description="stars", ordering="quality_rating")
    def stars(self, obj):
        return stars(obj.quality_rating)

    @admin.display(description="time")
    def time(self, obj):
        return duration(obj.generation_time)

    @admin.display(description="prompt")
    def prompt_excerpt(self, obj):
        return truncate(obj.original_prompt, 60)

    @admin.display(description="expansion", ordering="qwen_expansion_percentage")
    def expansion_column(self, obj):
        # The stored column: the enhanced prompt itself is deferred in lists.
        value = obj.qwen_expansion_percentage
        return "—" if value is None else f"{value:+.0f}%"

    @admin.display(description="expansion %")
    def expansion(self, obj):
        value = obj.expansion_percentage
        return "—" if value is None else f"{value:+.0f}%"

    @admin.display(description="lineage")
    def lineage_table(self, obj):
        if not obj.lineage:
            return "—"
        rows = ((key, value) for key, value in sorted(obj.lineage.items()))
        return format_html(
            "<table>{}</table>", format_html_join("", "<tr><th>{}</th><td><code>{}</code></td></tr>", rows)
        )
