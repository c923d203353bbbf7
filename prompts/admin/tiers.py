"""Users get their tier on their own admin page (an inline on Django's user admin) and in the users list."""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin

from ourvidz_admin.admin.base import PortalAdmin
from prompts.models import UserTierAssignment

User = get_user_model()


class UserTierInline(admin.StackedInline):
    model = UserTierAssignment
    can_delete = True
    extra = 1
    max_num = 1
    verbose_name_plural = "Tier (empty: the DEFAULT_USER_TIER setting)"


@admin.register(UserTierAssignment)
class UserTierAssignmentAdmin(PortalAdmin):
    list_display = ("user", "tier", "updated_at")
    list_editable = ("tier",)
    list_filter = ("tier",)
    search_fields = ("user__username",)
    autocomplete_fields = ("user",)


class TieredUserAdmin(UserAdmin):
    inlines = (*UserAdmin.inlines, UserTierInline)
    list_display = (*UserAdmin.list_display, "tier")
    list_select_related = ("tier_assignment",)

    @admin.display(description="tier", ordering="tier_assignment__tier")
    def tier(self, user):
        assignment = getattr(user, "tier_assignment", None)
        return assignment.get_tier_display() if assignment else "—"


if admin.site.is_registered(User):
    admin.site.unregister(User)
admin.site.register(User, TieredUserAdmin)
