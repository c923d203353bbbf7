"""FilterSets of prompt versions and the dynamic-prompting tables, shared by the API and admin."""

import django_filters

from ourvidz_admin.filters import StrictBooleanFilter
from prompts.choices import ContentMode, ModelFamily, RuleType, TemplateType, UseCase
from prompts.models import Character, PromptRule, PromptTemplate, PromptVersion


class PromptVersionFilterSet(django_filters.FilterSet):
    """Live versions only, unless ``include_deleted=true`` (document 001: ``deleted_at IS NULL``)."""

    include_deleted = StrictBooleanFilter(method="_include_deleted",
                                                   help_text="true: list soft-deleted versions too.")
    tag = django_filters.CharFilter(field_name="tags__name", help_text="A tag name.")
    model_name = django_filters.CharFilter()
    parent_version_id = django_filters.UUIDFilter(field_name="parent_version_id")

    class Meta:
        model = PromptVersion
        fields = []

    def _include_deleted(self, queryset, name, value):
        return queryset

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        return queryset if self.form.cleaned_data.get("include_deleted") else queryset.active()


class PromptTemplateFilterSet(django_filters.FilterSet):
    model_family = django_filters.ChoiceFilter(choices=ModelFamily.choices)
    use_case = django_filters.ChoiceFilter(choices=UseCase.choices)
    template_type = django_filters.ChoiceFilter(choices=TemplateType.choices)
    content_mode = django_filters.ChoiceFilter(choices=ContentMode.choices)
    is_active = StrictBooleanFilter()

    class Meta:
        model = PromptTemplate
        fields = []


class PromptRuleFilterSet(django_filters.FilterSet):
    rule_type = django_filters.ChoiceFilter(choices=RuleType.choices)
    model_family = django_filters.ChoiceFilter(choices=ModelFamily.choices)
    content_mode = django_filters.ChoiceFilter(choices=ContentMode.choices)
    is_active = StrictBooleanFilter()
    tag = django_filters.CharFilter(field_name="tags__name", help_text="A tag name.")

    class Meta:
        model = PromptRule
        fields = []


class CharacterFilterSet(django_filters.FilterSet):
    content_mode = django_filters.ChoiceFilter(choices=ContentMode.choices)
    is_active = StrictBooleanFilter()
    tag = django_filters.CharFilter(field_name="tags__name", help_text="A tag name.")

    class Meta:
        model = Character
        fields = []
