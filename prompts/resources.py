"""django-import-export resources of the prompts app (documents 001, 002, 004).

Every resource keys rows by ``id`` so that export then import reproduces the
rows exactly; relations travel as natural keys (prompt and agent by name, tags
by name, users by username) except lineage, which is the parent's id.
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from import_export import fields

from ourvidz_admin.import_widgets import TagsField, UUIDWidget, id_field, json_field, lookup_field, time_field
from ourvidz_admin.resources import StrictModelResource, TolerantCachedInstanceLoader
from prompts.models import Agent, AgentPrompt, BlockedTerm, Character, Prompt, PromptRule, PromptTemplate, PromptVersion

User = get_user_model()


class PromptResource(StrictModelResource):
    """The prompt library (document 002 ``prompts``)."""

    id = id_field()
    compliance_tags = json_field("compliance_tags")
    metadata = json_field("metadata")
    created_by = lookup_field("created_by", User, "username")
    created_at = time_field("created_at", keep_default=True)
    updated_at = time_field("updated_at", keep_default=True)
    unique_columns = ("id", "name")

    class Meta:
        model = Prompt
        fields = ("id", "name", "display_name", "description", "domain", "complexity_level", "status",
                  "system_prompt", "user_prompt_template", "prompt_starter", "compliance_tags", "metadata",
                  "created_by", "created_at", "updated_at")
        import_id_fields = ("id",)
        use_transactions = True
        clean_model_instances = True


class PromptVersionResource(StrictModelResource):
    """Prompt versions with tags, lineage and soft-delete state (document 001).

    ``parent_version`` is an id that must exist in the database or in the same
    file (rows may come in any order: the foreign key is checked at commit).
    """

    id = id_field()
    prompt = lookup_field("prompt", Prompt, "name")
    parameters = json_field("parameters", keep_default=False)
    parent_version = fields.Field(attribute="parent_version_id", column_name="parent_version", widget=UUIDWidget())
    created_by = lookup_field("created_by", User, "username")
    created_at = time_field("created_at", keep_default=True)
    deleted_at = time_field("deleted_at")
    tags = TagsField()
    required_columns = ("id", "system_prompt", "user_prompt")

    class Meta:
        model = PromptVersion
        fields = ("id", "prompt", "name", "description", "system_prompt", "user_prompt", "model_name",
                  "parameters", "parent_version", "tags", "created_by", "created_at", "deleted_at")
        import_id_fields = ("id",)
        use_transactions = True
        clean_model_instances = True

    export_select = ("prompt", "created_by")
    export_prefetch = ("tags",)

    def before_import(self, dataset, **kwargs):
        super().before_import(dataset, **kwargs)
        self.check_parents(dataset)

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        # The parent may be a later row of the file: check_parents vouched for it, the FK is checked at commit.
        errors = dict(import_validation_errors or {})
        errors.setdefault("parent_version", [])
        try:
            super().validate_instance(instance, errors, validate_unique)
        except ValidationError as exc:
            remaining = {k: v for k, v in exc.error_dict.items() if not (k == "parent_version" and not v)}
            if remaining:
                raise ValidationError(remaining) from None

    def check_parents(self, dataset) -> None:
        """Every parent must be a row of this file or already in the database."""
        if "parent_version" not in (dataset.headers or []):
            return
        widget, headers = self.fields["id"].widget, dataset.headers
        columns = [(headers.index(name), target) for name, target in (("id", None), ("parent_version", {}))
                   if name in headers]
        in_file, wanted = set(), columns[-1][1]
        for number, row in enumerate(dataset, start=1):
            for index, target in columns:
                try:
                    value = widget.clean(row[index])
                except ValueError:
                    continue
                if value is not None and target is None:
                    in_file.add(value)
                elif value is not None:
                    target[number] = value
        missing = set(wanted.values()) - in_file
        found = set()
        ids = sorted(missing)
        for start in range(0, len(ids), 5000):
            found.update(PromptVersion.objects.filter(pk__in=ids[start:start + 5000]).values_list("pk", flat=True))
        for number, parent in wanted.items():
            if parent in missing and parent not in found:
                self._row_problems[number]["parent_version"].append(f"no prompt version with id {parent}.")


def _own_parent(pk, parent_pk) -> bool:
    return parent_pk is not None and parent_pk == pk


class FastPromptVersionResource(PromptVersionResource):
    """The same columns in bulk mode for big files: batched inserts, no diff, cheap row validation.

    Row validation runs the field validators and the table's CHECK constraints
    in Python; foreign keys were resolved by the lookups already, so the
    per-row queries of ``full_clean`` are skipped.
    On PostgreSQL the rows are checked without an instance (``fast_rows``):
    ``validate_instance`` and ``fast_row_ok`` must check the same things.
    """

    fast_rows = True
    unchecked_fields = ("prompt", "parent_version", "created_by")

    class Meta(PromptVersionResource.Meta):
        use_bulk = True
        batch_size = 2000
        skip_diff = True
        instance_loader_class = TolerantCachedInstanceLoader

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        errors = dict(import_validation_errors or {})
        try:
            instance.clean_fields(exclude=[*errors, *self.unchecked_fields])
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        if _own_parent(instance.pk, instance.parent_version_id):
            errors.setdefault("parent_version", []).append(ValidationError("A version cannot be its own parent."))
        if errors:
            raise ValidationError(errors)

    def fast_row_ok(self, values: dict) -> bool:
        return not _own_parent(values["id"], values["parent_version_id"])


class PromptTemplateResource(StrictModelResource):
    """Templates of dynamic prompting (document 004 ``prompt_templates``)."""

    id = id_field()
    created_by = lookup_field("created_by", User, "username")
    created_at = time_field("created_at", keep_default=True)
    updated_at = time_field("updated_at", keep_default=True)
    required_columns = ("id", "name", "model_family", "use_case", "template_type", "content")

    class Meta:
        model = PromptTemplate
        fields = ("id", "name", "model_family", "use_case", "template_type", "content_mode", "content", "version",
                  "is_active", "description", "created_by", "created_at", "updated_at")
        import_id_fields = ("id",)
        use_transactions = True
        clean_model_instances = True


class PromptRuleResource(StrictModelResource):
    """Injectable rules, tags by name (document 004 ``prompt_rules``)."""

    id = id_field()
    tags = TagsField()
    created_at = time_field("created_at", keep_default=True)
    updated_at = time_field("updated_at", keep_default=True)
    required_columns = ("id", "name", "rule_type", "content")

    class Meta:
        model = PromptRule
        fields = ("id", "name", "rule_type", "content", "model_family", "content_mode", "tags", "priority",
                  "weight_group", "is_active", "description", "created_at", "updated_at")
        import_id_fields = ("id",)
        use_transactions = True
        clean_model_instances = True

    export_prefetch = ("tags",)


class CharacterResource(StrictModelResource):
    """Personas with tags by name and LoRA references as JSON (document 004 ``characters``)."""

    id = id_field()
    tags = TagsField()
    defaults = json_field("defaults")
    loras = json_field("loras")
    created_by = lookup_field("created_by", User, "username")
    created_at = time_field("created_at", keep_default=True)
    updated_at = time_field("updated_at", keep_default=True)
    required_columns = ("id", "name", "slug")
    unique_columns = ("id", "slug")

    class Meta:
        model = Character
        fields = ("id", "name", "slug", "description", "base_prompt", "negative_prompt", "tags", "content_mode",
                  "defaults", "loras", "is_active", "created_by", "created_at", "updated_at")
        import_id_fields = ("id",)
        use_transactions = True
        clean_model_instances = True

    export_select = ("created_by",)
    export_prefetch = ("tags",)


class AgentResource(StrictModelResource):
    """Agents of the prompt library (document 002 ``agents``)."""

    id = id_field()
    created_at = time_field("created_at", keep_default=True)
    required_columns = ("id", "name")
    unique_columns = ("id", "name")

    class Meta:
        model = Agent
        fields = ("id", "name", "display_name", "description", "category", "is_active", "created_at")
        import_id_fields = ("id",)
        use_transactions = True
        clean_model_instances = True


class AgentPromptResource(StrictModelResource):
    """Which agent uses which prompt, both by name (document 002 ``agent_prompts``)."""

    id = id_field()
    agent = lookup_field("agent", Agent, "name")
    prompt = lookup_field("prompt", Prompt, "name")
    created_at = time_field("created_at", keep_default=True)
    required_columns = ("id", "agent", "prompt")

    class Meta:
        model = AgentPrompt
        fields = ("id", "agent", "prompt", "is_primary", "created_at")
        import_id_fields = ("id",)
        use_transactions = True
        clean_model_instances = True

    export_select = ("agent", "prompt")


class BlockedTermResource(StrictModelResource):
    """The content policy's blocked terms (``blocked_terms``)."""

    id = id_field()
    created_at = time_field("created_at", keep_default=True)
    required_columns = ("id", "term", "content_mode")

    class Meta:
        model = BlockedTerm
        fields = ("id", "term", "content_mode", "is_active", "note", "created_at")
        import_id_fields = ("id",)
        use_transactions = True
        clean_model_instances = True
