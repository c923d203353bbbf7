"""Versioned prompts with lineage, soft delete and tags (document 001)."""

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from ourvidz_admin.db import UUIDModel
from prompts.querysets import PromptVersionQuerySet

hex_color = RegexValidator(r"^#[0-9A-Fa-f]{6}$", "Use a hex colour like #3a7bd5.")
# Tag lists travel as comma-separated cells (import/export, filters): a comma inside a name could not round-trip.
tag_name = RegexValidator(r"^[^,]+$", "A tag name cannot contain a comma: tag lists are comma-separated.")


class PromptTag(UUIDModel):
    """A label for organising prompt versions, rules and characters (document 001 ``prompt_tag``)."""

    name = models.CharField(max_length=50, unique=True, validators=[tag_name])
    color = models.CharField(max_length=7, blank=True, validators=[hex_color])

    class Meta:
        db_table = "prompt_tag"
        ordering = ("name",)
        constraints = [
            models.CheckConstraint(condition=~Q(name__contains=","), name="prompt_tag_name_without_comma",
                                   violation_error_message=tag_name.message),
        ]

    def __str__(self):
        return self.name


class PromptVersion(UUIDModel):
    """One immutable-by-convention version of a system + user prompt (document 001 ``prompt_version``).

    Versions are soft-deleted (``deleted_at``) so that generations that used
    them keep their history; ``parent_version`` records how a prompt evolved.
    """

    prompt = models.ForeignKey(
        "prompts.Prompt", null=True, blank=True, on_delete=models.SET_NULL, related_name="versions",
        help_text="The prompt-library entry this is a version of, if any.",
    )
    name = models.CharField(max_length=255, blank=True)
    description = models.TextField(blank=True)
    system_prompt = models.TextField()
    user_prompt = models.TextField()
    model_name = models.CharField(max_length=100, blank=True)
    parameters = models.JSONField(null=True, blank=True)
    parent_version = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    tags = models.ManyToManyField(PromptTag, through="PromptVersionTag", related_name="prompt_versions", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    deleted_at = models.DateTimeField(null=True, blank=True)

    objects = PromptVersionQuerySet.as_manager()

    class Meta:
        db_table = "prompt_version"
        ordering = ("-created_at", "-id")
        indexes = [
            models.Index(
                F("created_at").desc(), name="idx_prompt_version_active", condition=Q(deleted_at__isnull=True)
            ),
            models.Index(F("created_at").desc(), "id", name="prompt_version_created_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(user_prompt=""), name="prompt_version_user_prompt_not_empty",
                violation_error_message="The user prompt cannot be empty.",
            ),
            models.CheckConstraint(
                condition=~Q(parent_version=F("id")), name="prompt_version_not_own_parent",
                violation_error_message="A version cannot be its own parent.",
            ),
        ]

    def __str__(self):
        label = self.name or self.user_prompt[:60]
        return f"{label} (deleted)" if self.deleted_at else label

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    def lineage(self) -> list["PromptVersion"]:
        """This version and its ancestors, newest first (one query per generation of ancestry)."""
        chain, node, seen = [], self, set()
        while node is not None and node.pk not in seen:
            chain.append(node)
            seen.add(node.pk)
            node = node.parent_version
        return chain


class PromptVersionTag(UUIDModel):
    """Join of versions and tags (document 001 ``prompt_version_tag``); the pair is unique."""

    prompt_version = models.ForeignKey(PromptVersion, on_delete=models.CASCADE, db_index=False)
    tag = models.ForeignKey(PromptTag, on_delete=models.CASCADE, related_name="+")

    class Meta:
        db_table = "prompt_version_tag"
        constraints = [
            models.UniqueConstraint("prompt_version", "tag", name="prompt_version_tag_pk"),
        ]

    def __str__(self):
        return f"{self.prompt_version_id} · {self.tag_id}"
