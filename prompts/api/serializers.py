"""Serializers of prompt versions, templates, rules, characters and resolved prompts."""

from rest_framework import serializers

from ourvidz_admin.api.serializers import LazyRows, StrictModelSerializer, StrictSerializer
from prompts.choices import PRODUCTION, ModelFamily, TemplateType, UseCase
from prompts.models import Character, PromptRule, PromptTag, PromptTemplate, PromptVersion
from prompts.models.labels import LABEL_NAME_MAX, label_name
from prompts.models.versions import tag_name  # the model's own rule: no comma in a name


class TagNamesField(serializers.ListField):
    """Tags as a list of names; unknown names are created (``PromptTag`` rows) when saved."""

    def __init__(self, **kwargs):
        kwargs.setdefault("child", serializers.CharField(max_length=50, validators=[tag_name]))
        kwargs.setdefault("max_length", 50)
        super().__init__(**kwargs)

    def to_representation(self, value):
        return sorted(tag.name for tag in value.all())

    def to_internal_value(self, data):
        names = sorted({name.strip() for name in super().to_internal_value(data) if name.strip()})
        return LazyRows(PromptTag, names)


class PromptVersionSerializer(StrictSerializer, serializers.ModelSerializer):
    """A prompt version; ``parent_version_id`` records lineage, ``tags`` are names."""

    parent_version_id = serializers.PrimaryKeyRelatedField(
        source="parent_version", queryset=PromptVersion.objects.all(), required=False, allow_null=True,
    )
    tags = TagNamesField(required=False)
    parameters = serializers.DictField(required=False, allow_null=True)

    class Meta:
        model = PromptVersion
        fields = ("id", "name", "description", "system_prompt", "user_prompt", "model_name", "parameters",
                  "parent_version_id", "tags", "created_by_id", "created_at", "deleted_at")
        read_only_fields = ("id", "created_by_id", "created_at", "deleted_at")


class PromptTemplateSerializer(StrictModelSerializer):
    class Meta:
        model = PromptTemplate
        fields = ("id", "name", "model_family", "use_case", "template_type", "content_mode", "content", "version",
                  "is_active", "description", "created_by_id", "created_at", "updated_at")
        read_only_fields = ("id", "created_by_id", "created_at", "updated_at")
        validators = []  # full_clean checks the unique constraints, conditional ones included


class PromptRuleSerializer(StrictModelSerializer):
    tags = TagNamesField(required=False)

    class Meta:
        model = PromptRule
        fields = ("id", "name", "rule_type", "content", "model_family", "content_mode", "tags", "priority",
                  "weight_group", "is_active", "description", "created_at", "updated_at")
        read_only_fields = ("id", "created_at", "updated_at")


class CharacterSerializer(StrictModelSerializer):
    tags = TagNamesField(required=False)
    defaults = serializers.DictField(required=False)
    loras = serializers.ListField(child=serializers.DictField(), required=False, max_length=50)

    class Meta:
        model = Character
        fields = ("id", "name", "slug", "description", "base_prompt", "negative_prompt", "tags", "content_mode",
                  "defaults", "loras", "is_active", "created_by_id", "created_at", "updated_at")
        read_only_fields = ("id", "created_by_id", "created_at", "updated_at")


class ResolveQuerySerializer(serializers.Serializer):
    """``?model=sdxl&type=system[&use_case=..&content_mode=sfw]``."""

    model = serializers.ChoiceField(choices=ModelFamily.values)
    type = serializers.ChoiceField(choices=TemplateType.values)
    use_case = serializers.ChoiceField(choices=UseCase.values, required=False)
    content_mode = serializers.ChoiceField(choices=[("sfw", "SFW"), ("nsfw", "NSFW")], default="sfw")
    label = serializers.CharField(max_length=LABEL_NAME_MAX, validators=[label_name], default=PRODUCTION,
                                  help_text="The label to resolve (workers use production); a family without it "
                                            "falls back to its active template.")


class ResolvedTemplateSerializer(serializers.Serializer):
    """The template a worker would use, and where the snapshot came from."""

    id = serializers.CharField()
    name = serializers.CharField()
    model_family = serializers.CharField()
    use_case = serializers.CharField()
    template_type = serializers.CharField()
    content_mode = serializers.CharField()
    content = serializers.CharField()
    version = serializers.IntegerField()
    is_active = serializers.BooleanField()
    label = serializers.CharField(allow_null=True, help_text="The label that chose it; null: the active template.")
    source = serializers.CharField()


class CacheRefreshSerializer(serializers.Serializer):
    receivers = serializers.IntegerField(help_text="Workers that were listening for the broadcast.")
