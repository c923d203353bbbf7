"""Serializers of labels, label moves, their requests, and the diff of two versions or templates."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ourvidz_admin.api.serializers import StrictSerializer
from prompts.choices import LabelJustification, LabelKind
from prompts.labels import MAX_JUSTIFICATION_ID, MAX_REASON
from prompts.models.labels import LABEL_NAME_MAX, label_name
from prompts.selectors import family_name


class PromptLabelSerializer(serializers.Serializer):
    """A label: its family, its name and the version or template it points at."""

    id = serializers.UUIDField()
    target_type = serializers.ChoiceField(source="kind", choices=LabelKind.choices,
                                          help_text="version or template.")
    family = serializers.CharField(help_text="A library prompt's id, or a template slot "
                                             "(model:use case:type:content mode).")
    family_name = serializers.SerializerMethodField()
    name = serializers.CharField()
    target_id = serializers.UUIDField(help_text="The version or template the label points at.")
    target_name = serializers.CharField(source="target")
    updated_by_id = serializers.IntegerField(allow_null=True)
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()

    @extend_schema_field(OpenApiTypes.STR)
    def get_family_name(self, label) -> str:
        return family_name(label)


class PromptLabelMoveSerializer(serializers.Serializer):
    """One move of a label: from where to where, who, when, why, and the run or A/B test that justified it."""

    id = serializers.UUIDField()
    label_id = serializers.UUIDField()
    target_type = serializers.ChoiceField(source="label.kind", choices=LabelKind.choices)
    family = serializers.CharField(source="label.family")
    name = serializers.CharField(source="label.name")
    from_id = serializers.SerializerMethodField(help_text="null: the label was first placed and the family had "
                                                          "nothing to fall back to.")
    to_id = serializers.SerializerMethodField()
    from_name = serializers.SerializerMethodField()
    to_name = serializers.SerializerMethodField()
    is_rollback = serializers.BooleanField()
    undoes_id = serializers.UUIDField(allow_null=True, help_text="On a rollback: the move it reverses.")
    reason = serializers.CharField()
    justification_kind = serializers.CharField(help_text="run, ab_test, or empty.")
    justification_id = serializers.CharField()
    moved_by_id = serializers.IntegerField(allow_null=True)
    moved_at = serializers.DateTimeField()

    @extend_schema_field(serializers.UUIDField(allow_null=True))
    def get_from_id(self, move):
        return move.from_version_id or move.from_template_id

    @extend_schema_field(OpenApiTypes.UUID)
    def get_to_id(self, move):
        return move.to_version_id or move.to_template_id

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_from_name(self, move) -> str | None:
        return str(move.source) if move.source is not None else None

    @extend_schema_field(OpenApiTypes.STR)
    def get_to_name(self, move) -> str:
        return str(move.destination)


class _LabelNoteFields(StrictSerializer):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=MAX_REASON, default="")


class LabelMoveRequestSerializer(_LabelNoteFields):
    """``{target_type, target_id, name, reason, justification_kind, justification_id}``."""

    target_type = serializers.ChoiceField(choices=LabelKind.choices)
    target_id = serializers.UUIDField()
    name = serializers.CharField(max_length=LABEL_NAME_MAX, validators=[label_name],
                                 help_text="production, staging, or a free name.")
    justification_kind = serializers.ChoiceField(choices=LabelJustification.choices, required=False,
                                                 allow_blank=True, default="")
    justification_id = serializers.CharField(required=False, allow_blank=True, max_length=MAX_JUSTIFICATION_ID,
                                             default="", help_text="The run's or A/B test's id.")


class LabelRollbackRequestSerializer(_LabelNoteFields):
    """``{target_type, family, name}``: the label to move back to where it was before its last move."""

    target_type = serializers.ChoiceField(choices=LabelKind.choices)
    family = serializers.CharField(max_length=120)
    name = serializers.CharField(max_length=LABEL_NAME_MAX)


class LabelChangeSerializer(serializers.Serializer):
    """The label after the request and the move made (null: it already pointed there)."""

    label = PromptLabelSerializer()
    moved = serializers.BooleanField()
    move = PromptLabelMoveSerializer(allow_null=True)


class TextDiffSerializer(serializers.Serializer):
    field = serializers.CharField()
    changed = serializers.BooleanField()
    unified = serializers.ListField(child=serializers.CharField(allow_blank=True),
                                    help_text="difflib's unified diff, one line per item (empty when unchanged).")


class ValueChangeSerializer(serializers.Serializer):
    before = serializers.JSONField(allow_null=True)
    after = serializers.JSONField(allow_null=True)


class KeyDiffSerializer(serializers.Serializer):
    added = serializers.DictField(child=serializers.JSONField(allow_null=True))
    removed = serializers.DictField(child=serializers.JSONField(allow_null=True))
    changed = serializers.DictField(child=ValueChangeSerializer())
    unchanged = serializers.ListField(child=serializers.CharField())

    def to_representation(self, diff):
        return {"added": diff.added, "removed": diff.removed, "unchanged": list(diff.unchanged),
                "changed": {key: {"before": before, "after": after} for key, (before, after) in diff.changed.items()}}


class PromptDiffSerializer(serializers.Serializer):
    """How ``b`` differs from ``a``: texts as unified diffs, parameters and attributes key by key."""

    target_type = serializers.ChoiceField(source="kind", choices=LabelKind.choices)
    a = serializers.UUIDField(source="a.pk")
    b = serializers.UUIDField(source="b.pk")
    changed = serializers.BooleanField()
    texts = TextDiffSerializer(many=True)
    parameters = KeyDiffSerializer(help_text="Versions: the parameters JSON without negative_prompt; templates: "
                                             "empty.")
    attributes = KeyDiffSerializer()
