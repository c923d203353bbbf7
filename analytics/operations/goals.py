"""The guide's quality goals as a scoreboard: goal, current value, period, met or not (docs/metrics.md, "Goals").

Every value reads a rollup over the UTC days ``since`` .. ``until`` (inclusive), except Compel consistency,
which is a figure per Compel configuration over all its jobs (``compel_configs.avg_consistency``).
``met`` is None when the value is unknown (nothing in the period to measure).
"""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import F, Min, Q, Sum

from analytics.models import JobOpsDaily, JobStatsDaily, JobTimeHistogramDaily, UserEnhancementAdoption
from analytics.rollups.buckets import mean, percent
from analytics.rollups.histograms import merge, percentile
from configs.models import CompelConfig
from ourvidz_admin.choices import EnhancementStrategy

QWEN_STRATEGIES = (EnhancementStrategy.QWEN, EnhancementStrategy.HYBRID)
FIRST_WEEK_DAYS = 7


@dataclass(frozen=True)
class GoalRow:
    """One goal: ``value`` in the unit of ``target``; ``display`` formatted ("—" unknown); ``sample`` counted."""

    key: str
    name: str
    target: str
    value: float | None
    display: str
    met: bool | None
    sample: int
    sample_label: str
    period: str


def _pct(value: Decimal | None) -> str:
    return "—" if value is None else f"{value:.1f}%"


def _row(key, name, target, value, display, met, sample, sample_label, period) -> GoalRow:
    return GoalRow(key, name, target, None if value is None else float(value), display,
                   None if value is None else met, int(sample or 0), sample_label, period)


def _ops_sums(days: dict, ops: list[dict] | None, **where) -> dict:
    """Sums of ``job_ops_daily`` columns over the period (rows matching ``where``): from the page's already
    grouped rows when given, else one aggregate."""
    names = ("completed_jobs", "failed_jobs", "rated_jobs", "stars_4", "stars_5")
    if ops is None:
        row = JobOpsDaily.objects.filter(**where, **days).aggregate(**{name: Sum(name) for name in names})
        return {name: row[name] or 0 for name in names}
    chosen = [group for group in ops if all(group[key] == value for key, value in where.items())]
    return {name: sum(group[name] or 0 for group in chosen) for name in names}


def _nsfw_success(days: dict, period: str, ops: list[dict] | None) -> GoalRow:
    row = _ops_sums(days, ops, content_mode="nsfw")
    finished = row["completed_jobs"] + row["failed_jobs"]
    value = percent(row["completed_jobs"], finished)
    return _row("nsfw_success", "NSFW generation success", "> 90%", value, _pct(value),
                value is not None and value > 90, finished, "finished NSFW jobs", period)


def _good_outputs(days: dict, period: str, ops: list[dict] | None) -> GoalRow:
    row = _ops_sums(days, ops)
    value = percent(row["stars_4"] + row["stars_5"], row["rated_jobs"])
    return _row("good_outputs", "Outputs rated 4★ or more", "> 80%", value, _pct(value),
                value is not None and value > 80, row["rated_jobs"], "rated jobs", period)


def _qwen_gain(days: dict, period: str) -> GoalRow:
    row = JobStatsDaily.objects.filter(enhancement_strategy__in=QWEN_STRATEGIES, **days).aggregate(
        total=Sum("improvement_sum"), n=Sum("improvement_count"))
    value = mean(row["total"] or 0, row["n"] or 0)
    display = "—" if value is None else f"{value:+.2f}★"
    return _row("qwen_gain", "Quality gain from Qwen (paired, qwen and hybrid)", "≥ +0.50★", value, display,
                value is not None and value >= Decimal("0.5"), row["n"], "rated pairs", period)


def _compel_consistency() -> GoalRow:
    row = CompelConfig.objects.filter(avg_consistency__isnull=False, total_tests__gt=0).aggregate(
        weighted=Sum(F("avg_consistency") * F("total_tests")), n=Sum("total_tests"))
    value = None if not row["n"] else (Decimal(row["weighted"]) * 100 / row["n"]).quantize(Decimal("0.1"))
    return _row("compel_consistency", "Compel consistency (job-weighted over configurations)", "> 85%", value,
                _pct(value), value is not None and value > 85, row["n"], "jobs with a Compel configuration",
                "all time")


def _enhancement_p95(days: dict, period: str) -> GoalRow:
    bins = merge(JobTimeHistogramDaily.objects.filter(stage="enhancement", **days).values_list("bins", flat=True))
    found = percentile(bins, 0.95)
    if found is None:
        return _row("enhancement_p95", "Enhancement time, 95th percentile", "< 15 s", None, "—", None, 0,
                    "enhanced jobs", period)
    met = found.high is not None and found.high <= 15_000
    display = f"≤ {found.high / 1000:.2f} s" if found.high is not None else f"> {found.low / 1000:.0f} s"
    return _row("enhancement_p95", "Enhancement time, 95th percentile", "< 15 s",
                (found.high or found.low) / 1000, display, met, sum(bins.values()), "enhanced jobs", period)


def _first_week_adoption(since: date, until: date, period: str) -> GoalRow:
    """Of the users whose first job falls in the period, the share who used enhancement within 7 days of it."""
    cohort = (UserEnhancementAdoption.objects.values("user").annotate(first=Min("date"))
              .filter(first__gte=since, first__lte=until).order_by())
    firsts = dict(cohort.values_list("user", "first"))
    adopted = set()
    if firsts:
        enhanced = (UserEnhancementAdoption.objects.filter(
            Q(jobs_with_enhancement__gt=0), date__gte=since, date__lte=until + timedelta(days=FIRST_WEEK_DAYS - 1),
            user__in=cohort.values("user")).values_list("user", "date"))
        adopted = {user for user, day in enhanced if (day - firsts[user]).days < FIRST_WEEK_DAYS}
    value = percent(len(adopted), len(firsts))
    return _row("first_week_adoption", "Enhancement adoption in a user's first week", "> 60%", value, _pct(value),
                value is not None and value > 60, len(firsts), "new users", period)


def goal_scoreboard(since: date, until: date, *, ops: list[dict] | None = None) -> list[GoalRow]:
    """The six goals over the UTC days ``since`` .. ``until``; ``ops``: the period's ``job_ops_daily`` rows
    grouped by every dimension (``analytics.operations.figures.ops_groups``), when the caller has them."""
    days, period = {"date__gte": since, "date__lte": until}, f"{since:%Y-%m-%d} to {until:%Y-%m-%d}"
    return [_nsfw_success(days, period, ops), _good_outputs(days, period, ops), _qwen_gain(days, period),
            _compel_consistency(), _enhancement_p95(days, period), _first_week_adoption(since, until, period)]
