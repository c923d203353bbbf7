"""Reusable prompt filters."""

from django.db import models


class PromptVersionQuerySet(models.QuerySet):
    def active(self):
        """Versions that are not soft-deleted (document 001: ``deleted_at IS NULL``)."""
        return self.filter(deleted_at__isnull=True)

    def deleted(self):
        return self.filter(deleted_at__isnull=False)


class ActiveQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)
