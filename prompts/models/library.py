"""The prompt library, agents and their mappings (document 002)."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from ourvidz_admin.db import UUIDModel, one_of
from prompts.choices import ComplexityLevel, PromptStatus


class Prompt(UUIDModel):
    """A named library prompt (document 002 ``prompts``); its versions are ``PromptVersion`` rows."""

    name = models.SlugField(max_length=100, unique=True)
    display_name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    domain = models.CharField(max_length=100, blank=True, db_index=True)
    complexity_level = models.CharField(
        max_length=20, choices=ComplexityLevel.choices, default=ComplexityLevel.INTERMEDIATE
    )
    status = models.CharField(max_length=20, choices=PromptStatus.choices, default=PromptStatus.DRAFT)
    system_prompt = models.TextField(blank=True)
    user_prompt_template = models.TextField(blank=True)
    prompt_starter = models.TextField(blank=True)
    compliance_tags = models.JSONField(default=list, blank=True)
    metadata = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "prompts"
        ordering = ("name",)
        indexes = [models.Index("status", "domain", name="prompts_status_domain_idx")]
        constraints = [
            one_of("status", PromptStatus, "prompts_status_valid"),
            one_of("complexity_level", ComplexityLevel, "prompts_complexity_valid"),
        ]

    def __str__(self):
        return self.display_name or self.name


class Agent(UUIDModel):
    """An assistant that uses library prompts (document 002 ``agents``)."""

    name = models.SlugField(max_length=100, unique=True)
    display_name = models.CharField(max_length=200, blank=True)
    description = models.TextField(blank=True)
    category = models.CharField(max_length=100, blank=True)
    is_active = models.BooleanField(default=True)
    prompts = models.ManyToManyField(Prompt, through="AgentPrompt", related_name="agents", blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "agents"
        ordering = ("name",)

    def __str__(self):
        return self.display_name or self.name


class AgentPrompt(UUIDModel):
    """Which agent uses which prompt (document 002 ``agent_prompts``)."""

    agent = models.ForeignKey(Agent, on_delete=models.CASCADE, db_index=False)
    prompt = models.ForeignKey(Prompt, on_delete=models.CASCADE, related_name="agent_links")
    is_primary = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "agent_prompts"
        ordering = ("agent", "-is_primary")
        constraints = [models.UniqueConstraint("agent", "prompt", name="agent_prompts_unique_pair")]

    def __str__(self):
        return f"{self.agent_id} → {self.prompt_id}"
