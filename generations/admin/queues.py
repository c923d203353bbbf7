"""Rating queues in the admin: make one over a test series (raters, overlap), follow each rater's progress,
rate yours. A/B tests make theirs from the test's page (analytics sits above the job domain)."""

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from generations.models import RatingQueue
from generations.rating_queues import rating_queue_check, rating_queue_create, rating_queue_progress
from ourvidz_admin import formatting
from ourvidz_admin.admin.base import PortalAdmin


class RatingQueueForm(forms.ModelForm):
    raters = forms.ModelMultipleChoiceField(queryset=get_user_model().objects.filter(is_staff=True, is_active=True)
                                            .order_by("username"), help_text="Who rates; items are shared out evenly.")

    class Meta:
        model = RatingQueue
        fields = ("name", "test_series", "overlap")

    def clean(self):
        data = super().clean()
        if not self.errors:
            try:
                rating_queue_check(name=data.get("name", ""), raters=list(data.get("raters") or []),
                                   test_series=data.get("test_series") or "", overlap=data.get("overlap", 0))
            except ValidationError as exc:
                for field, problems in exc.message_dict.items():
                    self.add_error(field if field in self.fields else None, problems)
        return data

    def _post_clean(self):  # the service validates and saves; the model's own checks run there
        pass


@admin.register(RatingQueue)
class RatingQueueAdmin(PortalAdmin):
    form = RatingQueueForm
    list_display = ("name", "source", "overlap", "progress", "rate_link", "created_at")
    column_formats = {"overlap": "fraction"}
    readonly_fields = ("source", "progress_table")
    search_fields = ("name", "test_series")

    def has_add_permission(self, request):
        return request.user.has_perm("generations.rate_job") and super().has_add_permission(request)

    def has_change_permission(self, request, obj=None):
        return False  # assignments are made once; make a new queue to share out again

    def get_fields(self, request, obj=None):
        return ("name", "test_series", "overlap", "raters") if obj is None else (
            "name", "source", "overlap", "progress_table")

    def save_model(self, request, obj, form, change):
        if change:
            raise PermissionDenied
        data = form.cleaned_data
        created = rating_queue_create(name=data["name"], raters=list(data["raters"]),
                                      test_series=data.get("test_series") or "", overlap=data["overlap"],
                                      created_by=request.user)
        obj.pk, obj.name, obj._state.adding = created.pk, created.name, False
        self.message_user(request, f"Shared out {created.assignments.count():,} assignments.", messages.SUCCESS)

    @admin.display(description="progress (rated / assigned)")
    def progress(self, obj):
        rows = rating_queue_progress(queue=obj)
        return ", ".join(f"{row['rater']} {formatting.count(row['rated'])}/{formatting.count(row['assigned'])}"
                         for row in rows) or "—"

    @admin.display(description="per rater")
    def progress_table(self, obj):
        rows = [(row["rater"], formatting.count(row["assigned"]), formatting.count(row["rated"]),
                 formatting.count(row["left"])) for row in rating_queue_progress(queue=obj)]
        return format_html("<table><tr><th>rater</th><th>assigned</th><th>rated</th><th>left</th></tr>{}</table>",
                           format_html_join("", "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>", rows))

    @admin.display(description="")
    def rate_link(self, obj):
        return format_html('<a href="{}?queue={}">Rate my items →</a>', reverse("admin:generations_job_rate"), obj.pk)
