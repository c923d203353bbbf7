"""Admin for the prompt library and agents (document 002)."""

from django.contrib import admin

from ourvidz_admin.admin.base import PortalAdmin
from ourvidz_admin.admin.transfer import TransferAdminMixin
from prompts.models import Agent, AgentPrompt, Prompt
from prompts.resources import AgentPromptResource, AgentResource, PromptResource


class AgentPromptInline(admin.TabularInline):
    model = AgentPrompt
    autocomplete_fields = ("agent", "prompt")
    extra = 0


@admin.register(Prompt)
class PromptAdmin(TransferAdminMixin, PortalAdmin):
    resource_classes = (PromptResource,)
    list_display = ("name", "display_name", "domain", "complexity_level", "status", "updated_at")
    list_filter = ("status", "complexity_level", "domain")
    search_fields = ("name", "display_name", "description")
    prepopulated_fields = {"name": ("display_name",)}
    raw_id_fields = ("created_by",)
    inlines = (AgentPromptInline,)


@admin.register(Agent)
class AgentAdmin(TransferAdminMixin, PortalAdmin):
    resource_classes = (AgentResource,)
    list_display = ("name", "display_name", "category", "is_active", "created_at")
    list_filter = ("is_active", "category")
    list_editable = ("is_active",)
    search_fields = ("name", "display_name")
    inlines = (AgentPromptInline,)


@admin.register(AgentPrompt)
class AgentPromptAdmin(TransferAdminMixin, PortalAdmin):
    resource_classes = (AgentPromptResource,)
    list_display = ("agent", "prompt", "is_primary", "created_at")
    list_select_related = ("agent", "prompt")
    list_filter = ("is_primary",)
    search_fields = ("agent__name", "prompt__name")
    autocomplete_fields = ("agent", "prompt")
