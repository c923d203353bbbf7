"""Dynamic prompting (document 004): templates, injectable rules, characters and the prompt log."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from ourvidz_admin.db import UUIDModel, between, one_of
from prompts.choices import ContentMode, ModelFamily, RuleType, TemplateType, UseCase, WeightGroup
from prompts.querysets import ActiveQuerySet


class PromptTemplate(UUIDModel):
    """A system, negative, rewrite or chat prompt for one model and use case (``prompt_templates``).

    At most one version is active per (model, use case, type, content mode);
    workers resolve the active one and jobs record which version they used.
    """

    name = models.CharField(max_length=150)
    model_family = models.CharField(max_length=30, choices=ModelFamily.choices)
    use_case = models.CharField(max_length=30, choices=UseCase.choices)
    template_type = models.CharField(max_length=20, choices=TemplateType.choices)
    content_mode = models.CharField(max_length=10, choices=ContentMode.choices, default=ContentMode.ANY)
    content = models.TextField()
    version = models.PositiveIntegerField(default=1)
    is_active = models.BooleanField(default=False)
    description = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ActiveQuerySet.as_manager()

    class Meta:
        db_table = "prompt_templates"
        ordering = ("model_family", "use_case", "template_type", "-version")
        indexes = [models.Index("is_active", "model_family", "use_case", name="prompt_templates_lookup_idx")]
        constraints = [
            one_of("model_family", ModelFamily, "prompt_templates_model_valid"),
            one_of("use_case", UseCase, "prompt_templates_use_case_valid"),
            one_of("template_type", TemplateType, "prompt_templates_type_valid"),
            one_of("content_mode", ContentMode, "prompt_templates_mode_valid"),
            models.UniqueConstraint(
                "model_family", "use_case", "template_type", "content_mode", "version",
                name="prompt_templates_unique_version",
            ),
            models.UniqueConstraint(
                "model_family", "use_case", "template_type", "content_mode",
                condition=Q(is_active=True), name="prompt_templates_one_active",
                violation_error_message="Another version of this template is already active.",
            ),
        ]

    def __str__(self):
        return f"{self.name} v{self.version}"


class PromptRule(UUIDModel):
    """A modular fragment prepended or appended to prompts whose tags match (``prompt_rules``)."""

    name = models.CharField(max_length=150)
    rule_type = models.CharField(max_length=10, choices=RuleType.choices)
    content = models.TextField()
    model_family = models.CharField(
        max_length=30, choices=ModelFamily.choices, blank=True, help_text="Empty: applies to every model."
    )
    content_mode = models.CharField(max_length=10, choices=ContentMode.choices, default=ContentMode.ANY)
    tags = models.ManyToManyField("prompts.PromptTag", related_name="rules", blank=True)
    priority = models.SmallIntegerField(default=100, help_text="Lower runs first.")
    weight_group = models.CharField(
        max_length=10, choices=WeightGroup.choices, blank=True,
        help_text="With Compel (compel/hybrid strategies) this rule's text gets that configured weight.",
    )
    is_active = models.BooleanField(default=True)
    description = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ActiveQuerySet.as_manager()

    class Meta:
        db_table = "prompt_rules"
        ordering = ("priority", "name")
        indexes = [models.Index("is_active", "priority", name="prompt_rules_active_idx")]
        constraints = [
            one_of("rule_type", RuleType, "prompt_rules_type_valid"),
            one_of("model_family", ModelFamily, "prompt_rules_model_valid", blank=True),
            one_of("content_mode", ContentMode, "prompt_rules_mode_valid"),
            one_of("weight_group", WeightGroup, "prompt_rules_weight_group_valid", blank=True),
        ]

    def __str__(self):
        return f"{self.name} ({self.rule_type})"


def validate_loras(value) -> None:
    """LoRA references are ``[{"name": str, "path": str?, "weight": -2..2}]``."""
    if not isinstance(value, list):
        raise ValidationError("LoRAs must be a list of {name, path, weight} objects.")
    for index, item in enumerate(value, start=1):
        if not isinstance(item, dict) or not str(item.get("name", "")).strip():
            raise ValidationError(f"LoRA #{index} needs a name.")
        weight = item.get("weight", 1.0)
        if not isinstance(weight, (int, float)) or not -2.0 <= weight <= 2.0:
            raise ValidationError(f"LoRA #{index} ({item['name']}): weight must be a number from -2 to 2.")


class Character(UUIDModel):
    """A persona: base prompt, tags, defaults and LoRA references with weights (``characters``)."""

    name = models.CharField(max_length=150)
    slug = models.SlugField(max_length=150, unique=True)
    description = models.TextField(blank=True)
    base_prompt = models.TextField(blank=True)
    negative_prompt = models.TextField(blank=True)
    tags = models.ManyToManyField("prompts.PromptTag", related_name="characters", blank=True)
    content_mode = models.CharField(max_length=10, choices=ContentMode.choices, default=ContentMode.ANY)
    defaults = models.JSONField(
        default=dict, blank=True, help_text="Parameter defaults, e.g. {\"guidance_scale\": 6.5}."
    )
    loras = models.JSONField(default=list, blank=True, validators=[validate_loras])
    is_active = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ActiveQuerySet.as_manager()

    class Meta:
        db_table = "characters"
        ordering = ("name",)
        constraints = [one_of("content_mode", ContentMode, "characters_mode_valid")]

    def __str__(self):
        return self.name


class PromptLog(UUIDModel):
    """What one prompt resolution or enhancement call did, linked to its job (``prompt_logs``)."""

    job = models.ForeignKey(
        "generations.Job", null=True, blank=True, on_delete=models.CASCADE, related_name="prompt_logs"
    )
    model_family = models.CharField(max_length=30, choices=ModelFamily.choices)
    use_case = models.CharField(max_length=30, choices=UseCase.choices)
    template = models.ForeignKey(
        PromptTemplate, null=True, blank=True, on_delete=models.SET_NULL, related_name="logs"
    )
    template_version = models.PositiveIntegerField(null=True, blank=True)
    rule_ids = models.JSONField(default=list, blank=True)
    character = models.ForeignKey(Character, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    input_prompt = models.TextField()
    output_prompt = models.TextField(blank=True)
    negative_prompt = models.TextField(blank=True)
    response_time_ms = models.PositiveIntegerField(null=True, blank=True)
    tokens_in = models.PositiveIntegerField(null=True, blank=True)
    tokens_out = models.PositiveIntegerField(null=True, blank=True)
    success = models.BooleanField(default=True)
    flags = models.JSONField(default=dict, blank=True)
    error_message = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "prompt_logs"
        ordering = ("-created_at",)
        indexes = [models.Index(F("created_at").desc(), "id", name="prompt_logs_created_idx")]
        constraints = [
            one_of("model_family", ModelFamily, "prompt_logs_model_valid"),
            between("response_time_ms", 0, 86_400_000, "prompt_logs_response_time_range"),
        ]

    def __str__(self):
        return f"{self.model_family}/{self.use_case} {self.created_at:%Y-%m-%d %H:%M}"
