"""FilterSets of prompt versions and the dynamic-prompting tables, shared by the API and admin."""

import django_filters
from django.db.models import Q

from ourvidz_admin.filters import StrictBooleanFilter
from prompts.choices import ContentMode, LabelJustification, LabelKind, ModelFamily, RuleType, TemplateType, UseCase
from prompts.models import Character, PromptLabel, PromptLabelMove, PromptRule, PromptTemplate, PromptVersion


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


class PromptLabelFilterSet(django_filters.FilterSet):
    target_type = django_filters.ChoiceFilter(field_name="kind", choices=LabelKind.choices)
    family = django_filters.CharFilter(help_text="A library prompt's id, or a template slot "
                                                 "(model:use case:type:content mode).")
    name = django_filters.CharFilter(help_text="A label name: production, staging, or a free one.")
    target_id = django_filters.UUIDFilter(method="_target", help_text="The version or template labelled.")

    class Meta:
        model = PromptLabel
        fields = []

    def _target(self, queryset, name, value):
        return queryset.filter(Q(prompt_version_id=value) | Q(template_id=value))


class PromptLabelMoveFilterSet(django_filters.FilterSet):
    target_type = django_filters.ChoiceFilter(field_name="label__kind", choices=LabelKind.choices)
    family = django_filters.CharFilter(field_name="label__family", help_text="The label's family.")
    name = django_filters.CharFilter(field_name="label__name", help_text="The label's name.")
    label_id = django_filters.UUIDFilter(field_name="label_id")
    target_id = django_filters.UUIDFilter(method="_target", help_text="Moves to or from this version or template.")
    justification_kind = django_filters.ChoiceFilter(choices=LabelJustification.choices)
    justification_id = django_filters.CharFilter()

    class Meta:
        model = PromptLabelMove
        fields = []

    def _target(self, queryset, name, value):
        return queryset.filter(Q(from_version_id=value) | Q(to_version_id=value) | Q(from_template_id=value)
                               | Q(to_template_id=value))
