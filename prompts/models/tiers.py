"""Each user's tier: which ``model_parameters`` rows by tier apply to their jobs."""

from django.conf import settings
from django.db import models

from ourvidz_admin.db import one_of
from prompts.choices import UserTier


class UserTierAssignment(models.Model):
    """A user's tier; a user without a row has ``settings.DEFAULT_USER_TIER``."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True,
                                related_name="tier_assignment")
    tier = models.CharField(max_length=20, choices=[c for c in UserTier.choices if c[0]], default=UserTier.FREE)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "user_tiers"
        verbose_name = "user tier"
        constraints = [one_of("tier", UserTier, "user_tiers_tier_valid")]

    def __str__(self):
        return f"{self.user} ({self.get_tier_display()})"
