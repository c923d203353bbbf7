"""The jobs changelist and job page, built for a million rows.

Jobs are records of what ran: their prompts and parameters are read-only.
Reviewers edit the rating, notes and failure reason, in the list itself or on
the job page; every change goes through ``generations.services.job_rate`` and
lands in the admin history (LogEntry).
"""

import uuid

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import OuterRef, Subquery
from django.urls import path
from django.utils.html import format_html, format_html_join

from generations.admin import actions
from generations.admin.display import duration, stars
from generations.export import job_csv_response
from generations.lineage import describe_call
from generations.models import GenerationImageInput, GenerationImageOutput, Job, JobRating
from generations.services import REVIEW_FIELDS, job_rate, job_rating_of, job_review_check
from ourvidz_admin import db, formatting
from ourvidz_admin.admin.base import PortalAdmin
from ourvidz_admin.admin.filters import ArchivedFilter, CreatedRangeFilter, DateRangeFilter
from ourvidz_admin.admin.mixins import LargeTableAdminMixin, ReadOnlyAdminMixin, clip


class RaterRatingsInline(ReadOnlyAdminMixin, admin.TabularInline):
    """Every rater's own rating of the job (the job shows their mean)."""

    model = JobRating
    verbose_name, verbose_name_plural = "rating by rater", "ratings by rater (one each; the job keeps their mean)"
    fields = ("rater", "stars", "notes", "failure_reason", "rated_at")
    readonly_fields = fields
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("rater")


class OutputInline(admin.TabularInline):
    model = GenerationImageOutput
    fields = ("order_index", "preview", "mime_type", "width", "height", "frame_count", "file_size", "clip_score_shown")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    @admin.display(description="CLIP score")
    def clip_score_shown(self, obj):
        return formatting.number(obj.clip_score, 1)

    @admin.display(description="file size")
    def file_size(self, obj):
        return f"{formatting.count(obj.file_size_bytes)} bytes" if obj.file_size_bytes is not None else "—"

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description="preview")
    def preview(self, obj):
        thumb = obj.thumbnail_location
        if thumb:
            return format_html('<a href="{}"><img src="{}" height="64" alt=""></a>', obj.location, thumb)
        return format_html('<a href="{}">{}</a>', obj.location, obj.location) if obj.location else "—"


class InputInline(OutputInline):
    model = GenerationImageInput
    fields = ("order_index", "preview", "mime_type", "width", "height")
    readonly_fields = fields

    @admin.display(description="preview")
    def preview(self, obj):
        if not obj.location:
            return "—"
        return format_html('<a href="{0}"><img src="{0}" height="64" alt=""></a>', obj.location)


class ReviewForm(forms.ModelForm):
    """The review fields of a job, checked by the review service before anything is saved."""

    def clean(self):
        data = super().clean()
        if self.instance.pk and "failure_reason" in self.changed_data:
            try:
                job_review_check(job=self.instance, failure_reason=data.get("failure_reason"))
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    self.add_error(field if field in self.fields else None, errors)
        return data


