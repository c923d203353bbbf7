"""Serializer bases: reject unknown fields; model writes validated by ``full_clean`` inside a transaction."""

from django.db import transaction
from rest_framework import serializers

from ourvidz_admin.api.exceptions import validation_detail


class StrictSerializer(serializers.Serializer):
    """A serializer that answers unknown keys with ``{"key": ["Unknown field."]}`` instead of ignoring them."""

    def to_internal_value(self, data):
        if hasattr(data, "keys"):
            writable = {name for name, field in self.fields.items() if not field.read_only}
            unknown = sorted(set(data.keys()) - writable)
            if unknown:
                raise serializers.ValidationError({key: ["Unknown field."] for key in unknown})
        return super().to_internal_value(data)


class StrictModelSerializer(StrictSerializer, serializers.ModelSerializer):
    """A ModelSerializer that saves through ``full_clean()`` in one transaction (model constraints included).

    The dynamic-prompting tables have no service module of their own; this
    keeps their writes validated and atomic, with many-to-many set in the same
    transaction.
    """

    def create(self, validated_data):
        return self._write(self.Meta.model(), validated_data)

    def update(self, instance, validated_data):
        return self._write(instance, validated_data)

    @transaction.atomic
    def _write(self, instance, validated_data):
        from django.core.exceptions import ValidationError as DjangoValidationError

        many = {}
        for name in list(validated_data):
            field = instance._meta.get_field(name) if name in self._model_field_names() else None
            if field is not None and field.many_to_many:
                many[name] = validated_data.pop(name)
        for name, value in validated_data.items():
            setattr(instance, name, value)
        try:
            instance.full_clean()
        except DjangoValidationError as exc:
            raise serializers.ValidationError(validation_detail(exc)) from exc
        instance.save()
        for name, value in many.items():
            getattr(instance, name).set(value.rows() if isinstance(value, LazyRows) else value)
        return instance

    def _model_field_names(self) -> set[str]:
        return {f.name for f in self.Meta.model._meta.get_fields()}


class EmptySerializer(StrictSerializer):
    """No body: any key is an unknown field."""


class LazyRows(list):
    """Names that become rows of ``model`` (``get_or_create`` by name) only when saved, in the write's transaction."""

    def __init__(self, model, names):
        super().__init__(names)
        self.model = model

    def rows(self):
        return [self.model.objects.get_or_create(name=name)[0] for name in self]
