"""Reusable job filters, attached to ``Job.objects`` with ``Manager.from_queryset``."""

from datetime import datetime
from decimal import Decimal

from django.db import models
from django.db.models import Case, DecimalField, DurationField, ExpressionWrapper, F, Q, Value, When
from django.db.models.functions import Coalesce

from ourvidz_admin.choices import ACTIVE_STATUSES, JobStatus


class JobQuerySet(models.QuerySet):
    def active(self):
        """Jobs a worker still has to finish (queued or processing)."""
        return self.filter(status__in=ACTIVE_STATUSES)

    def unarchived(self):
        return self.filter(archived_at__isnull=True)

    def unrated(self):
        """Completed jobs nobody has rated yet: the rating queue."""
        return self.filter(status=JobStatus.COMPLETED, quality_rating__isnull=True)

    def created_between(self, start: datetime | None, end: datetime | None):
        """Half-open ``[start, end)`` range on ``created_at``; a range, never ``__date``, so indexes apply."""
        qs = self
        if start is not None:
            qs = qs.filter(created_at__gte=start)
        if end is not None:
            qs = qs.filter(created_at__lt=end)
        return qs

    def with_generation_time(self):
        """Annotate ``generation_time``: completion minus creation, as the guide's view defines it."""
        return self.annotate(
            generation_time=ExpressionWrapper(F("completed_at") - F("created_at"), output_field=DurationField())
        )

    def with_cost(self):
        """Annotate ``total_cost``: enhancement cost + generation cost (a missing stage counts 0; NULL when both
        are missing), the ``Job.cost`` property in SQL."""
        both_missing = Q(enhancement_cost__isnull=True, generation_cost__isnull=True)
        zero = Value(Decimal(0), output_field=DecimalField(max_digits=12, decimal_places=6))
        total = Coalesce("enhancement_cost", zero) + Coalesce("generation_cost", zero)
        return self.annotate(total_cost=Case(When(both_missing, then=None), default=total,
                                             output_field=DecimalField(max_digits=13, decimal_places=6)))

    def list_columns(self):
        """Defer the long text and JSON columns that list views never show."""
        return self.defer(
            "enhanced_prompt", "final_prompt", "negative_prompt", "error_message",
            "compel_weights", "metadata", "lineage",
        )