class ReviewListForm(ReviewForm):
    """The inline editors of the jobs list: stars as stars (the labels are on the job page), one-line notes."""

    class Meta:
        model = Job
        fields = REVIEW_FIELDS
        widgets = {"notes": forms.TextInput(attrs={"size": 12, "placeholder": "notes"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["quality_rating"].choices = [("", "—"), *((value, stars(value)) for value in range(1, 6))]
        self.fields["quality_rating"].label = "your stars"
        if hasattr(self.instance, "my_stars"):  # the list annotates the reviewer's own stars
            self.initial["quality_rating"] = self.instance.my_stars


@admin.register(Job)
class JobAdmin(LargeTableAdminMixin, PortalAdmin):
    # What a reviewer needs at a glance on a 1440 px screen; the rest is on the job page.
    list_display = ("short_id", "model_type", "enhancement_strategy", "status", "time", "prompt_excerpt",
                    "quality_rating", "clip_column", "notes", "failure_reason")
    list_display_links = ("short_id",)
    list_editable = REVIEW_FIELDS
    # The stars column edits the reviewer's own rating (job_ratings), not the raters' mean; as an editable
    # model field it takes no @admin.display, so its header is named here (change_list.html renders it).
    column_headers = {"quality_rating": ("Your stars", "Your own rating; the raters' mean is on the job page")}
    form = ReviewForm
    list_select_related = ("user",)
    list_filter = ("model_type", "status", "enhancement_strategy", "failure_reason", "quality_rating",
                   CreatedRangeFilter, DateRangeFilter, "job_type", "user", ArchivedFilter)
    search_fields = ("original_prompt",)
    search_help_text = "A job id, or words of the prompt."
    ordering = ("-created_at", "-id")
    actions = (actions.retry_selected, actions.cancel_selected, actions.export_selected,
               actions.clear_failed_selected, actions.restore_archived)
    inlines = (RaterRatingsInline, OutputInline, InputInline)
    fieldsets = (
        ("Review", {"fields": ("quality_rating", "clip_shown", "notes", "failure_reason", "raters", "rated_by",
                               "rated_at")}),
        (None, {"fields": ("id", "user", "model_type", "job_type", "status", "error_message", "attempts")}),
        ("Prompt", {"fields": ("original_prompt", "enhanced_prompt", "final_prompt", "negative_prompt",
                               "prompt_version", "character", "content_mode", "tags", "test_series")}),
        ("Enhancement", {"fields": ("enhancement_strategy", "enhancement_time", "expansion",
                                    "qwen_expansion", "qwen_tokens_used", "compel_config",
                                    "compel_weights", "quality_improvement")}),
        ("Parameters", {"fields": ("model_config", "seed", "num_inference_steps", "guidance_scale", "width",
                                   "height", "frame_count", "denoise_strength", "clip_skip", "model_used",
                                   "pipeline_call", "not_applied")}),
        ("Execution", {"fields": ("progress_shown", "worker_name", "inference_time", "time", "created_at",
                                  "queued_at", "started_at", "completed_at", "failed_at", "cancelled_at",
                                  "cancel_requested_at", "archived_at", "updated_at", "metadata")}),
        ("Lineage", {"fields": ("lineage_table",)}),
    )

    # --- the machine's score beside the people's stars -------------------------
    @admin.display(description="CLIP", ordering="clip_score")
    def clip_column(self, obj):
        return format_html('<span class="num">{}</span>', formatting.number(obj.clip_score, 1))

    @admin.display(description="CLIP score")
    def clip_shown(self, obj):
        if obj.clip_score is None:
            return formatting.DASH
        return (f"{formatting.number(obj.clip_score, 1)} (mean over the outputs of 100 × the cosine of CLIP's "
                "embeddings of the original prompt and the output, 0 when negative)")

    # --- permissions -------------------------------------------------------
    def has_add_permission(self, request):
        # Jobs are created by submitting prompts (Prompt testing, API, submit_prompts), not typed in.
        return False

    def has_rate_permission(self, request):
        return request.user.has_perm("generations.rate_job")

    def has_retry_permission(self, request):
        return request.user.has_perm("generations.retry_job")

    def has_cancel_permission(self, request):
        return request.user.has_perm("generations.cancel_job")

    def has_export_permission(self, request):
        return request.user.has_perm("generations.export_job")

    def has_clear_permission(self, request):
        return request.user.has_perm("generations.delete_job")

    def has_change_permission(self, request, obj=None):
        return self.has_rate_permission(request)

    def get_readonly_fields(self, request, obj=None):
        editable = set(REVIEW_FIELDS) if self.has_rate_permission(request) else set()
        return [name for _title, options in self.fieldsets for name in options["fields"] if name not in editable]

    def get_changelist_form(self, request, **kwargs):
        return ReviewListForm

    def get_form(self, request, obj=None, change=False, **kwargs):
        """The job page's editors start from the reviewer's own stars (the raters are listed below)."""
        form = super().get_form(request, obj, change=change, **kwargs)
        if obj is None or "quality_rating" not in form.base_fields:
            return form
        mine = job_rating_of(job=obj, rater=request.user)

        class OwnStarsForm(form):
            def __init__(self, *args, **kwargs):
                super().__init__(*args, **kwargs)
                self.initial["quality_rating"] = mine.stars if mine else None
                self.fields["quality_rating"].label = "Your stars"

        return OwnStarsForm

    # --- saving goes through the review service ----------------------------
    def save_model(self, request, obj, form, change):
        if not change or not self.has_rate_permission(request):
            raise PermissionDenied
        review = {name: form.cleaned_data.get(name) for name in REVIEW_FIELDS if name in form.changed_data}
        try:
            job_rate(job=obj, by=request.user, rating=review.get("quality_rating"), notes=review.get("notes"),
                     failure_reason=review.get("failure_reason"),
                     clear_rating="quality_rating" in review and review["quality_rating"] is None)
        except ValidationError as exc:  # a race the form's check could not see: say so, save nothing
            self.message_user(request, " ".join(exc.messages), messages.ERROR)

    # --- custom pages ----------------------------------------------------------
    def get_urls(self):
        from generations.admin.playground import playground_urls
        from generations.admin.rating import rating_urls
        from generations.admin.testing import testing_urls

        export = self.admin_site.admin_view(self.export_view)
        return [path("export/", export, name="generations_job_export"), *rating_urls(self), *testing_urls(self),
                *playground_urls(self), *super().get_urls()]

    def export_view(self, request):
        if not self.has_export_permission(request):
            raise PermissionDenied
        queryset = self.get_changelist_instance(request).get_queryset(request)
        return job_csv_response(queryset.select_related(None))

    def change_view(self, request, object_id, form_url="", extra_context=None):
        from generations.models import GenerationImageRating
        from ourvidz_admin.choices import RatingCriterion

        outputs = list(GenerationImageOutput.objects.filter(job_id=object_id).order_by("order_index"))
        mine = {(r.output_id, r.criteria): r.rating for r in GenerationImageRating.objects.filter(
            output__in=outputs, rated_by=request.user)}
        rows = [{"output": o, "values": [(c, mine.get((o.pk, c))) for c in RatingCriterion.values]} for o in outputs]
        extra_context = {**(extra_context or {}), "criterion_ratings": rows, "criteria": RatingCriterion.choices,
                         "can_rate": self.has_rate_permission(request)}
        return super().change_view(request, object_id, form_url, extra_context)

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "has_rate_permission": self.has_rate_permission(request),
            "has_export_permission": self.has_export_permission(request),
        }
        return super().changelist_view(request, extra_context)

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
            # Each reviewer edits (and sees) their own stars: another rater's opinion is not shown beside it.
            mine = JobRating.objects.filter(job=OuterRef("pk"), rater=request.user).values("stars")[:1]
            queryset = queryset.list_columns().annotate(my_stars=Subquery(mine))
        return queryset

    # --- columns ---------------------------------------------------------------
    @admin.display(description="id", ordering="id")
    def short_id(self, obj):
        return db.short_id(obj.pk)

    @admin.display(description="stars", ordering="quality_rating")
    def stars(self, obj):
        return stars(obj.quality_rating)

    @admin.display(description="time")
    def time(self, obj):
        return duration(obj.generation_time)

    @admin.display(description="prompt")
    def prompt_excerpt(self, obj):
        return clip(obj.original_prompt)

    @admin.display(description="expansion", ordering="qwen_expansion_percentage")
    def expansion_column(self, obj):
        # The stored column: the enhanced prompt itself is deferred in lists.
        value = obj.qwen_expansion_percentage
        return "—" if value is None else f"{value:+.0f}%"

    @admin.display(description="expansion %")
    def expansion(self, obj):
        value = obj.expansion_percentage
        return "—" if value is None else f"{value:+.0f}%"

    @admin.display(description="raters")
    def raters(self, obj):
        if not obj.rating_count:
            return "—"
        return f"{obj.rating_count} rater(s), mean {formatting.rating(obj.rating_mean)} (your edit above sets yours)"

    # Read-only figures of the job page, written as every list writes them (ourvidz_admin.formatting).
    @admin.display(description="progress")
    def progress_shown(self, obj):
        return formatting.fraction(obj.progress, 0)

    @admin.display(description="enhancement time")
    def enhancement_time(self, obj):
        return formatting.ms(obj.enhancement_time_ms)

    @admin.display(description="inference time")
    def inference_time(self, obj):
        return formatting.ms(obj.inference_time_ms)

    @admin.display(description="Qwen expansion (stored)")
    def qwen_expansion(self, obj):
        return formatting.percent(obj.qwen_expansion_percentage)

    @admin.display(description="pipeline call")
    def pipeline_call(self, obj):
        """What the worker passed to diffusers (lineage ``call``), the record the PNG infotext is written from."""
        call = (obj.lineage or {}).get("call")
        return describe_call(call) if call else "—"

    @admin.display(description="not run")
    def not_applied(self, obj):
        skipped = (obj.lineage or {}).get("not_applied") or {}
        return "; ".join(f"{setting}: {why}" for setting, why in skipped.items()) or "—"

    @admin.display(description="lineage")
    def lineage_table(self, obj):
        if not obj.lineage:
            return "—"
        rows = ((key, value) for key, value in sorted(obj.lineage.items()))
        return format_html(
            "<table>{}</table>", format_html_join("", "<tr><th>{}</th><td><code>{}</code></td></tr>", rows)
        )
