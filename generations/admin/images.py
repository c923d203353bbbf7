"""Admin for job inputs, outputs and per-output ratings."""

from django.contrib import admin
from django.utils.html import format_html

from generations.admin.display import stars
from generations.models import GenerationImageInput, GenerationImageOutput, GenerationImageRating
from ourvidz_admin.admin.base import PortalAdmin
from ourvidz_admin.admin.mixins import LargeTableAdminMixin


class RatingInline(admin.TabularInline):
    model = GenerationImageRating
    fields = ("criteria", "rating", "notes", "rated_by", "rated_at")
    raw_id_fields = ("rated_by",)
    extra = 1


@admin.register(GenerationImageOutput)
class GenerationImageOutputAdmin(LargeTableAdminMixin, PortalAdmin):
    list_display = ("preview", "job", "order_index", "mime_type", "width", "height", "file_size_bytes", "created_at")
    list_select_related = ("job",)
    list_filter = ("mime_type",)
    raw_id_fields = ("job",)
    ordering = ("-created_at", "-id")
    inlines = (RatingInline,)

    @admin.display(description="preview")
    def preview(self, obj):
        if obj.thumbnail_location:
            return format_html('<img src="{}" height="48" alt="">', obj.thumbnail_location)
        return obj.mime_type or "—"


@admin.register(GenerationImageInput)
class GenerationImageInputAdmin(LargeTableAdminMixin, PortalAdmin):
    list_display = ("id", "job", "order_index", "mime_type", "width", "height", "created_at")
    list_select_related = ("job",)
    raw_id_fields = ("job",)
    ordering = ("-created_at", "-id")


@admin.register(GenerationImageRating)
class GenerationImageRatingAdmin(LargeTableAdminMixin, PortalAdmin):
    list_display = ("output", "criteria", "stars", "rated_by", "rated_at")
    list_select_related = ("output", "rated_by")
    list_filter = ("criteria", "rating")
    raw_id_fields = ("output", "rated_by")
    ordering = ("-rated_at", "-id")

    @admin.display(description="rating", ordering="rating")
    def stars(self, obj):
        return stars(obj.rating)
