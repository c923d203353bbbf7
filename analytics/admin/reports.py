"""The Reports admin page: choose a period and an audience, then "Download PDF".

``reports/`` (``admin:analytics_reports``) on the ``model_performance_logs`` admin. The form takes a
preset (yesterday, last week, last month) or two dates; a valid request with ``download`` answers the PDF
as an attachment, an invalid one shows the page again with the message naming the field. The report
reads the rollups, A/B tests and alerts, so the page needs the view permission of each.
"""

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.urls import path

from analytics.admin.forecasts import REPORT_PERMISSIONS, page_links
from analytics.reports.delivery import PDF, report_build, report_filename
from analytics.reports.periods import AUDIENCES, DEFAULT_AUDIENCE, PRESETS, audience_check, preset_range, report_range

PRESET_LABELS = {"day": "Yesterday", "week": "Last complete week (Mon-Sun)", "month": "Last complete month"}


class ReportForm(forms.Form):
    period = forms.ChoiceField(choices=[*((name, PRESET_LABELS[name]) for name in PRESETS), ("", "Dates below")],
                               required=False, initial="week")
    since = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    audience = forms.ChoiceField(choices=list(AUDIENCES.items()), initial=DEFAULT_AUDIENCE)

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        try:
            dated = data.get("since") or data.get("until")
            data["days"] = report_range(period=None if dated else data.get("period") or None,
                                        since=data.get("since"), until=data.get("until"))
            audience_check(data["audience"])
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                for message in messages:
                    self.add_error(field, message)
        return data


class ReportPagesMixin:
    """Adds ``reports/`` (``admin:analytics_reports``) to a ModelAdmin's URLs."""

    def get_urls(self):
        view = self.admin_site.admin_view
        return [path("reports/", view(self.reports_view), name="analytics_reports"), *super().get_urls()]

    def reports_view(self, request):
        if not request.user.has_perms(REPORT_PERMISSIONS):
            raise PermissionDenied
        form = ReportForm(request.GET or None, initial={"period": "week", "audience": DEFAULT_AUDIENCE})
        if form.is_bound and form.is_valid() and "download" in request.GET:
            report, pdf = report_build(days=form.cleaned_data["days"], audience=form.cleaned_data["audience"])
            response = HttpResponse(pdf, content_type=PDF)
            response["Content-Disposition"] = f'attachment; filename="{report_filename(report)}"'
            return response
        context = {
            **self.admin_site.each_context(request), "title": "Reports", "opts": self.model._meta,
            "dashboards": page_links(request, "analytics_reports"), "form": form,
            "presets": [(PRESET_LABELS[name], preset_range(name)) for name in PRESETS],
        }
        return TemplateResponse(request, "admin/analytics/reports.html", context,
                                status=400 if form.is_bound and form.errors else 200)
