"""The content policy's blocked terms: edited inline in a dense list, imported and exported like the library."""

from django.contrib import admin

from ourvidz_admin.admin.base import PortalAdmin
from ourvidz_admin.admin.transfer import TransferAdminMixin
from prompts.models import BlockedTerm
from prompts.resources import BlockedTermResource


@admin.register(BlockedTerm)
class BlockedTermAdmin(TransferAdminMixin, PortalAdmin):
    resource_classes = (BlockedTermResource,)
    list_display = ("term", "content_mode", "is_active", "note", "created_at")
    list_editable = ("content_mode", "is_active", "note")
    list_filter = ("content_mode", "is_active")
    search_fields = ("term", "note")
    list_per_page = 100
