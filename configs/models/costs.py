"""What each model backend costs to run, as a history of rates (``cost_rates``)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone

from configs.choices import COST_UNITS_BY_BACKEND, BackendFamily, CostUnit
from ourvidz_admin.db import UUIDModel, one_of


def _unit_matches_backend() -> Q:
    condition = Q()
    for backend, units in COST_UNITS_BY_BACKEND.items():
        condition |= Q(backend=backend, unit__in=[unit.value for unit in units])
    return condition


class CostRate(UUIDModel):
    """The price of one model backend from ``effective_from`` on: USD per million tokens or per GPU-hour.

    Rows are history, never rewritten: the rate in force at a time T is the
    backend's row with the latest ``effective_from`` ≤ T
    (``configs.selectors.rate_at``). A new rate is a new row starting now or
    later, so the costs already recorded keep the rate they were priced at; a
    row that has come into force cannot be edited or deleted
    (``configs.services.costs``).
    """

    backend = models.CharField(max_length=10, choices=BackendFamily.choices,
                               help_text="The worker's model backend this rate prices.")
    unit = models.CharField(max_length=20, choices=CostUnit.choices)
    rate = models.DecimalField(max_digits=12, decimal_places=6, help_text="US dollars per unit.")
    effective_from = models.DateTimeField(default=timezone.now, help_text="When this rate starts to apply (UTC).")
    note = models.CharField(max_length=500, blank=True, help_text="Why the rate changed: an invoice, a new GPU.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        db_table = "cost_rates"
        ordering = ("backend", "-effective_from")
        constraints = [
            one_of("backend", BackendFamily, "cost_rates_backend_valid"),
            one_of("unit", CostUnit, "cost_rates_unit_valid"),
            models.CheckConstraint(condition=Q(rate__gte=0), name="cost_rates_rate_not_negative",
                                   violation_error_message="rate cannot be negative."),
            models.CheckConstraint(condition=_unit_matches_backend(), name="cost_rates_unit_matches_backend",
                                   violation_error_message="unit is not one the backend can be priced in."),
            # Also the index that finds a backend's history, newest first (scanned backwards).
            models.UniqueConstraint(fields=("backend", "effective_from"), name="cost_rates_one_per_instant",
                                    violation_error_message="This backend already has a rate starting then."),
        ]

    def __str__(self):
        return f"{self.backend}: {self.rate} {self.get_unit_display()} from {self.effective_from:%Y-%m-%d %H:%M}"

    def in_force_since(self, now=None) -> bool:
        """True once the rate has started: from then on it may have priced stages, so it is history."""
        return self.effective_from is not None and self.effective_from <= (now or timezone.now())

    def clean(self):
        errors = {}
        if self.rate is not None and self.rate < 0:
            errors["rate"] = "The rate cannot be negative: enter 0 or more US dollars."
        units = COST_UNITS_BY_BACKEND.get(self.backend)
        if units is not None and self.unit in CostUnit.values and self.unit not in units:
            allowed = " or ".join(unit.label for unit in units)
            errors["unit"] = f"The {self.backend} backend is priced {allowed}, not {CostUnit(self.unit).label}."
        if errors:
            raise ValidationError(errors)
