"""The A/B test admin: a create page with the power calculation, Start, Refresh and Cancel, results, pairs.

A test is a record of an experiment: once created, its arms, prompts and
power inputs are read-only (everything changes through the services in
``analytics.abtests.services``). The blind rating pages live in
``abtest_pages``.
"""

from django.contrib import admin, messages
from django.contrib.admin.utils import flatten_fieldsets
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from analytics.abtests import RATE_PERMISSION
from analytics.abtests.arms import arm_summary
from analytics.abtests.report import results_text
from analytics.abtests.selectors import ab_test_distinct_prompts
from analytics.abtests.services import (
    CANCELLABLE,
    ab_test_cancel,
    ab_test_create,
    ab_test_refresh_results,
    ab_test_start,
)
from analytics.admin.abtest_pages import (
    abtest_urls,
    add_page,
    cancel_confirm_page,
    promotable_arms,
    report_messages,
)
from analytics.agreement import agreement
from analytics.choices import ABTestStatus
from analytics.clip_correlation import clip_correlation
from analytics.models import ABTestPair, PromptABTest
from generations.admin.display import stars
from ourvidz_admin import formatting
from ourvidz_admin.admin.base import PortalAdmin
from ourvidz_admin.admin.mixins import clip


class ABTestPairInline(admin.TabularInline):
    """The pairs, read-only: prompt, seed, blind order and both jobs with their stars (admins' view)."""

    model = ABTestPair
    fields = ("position", "prompt_excerpt", "seed", "enhanced_first", "baseline_job", "baseline_stars",
              "enhanced_job", "enhanced_stars")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("baseline_job", "enhanced_job").order_by("position")

    @admin.display(description="prompt")
    def prompt_excerpt(self, obj):
        return clip(obj.prompt_text)

    @admin.display(description="baseline ★")
    def baseline_stars(self, obj):
        return stars(obj.baseline_job.quality_rating) if obj.baseline_job else "—"

    @admin.display(description="enhanced ★")
    def enhanced_stars(self, obj):
        return stars(obj.enhanced_job.quality_rating) if obj.enhanced_job else "—"


