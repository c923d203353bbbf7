"""FilterSets of the configuration tables, shared by the API and admin."""

import django_filters

from configs.choices import BackendFamily, CostUnit
from configs.models import CostRate
from ourvidz_admin.filters import StrictBooleanFilter
from prompts.choices import ModelFamily, UserTier
from prompts.models import ModelParameters


class ModelParametersFilterSet(django_filters.FilterSet):
    model_family = django_filters.ChoiceFilter(choices=ModelFamily.choices)
    user_tier = django_filters.ChoiceFilter(choices=[(v, v or "any") for v in UserTier.values],
                                            help_text="Empty for the rows that apply to every tier.")
    character_id = django_filters.UUIDFilter(field_name="character_id")
    is_active = StrictBooleanFilter()

    class Meta:
        model = ModelParameters
        fields = []


class CostRateFilterSet(django_filters.FilterSet):
    backend = django_filters.ChoiceFilter(choices=BackendFamily.choices)
    unit = django_filters.ChoiceFilter(choices=CostUnit.choices)

    class Meta:
        model = CostRate
        fields = []
