"""What the jobs of a period cost: per model, strategy, prompt and user, and per output rated 4 or 5 stars.

Reads only, each table one grouped query over the rollups of the UTC days of ``[since, until)``
(``job_ops_daily``, ``user_cost_daily``, ``prompt_cost_daily``; analytics/rollups/operations.py), so a page
costs the same at any number of jobs. A job's cost is its ``enhancement_cost`` + ``generation_cost`` (a stage that
recorded none counts 0), each priced by the worker when the stage completed (``generations.pricing``).
Definitions: docs/metrics.md, "Costs".
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import DecimalField, F, Sum, Value
from django.db.models.functions import Coalesce

from analytics.dashboards.common import DayRange
from analytics.models import JobOpsDaily, PromptCostDaily, UserCostDaily
from analytics.rollups.buckets import UTC
from ourvidz_admin.choices import EnhancementStrategy, ModelType
from prompts.models import Prompt

MICRO = Decimal("0.000001")
_ZERO = Value(Decimal(0), output_field=DecimalField(max_digits=12, decimal_places=6))
GOOD_RATING = 4  # a "good output": a job whose quality_rating is 4 or 5 stars
DEFAULT_TOP = 10
MAX_TOP = 100


@dataclass(frozen=True)
class CostRow:
    """The cost figures of one group of jobs (a model, a strategy, a user, a prompt, or all)."""

    key: object
    label: str
    jobs: int
    enhancement_cost: Decimal
    generation_cost: Decimal
    good_outputs: int | None = None

    @property
    def total_cost(self) -> Decimal:
        return self.enhancement_cost + self.generation_cost

    @property
    def cost_per_good_output(self) -> Decimal | None:
        """Total cost / jobs rated 4+, half-up to 6 places; None without a good output (or not counted)."""
        return per_good_output(self.total_cost, self.good_outputs)


def per_good_output(total: Decimal, good: int | None) -> Decimal | None:
    """``total / good`` half-up to 6 places (None when ``good`` is 0 or unknown)."""
    return (total / good).quantize(MICRO, ROUND_HALF_UP) if good else None


def day_bounds(days: DayRange) -> tuple[datetime, datetime]:
    """The UTC instants ``[since 00:00, until + 1 day 00:00)`` of an inclusive day range."""
    return _midnight(days.since), _midnight(days.until + timedelta(days=1))


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def _days(since: datetime, until: datetime) -> dict:
    """The rollups' rows of the UTC days from ``since`` up to (not including) the day of ``until``."""
    return {"date__gte": since.astimezone(UTC).date(), "date__lt": until.astimezone(UTC).date()}


def _money(value) -> Decimal:
    return (value or Decimal(0)).quantize(MICRO)


_COSTS = dict(enhancement=Sum("enhancement_cost"), generation=Sum("generation_cost"))
_OPS_FIGURES = dict(jobs=Sum("total_jobs"), good=Sum(F("stars_4") + F("stars_5")), **_COSTS)
_TOTAL = Coalesce(Sum("enhancement_cost"), _ZERO) + Coalesce(Sum("generation_cost"), _ZERO)


def _row(group: dict, key, label: str) -> CostRow:
    return CostRow(key=key, label=label, jobs=group["jobs"], enhancement_cost=_money(group["enhancement"]),
                   generation_cost=_money(group["generation"]), good_outputs=group["good"])


def cost_per_good_output(since: datetime, until: datetime, model: str | None = None) -> Decimal | None:
    """USD per good output: Σ cost of the jobs created on the UTC days of ``[since, until)`` (of ``model``, when
    given) / the number of those jobs rated 4 or 5 stars, half-up to 6 places; None when none is rated 4+."""
    rows = JobOpsDaily.objects.filter(**_days(since, until))
    figures = (rows.filter(model_type=model) if model else rows).aggregate(**_OPS_FIGURES)
    return per_good_output(_money(figures["enhancement"]) + _money(figures["generation"]), figures["good"])


def costs_by_model(since: datetime, until: datetime) -> list[CostRow]:
    """One row per model (SDXL, WAN) with jobs in the period, in the models' order (from ``job_ops_daily``)."""
    groups = {g["model_type"]: g for g in JobOpsDaily.objects.filter(**_days(since, until)).values("model_type")
              .annotate(**_OPS_FIGURES).order_by("model_type")}
    return [_row(groups[m], m, ModelType(m).label) for m in ModelType.values if m in groups]


def costs_by_strategy(since: datetime, until: datetime) -> list[CostRow]:
    """One row per enhancement strategy with jobs in the period (none, qwen, compel, hybrid)."""
    groups = {g["enhancement_strategy"]: g for g in JobOpsDaily.objects.filter(**_days(since, until))
              .values("enhancement_strategy").annotate(**_OPS_FIGURES).order_by("enhancement_strategy")}
    return [_row(groups[s], s, EnhancementStrategy(s).label) for s in EnhancementStrategy.values if s in groups]


def costs_total(rows: list[CostRow]) -> CostRow:
    """All the jobs of the period: the sum of a full breakdown (``costs_by_model``'s rows)."""
    return CostRow(key=None, label="All jobs", jobs=sum(r.jobs for r in rows),
                   enhancement_cost=sum((r.enhancement_cost for r in rows), Decimal(0)).quantize(MICRO),
                   generation_cost=sum((r.generation_cost for r in rows), Decimal(0)).quantize(MICRO),
                   good_outputs=sum(r.good_outputs or 0 for r in rows))


def costs_by_user(since: datetime, until: datetime, limit: int = DEFAULT_TOP) -> list[CostRow]:
    """The ``limit`` users whose jobs of the period cost most (then most jobs, then username); ``user_cost_daily``."""
    groups = (UserCostDaily.objects.filter(**_days(since, until)).values("user", "user__username")
              .annotate(jobs=Sum("jobs"), good=Sum("good_outputs"), total=_TOTAL, **_COSTS)
              .order_by("-total", "-jobs", "user__username")[:limit])
    return [_row(g, g["user"], g["user__username"] or "(no user)") for g in groups]


def costs_by_prompt(since: datetime, until: datetime, limit: int = DEFAULT_TOP) -> list[CostRow]:
    """The ``limit`` library prompts that cost most over the jobs of the period, from ``prompt_cost_daily``.

    Each stage's cost goes to the library prompt the stage ran (``prompt_usage.prompt``: the pinned version's
    prompt or the model's enhancer, for ``enhance``), else to the prompt of the job's prompt version (the
    ``generate`` stage of a versioned job); what neither names is the row with key None.
    """
    groups = list(PromptCostDaily.objects.filter(**_days(since, until)).values("prompt")
                  .annotate(jobs=Sum("jobs"), total=_TOTAL, **_COSTS).order_by("-total", "-jobs", "prompt")[:limit])
    names = dict(Prompt.objects.filter(pk__in=[g["prompt"] for g in groups if g["prompt"]]).values_list("pk", "name"))
    return [_row({**g, "good": None}, g["prompt"], names.get(g["prompt"], "(no library prompt)")) for g in groups]


def cost_report(days: DayRange, top: int = DEFAULT_TOP) -> dict:
    """The Costs page and ``GET /api/analytics/costs``: totals, per model, per strategy, top prompts and users."""
    since, until = day_bounds(days)
    models = costs_by_model(since, until)
    return {"since": days.since, "until": days.until, "total": costs_total(models), "models": models,
            "strategies": costs_by_strategy(since, until), "prompts": costs_by_prompt(since, until, top),
            "users": costs_by_user(since, until, top)}
