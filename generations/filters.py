"""FilterSets over jobs (the generator admin's "generations"), shared by the API, selectors and admin.

Query parameters follow the image generator admin's API: ``prompt_version_id``, ``rating``
(``EXCELLENT`` or ``1``-``5``), ``unrated=true``, ``from``/``to`` (dates or
datetimes, as ranges on ``created_at`` so the indexes apply), ``sort`` and
``order``; plus the job-management filters (model, status, strategy,
failure reason, user, test series).
"""

import django_filters

from generations.models import Job
from ourvidz_admin.choices import EnhancementStrategy, FailureReason, JobStatus, ModelType
from ourvidz_admin.filters import IdFilter, MomentFilter, RatingFilter, StrictBooleanFilter, UpperChoiceFilter

SORT_FIELDS = {"created_at": "created_at", "rating": "quality_rating", "status": "status", "model": "model_type"}


class JobFilterSet(django_filters.FilterSet):
    """Filters and sort order of the job and generation lists."""

    prompt_version_id = django_filters.UUIDFilter(field_name="prompt_version_id")
    rating = RatingFilter(field_name="quality_rating",
                          help_text="Stars 1-5 or FAILED, POOR, ACCEPTABLE, GOOD, EXCELLENT.")
    unrated = StrictBooleanFilter(field_name="quality_rating", lookup_expr="isnull",
                                           help_text="true: only jobs nobody rated yet.")
    model = UpperChoiceFilter(field_name="model_type", choices=ModelType.choices,
                              help_text="SDXL or WAN (any case).")
    status = django_filters.ChoiceFilter(choices=JobStatus.choices)
    strategy = django_filters.ChoiceFilter(field_name="enhancement_strategy", choices=EnhancementStrategy.choices)
    failure_reason = django_filters.ChoiceFilter(choices=FailureReason.choices)
    user = IdFilter(field_name="user_id", help_text="The submitting user's id.")
    test_series = django_filters.CharFilter()
    sort = django_filters.ChoiceFilter(choices=[(k, k) for k in SORT_FIELDS], method="_no_filter",
                                       help_text="Sort column; ties break on id.")
    order = django_filters.ChoiceFilter(choices=[("asc", "asc"), ("desc", "desc")], method="_no_filter",
                                        help_text="Sort direction (default desc).")

    class Meta:
        model = Job
        fields = []

    def _no_filter(self, queryset, name, value):
        return queryset

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        data = self.form.cleaned_data
        if not (data.get("sort") or data.get("order")):
            return queryset
        field = SORT_FIELDS[data.get("sort") or "created_at"]
        sign = "" if data.get("order") == "asc" else "-"
        keys = dict.fromkeys((field, "created_at", "id"))
        return queryset.order_by(*(f"{sign}{key}" for key in keys))


# ``from`` is a Python keyword, so the date-range filters are declared after the class.
for _name, _upper in (("from", False), ("to", True)):
    _filter = MomentFilter(upper=_upper, help_text=f"Created {'on or before' if _upper else 'on or after'} "
                                                    "this date or datetime.")
    JobFilterSet.base_filters[_name] = JobFilterSet.declared_filters[_name] = _filter
