"""The content policy: terms a submission in a content mode may not contain."""

from django.db import models
from django.db.models.functions import Lower

from ourvidz_admin.db import UUIDModel, one_of
from prompts.choices import ContentMode


class BlockedTerm(UUIDModel):
    """A word or phrase refused in prompts of its content mode (matched whole-word, any case).

    A submission containing one is refused; a Qwen rewrite that introduces
    one fails its job as ``content_filter``.
    """

    term = models.CharField(max_length=100, help_text="A word or phrase; matched as whole words, any case.")
    content_mode = models.CharField(max_length=10, choices=ContentMode.choices, default=ContentMode.SFW,
                                    help_text="The submissions it applies to.")
    is_active = models.BooleanField(default=True)
    note = models.CharField(max_length=200, blank=True, help_text="Why it is blocked (shown to admins only).")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "blocked_terms"
        ordering = ("content_mode", "term")
        constraints = [
            models.UniqueConstraint(Lower("term"), "content_mode", name="blocked_terms_unique_term_mode",
                                    violation_error_message="This term is already blocked for that content mode."),
            one_of("content_mode", ContentMode, "blocked_terms_mode_valid"),
            models.CheckConstraint(condition=~models.Q(term=""), name="blocked_terms_term_not_empty",
                                   violation_error_message="The term cannot be empty."),
        ]

    def __str__(self):
        return f"{self.term} ({self.get_content_mode_display()})"