@admin.register(PromptABTest)
class PromptABTestAdmin(PortalAdmin):
    list_display = ("test_name", "test_series", "model_type", "status", "progress", "baseline_avg_quality",
                    "enhanced_avg_quality", "quality_improvement", "confidence_level", "created_at")
    list_filter = ("status", "model_type", "is_complete", "test_series")
    column_formats = {"confidence_level": "fraction", "quality_improvement": "signed"}
    list_select_related = ()
    search_fields = ("test_name", "test_series")
    ordering = ("-created_at", "-id")
    actions = ("start_selected", "refresh_selected", "cancel_selected")
    inlines = (ABTestPairInline,)
    change_form_template = "admin/analytics/promptabtest/change_form.html"
    fieldsets = (
        (None, {"fields": ("test_name", "test_series", "description", "model_type", "status", "is_complete")}),
        ("Arms", {"fields": ("baseline_arm", "enhanced_arm", "variant_arms")}),
        ("Power calculation", {"fields": ("target_lift", "alpha", "power", "sd_difference", "planned_pairs",
                                          "prompt_counts")}),
        ("Guardrails", {"fields": ("guardrails", "guardrail_breached")}),
        ("Results", {"fields": ("results_table", "rater_agreement", "clip_agreement", "total_participants",
                                "baseline_avg_quality", "enhanced_avg_quality", "quality_improvement",
                                "confidence_level", "results_computed_at")}),
        ("Dates", {"fields": ("created_by", "created_at", "started_at", "completed_at")}),
    )

    def get_readonly_fields(self, request, obj=None):
        return flatten_fieldsets(self.fieldsets)

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        match = request.resolver_match
        if match is not None and match.url_name == "analytics_promptabtest_changelist":
            queryset = queryset.defer("results", "description", "baseline_config", "enhanced_config",
                                      "variants")
        return queryset

    # --- pages and services ------------------------------------------------------
    def get_urls(self):
        return [*abtest_urls(self), *super().get_urls()]

    def add_view(self, request, form_url="", extra_context=None):
        if not self.has_add_permission(request):
            raise PermissionDenied
        return add_page(request, self)

    def create_test(self, request, values: dict) -> PromptABTest:
        """Create through ``ab_test_create``, log it and say what the plan asks for."""
        test = ab_test_create(created_by=request.user, **values)
        self.log_addition(request, test, [{"added": {}}])
        pairs = test.pairs.count()
        self.message_user(request, f"Created {test.test_name!r}: {pairs} pairs ({test.planned_pairs} planned). "
                                   f"Start it to submit {2 * pairs} jobs.", messages.SUCCESS)
        return test

    def run_service(self, request, verb: str, call, test: PromptABTest) -> None:
        """Run ``call`` for one test; a ValidationError becomes an error message."""
        try:
            call()
        except ValidationError as exc:
            self.message_user(request, " ".join(exc.messages), messages.ERROR)
            return
        self.log_change(request, test, f"{verb} the test.")
        self.message_user(request, f"{verb} {test.test_name!r}.", messages.SUCCESS)

    def _each(self, request, queryset, verb: str, call) -> None:
        done, errors = [], []
        for test in queryset:
            try:
                call(test)
            except ValidationError as exc:
                errors.append(f"{test.test_name}: {' '.join(exc.messages)}")
            else:
                self.log_change(request, test, f"{verb} the test.")
                done.append(test)
        report_messages(self, request, verb, done, errors)

    @admin.action(description="Start: submit both arms of every pair", permissions=("add",))
    def start_selected(self, request, queryset):
        self._each(request, queryset, "Started", lambda test: ab_test_start(ab_test=test, user=request.user))

    @admin.action(description="Refresh results", permissions=("change",))
    def refresh_selected(self, request, queryset):
        self._each(request, queryset, "Refreshed the results of", lambda test: ab_test_refresh_results(ab_test=test))

    @admin.action(description="Cancel: stop unfinished jobs, keep ratings (asks to confirm)", permissions=("change",))
    def cancel_selected(self, request, queryset):
        if request.POST.get("confirm") != "yes":
            return cancel_confirm_page(request, self, list(queryset), action="cancel_selected")
        self._each(request, queryset, "Cancelled", lambda test: ab_test_cancel(ab_test=test, user=request.user))
        return None

    def change_view(self, request, object_id, form_url="", extra_context=None):
        test = self.get_object(request, object_id)
        extra_context = {
            **(extra_context or {}),
            "can_start": bool(test and test.status == ABTestStatus.DRAFT and self.has_add_permission(request)),
            "can_refresh": bool(test and self.has_change_permission(request, test)),
            "can_cancel": bool(test and test.status in CANCELLABLE and self.has_change_permission(request, test)),
            "can_rate": bool(test and test.status not in (ABTestStatus.DRAFT, ABTestStatus.CANCELLED)
                             and request.user.has_perm(RATE_PERMISSION)),
            "promotable": promotable_arms(test) if test and test.started_at and request.user.has_perm(
                "prompts.change_promptversion") else [],
        }
        return super().change_view(request, object_id, form_url, extra_context)

    # --- columns ---------------------------------------------------------------
    @admin.display(description="rated / planned", ordering="total_participants")
    def progress(self, obj):
        return f"{obj.total_participants} / {obj.planned_pairs}"

    @admin.display(description="baseline arm")
    def baseline_arm(self, obj):
        return arm_summary(obj.baseline_config or {})

    @admin.display(description="enhanced arm")
    def enhanced_arm(self, obj):
        return arm_summary(obj.enhanced_config or {})

    @admin.display(description="more arms")
    def variant_arms(self, obj):
        """Each further arm by name (arm 3 onwards), compared with the baseline like the enhanced arm."""
        rows = [(variant.get("name"), arm_summary(variant)) for variant in obj.variants or []]
        return format_html("<ul style='margin:0;padding-left:1.2em'>{}</ul>",
                           format_html_join("", "<li>{}: {}</li>", rows)) if rows else "none: baseline against enhanced"

    @admin.display(description="prompts")
    def prompt_counts(self, obj):
        if obj.pk is None:
            return "—"
        pairs = obj.pairs.count()
        return f"{pairs} pairs, {ab_test_distinct_prompts(ab_test=obj)} distinct prompts"

    @admin.display(description="rater agreement")
    def rater_agreement(self, obj):
        """Krippendorff's α of the raters' job stars over the test's jobs (docs/metrics.md)."""
        if not obj.pk:
            return "—"
        found = agreement(ab_test=obj)
        if found["alpha"] is None:
            return (f"α undefined: {formatting.count(found['items'])} output(s) rated by two raters or more "
                    f"({formatting.count(found['raters'])} rater(s)); it needs two such outputs with different stars.")
        interval = (f" [{formatting.number(found['alpha_low'], 3)}, {formatting.number(found['alpha_high'], 3)}]"
                    if found["alpha_low"] is not None else "")
        items, raters = formatting.count(found["items"]), formatting.count(found["raters"])
        return (f"Krippendorff's α (ordinal) {formatting.number(found['alpha'], 3)}{interval} over {items} "
                f"outputs rated by two or more of {raters} raters")

    @admin.display(description="CLIP vs people")
    def clip_agreement(self, obj):
        """Spearman's ρ between the automatic CLIP score and the raters' mean stars over the test's jobs."""
        if not obj.pk:
            return "—"
        found = clip_correlation(ab_test=obj)
        if found["rho"] is None:
            return (f"ρ undefined: {formatting.count(found['n'])} job(s) have both a CLIP score and stars; it needs "
                    "three with differing values (configure the clip backend for scores).")
        return (f"Spearman's ρ {formatting.signed(found['rho'], 3)} (p {formatting.number(found['p_value'], 4)}) "
                f"between CLIP score and mean stars over {formatting.count(found['n'])} jobs")

    @admin.display(description="results")
    def results_table(self, obj):
        rateable = obj.pk and obj.started_at and obj.status != ABTestStatus.CANCELLED
        rate = reverse("admin:analytics_promptabtest_rate", args=(obj.pk,)) if rateable else ""
        return format_html('<pre style="margin:0">{}</pre>{}', results_text(obj.results),
                           format_html('<a href="{}">Rate blind →</a>', rate) if rate else "")
