"""FilterSet of A/B tests, shared by the list selector and the API."""

import django_filters

from analytics.choices import ABTestStatus
from analytics.models import PromptABTest
from ourvidz_admin.choices import ModelType


class ABTestFilterSet(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=ABTestStatus.choices, help_text="draft, running, complete, cancelled")
    model_type = django_filters.ChoiceFilter(choices=ModelType.choices, help_text="SDXL or WAN")
    test_series = django_filters.CharFilter(help_text="Exact test series.")

    class Meta:
        model = PromptABTest
        fields = ("status", "model_type", "test_series")
