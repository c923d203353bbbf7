"""Admin for dynamic prompting: templates, rules, characters, prompt logs (document 004)."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import path
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from ourvidz_admin.admin.base import PortalAdmin
from ourvidz_admin.admin.filters import CreatedRangeFilter
from ourvidz_admin.admin.mixins import LargeTableAdminMixin, ReadOnlyAdminMixin, clip
from ourvidz_admin.admin.transfer import TransferAdminMixin
from prompts.admin.labels import COMPARE_CHOICES, LabelPagesMixin
from prompts.models import Character, PromptLog, PromptRule, PromptTemplate
from prompts.resources import CharacterResource, PromptRuleResource, PromptTemplateResource
from prompts.services import prompt_cache_refresh


class PromptCacheRefreshMixin:
    """Adds the "Update prompt cache" button (document 004, phase 6) to a changelist."""

    change_list_template = "admin/prompts/refresh_cache_change_list.html"

    def get_urls(self):
        urls = super().get_urls()
        if self.model is not PromptTemplate:
            return urls
        view = self.admin_site.admin_view(require_POST(self.refresh_cache_view))
        return [path("refresh-cache/", view, name="prompts_prompt_cache_refresh"), *urls]

    def refresh_cache_view(self, request):
        if not request.user.has_perm("prompts.change_prompttemplate"):
            raise PermissionDenied
        receivers = prompt_cache_refresh()
        self.message_user(request, f"Prompt cache refresh broadcast to {receivers} worker(s).", messages.SUCCESS)
        target = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
            target = "admin:prompts_prompttemplate_changelist"
        return redirect(target)


@admin.register(PromptTemplate)
class PromptTemplateAdmin(LabelPagesMixin, TransferAdminMixin, PromptCacheRefreshMixin, PortalAdmin):
    resource_classes = (PromptTemplateResource,)
    list_display = ("name", "is_active", "label_names", "model_family", "use_case", "template_type", "content_mode",
                    "version", "updated_at")
    list_filter = ("is_active", "model_family", "use_case", "template_type", "content_mode")
    search_fields = ("name", "content")
    raw_id_fields = ("created_by",)
    readonly_fields = ("label_names",)
    label_fallback = "active template"

    def compare_choices(self, obj):
        """The other versions of the same slot (model, use case, type, content mode), newest first."""
        return PromptTemplate.objects.filter(
            model_family=obj.model_family, use_case=obj.use_case, template_type=obj.template_type,
            content_mode=obj.content_mode).exclude(pk=obj.pk).order_by("-version")[:COMPARE_CHOICES]


@admin.register(PromptRule)
class PromptRuleAdmin(TransferAdminMixin, PromptCacheRefreshMixin, PortalAdmin):
    resource_classes = (PromptRuleResource,)
    list_display = ("name", "rule_type", "model_family", "content_mode", "priority", "is_active", "excerpt")
    list_editable = ("priority", "is_active")
    list_filter = ("is_active", "rule_type", "model_family", "content_mode", "tags")
    search_fields = ("name", "content")
    autocomplete_fields = ("tags",)

    @admin.display(description="content")
    def excerpt(self, obj):
        return clip(obj.content)


@admin.register(Character)
class CharacterAdmin(TransferAdminMixin, PortalAdmin):
    resource_classes = (CharacterResource,)
    list_display = ("name", "slug", "content_mode", "lora_count", "is_active", "updated_at")
    list_filter = ("is_active", "content_mode", "tags")
    search_fields = ("name", "slug", "base_prompt")
    prepopulated_fields = {"slug": ("name",)}
    autocomplete_fields = ("tags",)
    raw_id_fields = ("created_by",)

    @admin.display(description="LoRAs")
    def lora_count(self, obj):
        return len(obj.loras or [])


@admin.register(PromptLog)
class PromptLogAdmin(LargeTableAdminMixin, ReadOnlyAdminMixin, PortalAdmin):
    list_display = ("created_at", "model_family", "use_case", "template", "template_version", "success",
                    "response_time_ms", "excerpt")
    list_select_related = ("template",)
    list_filter = ("success", "model_family", "use_case", CreatedRangeFilter)
    raw_id_fields = ("job", "template", "character")
    ordering = ("-created_at", "-id")

    @admin.display(description="output")
    def excerpt(self, obj):
        return clip(obj.output_prompt or obj.input_prompt)
