"""Admin for the cost rates: a dense history per backend; a rate in force is read-only, a new rate a new row."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef
from django.http import HttpResponseRedirect
from django.utils import timezone

from configs.admin.model_config import ServiceRejected, ServiceRejectedMixin
from configs.admin.model_config_pages import error_text
from configs.models import CostRate
from configs.services import cost_rate_check_start, cost_rate_delete, cost_rate_save
from ourvidz_admin import formatting
from ourvidz_admin.admin.base import PortalAdmin


class CostRateForm(forms.ModelForm):
    class Meta:
        model = CostRate
        fields = ("backend", "unit", "rate", "effective_from", "note")

    def clean_effective_from(self):
        value = self.cleaned_data["effective_from"]
        try:
            cost_rate_check_start(value)
        except ValidationError as error:
            raise ValidationError(error.message_dict["effective_from"]) from error
        return value


@admin.register(CostRate)
class CostRateAdmin(ServiceRejectedMixin, PortalAdmin):
    """Rates by backend, newest first. Only a rate that has not started yet can be changed or deleted."""

    form = CostRateForm
    list_display = ("backend", "status", "rate_usd", "unit", "effective_from", "note", "created_by", "created_at")
    list_select_related = ("created_by",)
    list_filter = ("backend", "unit")
    search_fields = ("note",)
    ordering = ("backend", "-effective_from", "-id")
    readonly_fields = ("created_by", "created_at")

    def get_queryset(self, request):
        later_started = CostRate.objects.filter(backend=OuterRef("backend"), effective_from__lte=timezone.now(),
                                                effective_from__gt=OuterRef("effective_from"))
        return super().get_queryset(request).annotate(superseded=Exists(later_started))

    @admin.display(description="status")
    def status(self, obj):
        if not obj.in_force_since():
            return "scheduled"
        return "superseded" if getattr(obj, "superseded", False) else "in force"

    @admin.display(description="rate (USD)", ordering="rate")
    def rate_usd(self, obj):
        return formatting.number(obj.rate, 6)

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # a bulk delete would skip the in-force check; delete one by one
        return actions

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.in_force_since():
            return False  # history: its change page is read-only
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.in_force_since():
            return False
        return super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        try:
            cost_rate_save(cost_rate=obj, created_by=None if change else request.user)
        except ValidationError as error:
            raise ServiceRejected(error) from error

    def delete_model(self, request, obj):
        try:
            cost_rate_delete(cost_rate=obj)
        except ValidationError as error:
            raise ServiceRejected(error) from error

    def delete_view(self, request, object_id, extra_context=None):
        try:
            return super().delete_view(request, object_id, extra_context)
        except ServiceRejected as rejected:
            self.message_user(request, f"Not deleted: {error_text(rejected.error)}", messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())
