"""Labels on prompt versions and templates (production, staging, free names) and the history of their moves.

Modelled on Langfuse's prompt labels: a label is a named pointer from a family
of versions to one of them; workers resolve ``production``. A label moves as
one action (``prompts.labels.label_move``), and every move is a history row
that a rollback can undo.
"""

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from ourvidz_admin.db import UUIDModel, one_of
from prompts.choices import LabelJustification, LabelKind

LABEL_NAME_MAX = 40
label_name = RegexValidator(
    r"^[a-z0-9][a-z0-9_-]*\Z",
    "A label name is lower-case letters, digits, '-' and '_', starting with a letter or digit "
    "(production, staging, canary-2).",
)

_POINTS_AT_ITS_KIND = (
    Q(kind=LabelKind.VERSION, prompt_version__isnull=False, template__isnull=True)
    | Q(kind=LabelKind.TEMPLATE, template__isnull=False, prompt_version__isnull=True)
)


class PromptLabel(UUIDModel):
    """A named pointer from a family to one of its versions (``prompt_labels``); unique per family and name.

    The family of a prompt version is its library prompt (``family`` holds the
    prompt's id); the family of a template is its slot, ``model:use case:type:content
    mode`` (``prompts.labels.label_family``). Labelled rows are protected from deletion.
    """

    kind = models.CharField(max_length=10, choices=LabelKind.choices)
    family = models.CharField(max_length=120, help_text="Versions: the library prompt's id. Templates: "
                                                        "model:use case:type:content mode.")
    name = models.CharField(max_length=LABEL_NAME_MAX, validators=[label_name])
    prompt_version = models.ForeignKey("prompts.PromptVersion", null=True, blank=True, on_delete=models.PROTECT,
                                       related_name="labels")
    template = models.ForeignKey("prompts.PromptTemplate", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="labels")
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "prompt_labels"
        ordering = ("kind", "family", "name")
        constraints = [
            one_of("kind", LabelKind, "prompt_labels_kind_valid"),
            models.UniqueConstraint("kind", "family", "name", name="prompt_labels_unique_name",
                                    violation_error_message="This family already has a label with that name."),
            models.CheckConstraint(condition=_POINTS_AT_ITS_KIND, name="prompt_labels_points_at_its_kind",
                                   violation_error_message="A label points at one version or one template, "
                                                           "as its kind says."),
        ]

    def __str__(self):
        return f"{self.name} → {self.target}"

    @property
    def target(self):
        """The version or template the label points at."""
        return self.prompt_version if self.kind == LabelKind.VERSION else self.template

    @property
    def target_id(self):
        return self.prompt_version_id if self.kind == LabelKind.VERSION else self.template_id


class PromptLabelMove(UUIDModel):
    """One move of a label (``prompt_label_moves``): from where to where, who, when, why, and what justified it.

    ``from_*`` is what the label resolved to before the move: its earlier target,
    or on a first placement the active row it fell back to (None when there was
    none). A rollback is a move with ``undoes`` set to the move it reverses.
    """

    label = models.ForeignKey(PromptLabel, on_delete=models.CASCADE, related_name="moves", db_index=False)
    from_version = models.ForeignKey("prompts.PromptVersion", null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    to_version = models.ForeignKey("prompts.PromptVersion", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    from_template = models.ForeignKey("prompts.PromptTemplate", null=True, blank=True, on_delete=models.PROTECT,
                                      related_name="+")
    to_template = models.ForeignKey("prompts.PromptTemplate", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    undoes = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                               help_text="Set on a rollback: the move it reverses.")
    reason = models.TextField(blank=True, max_length=2000)
    justification_kind = models.CharField(max_length=20, choices=LabelJustification.choices, blank=True)
    justification_id = models.CharField(max_length=64, blank=True,
                                        help_text="The id of the run or A/B test that justified the move.")
    moved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+")
    moved_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "prompt_label_moves"
        ordering = ("-moved_at", "-id")
        indexes = [models.Index("label", F("moved_at").desc(), F("id").desc(), name="prompt_label_moves_label_idx"),
                   models.Index(F("moved_at").desc(), F("id").desc(), name="prompt_label_moves_moved_idx")]
        constraints = [
            one_of("justification_kind", LabelJustification, "prompt_label_moves_justification_valid", blank=True),
            models.CheckConstraint(
                condition=(Q(justification_kind="", justification_id="")
                           | (~Q(justification_kind="") & ~Q(justification_id=""))),
                name="prompt_label_moves_justification_pair",
                violation_error_message="A justification needs both its kind and its id.",
            ),
            models.CheckConstraint(
                condition=(Q(to_version__isnull=False, to_template__isnull=True)
                           | Q(to_template__isnull=False, to_version__isnull=True)),
                name="prompt_label_moves_one_target",
                violation_error_message="A move goes to one version or one template.",
            ),
        ]

    def __str__(self):
        return f"{self.label.name}: {self.source or '—'} → {self.destination}"

    @property
    def source(self):
        return self.from_version if self.from_version_id else self.from_template

    @property
    def destination(self):
        return self.to_version if self.to_version_id else self.to_template

    @property
    def is_rollback(self) -> bool:
        return self.undoes_id is not None
