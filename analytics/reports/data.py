"""What a report says, read from the rollups and the existing selectors; no jobs are scanned.

- headline: totals of the period against the previous period of the same length, from
  ``model_performance_logs`` (finished generations, success) and ``job_stats_daily`` (jobs, ratings, times);
- goals: ``analytics.operations.goals.goal_scoreboard(since, until)``;
- per model: ``model_summaries`` (the Model Analytics page), with the previous period's success rate;
- per strategy: ``strategy_effectiveness`` (the Enhancement effectiveness page);
- A/B tests that ran during the period, with their stored results;
- alerts first seen during the period, and those still open or acknowledged.

Every figure keeps its raw value (Decimal, int, float); ``analytics.reports.pdf`` writes them.
"""

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from decimal import Decimal

from django.db.models import Q, Sum
from django.utils import timezone

from analytics.alerts.selectors import alert_list
from analytics.choices import ABTestStatus, AlertStatus, Severity
from analytics.dashboards.common import DayRange
from analytics.dashboards.effectiveness import strategy_effectiveness
from analytics.dashboards.model_analytics import model_summaries
from analytics.models import JobStatsDaily, ModelPerformanceLog, PromptABTest
from analytics.operations.goals import GoalRow, goal_scoreboard
from analytics.reports.periods import audience_check, previous_range
from analytics.rollups.buckets import UTC, difference, mean, percent, whole

MAX_ALERT_ROWS = 30
MAX_AB_TESTS = 20
_JOB_SUMS = ("total_jobs", "cancelled_jobs", "rated_jobs", "rating_sum", "stars_4", "stars_5",
             "inference_time_sum_ms", "inference_time_count")


@dataclass(frozen=True)
class Headline:
    """One headline figure: ``kind`` says how it is written (count, percent, rating, ms)."""

    name: str
    kind: str
    value: object
    previous: object

    @property
    def change(self):
        """The difference to the previous period (percentage points for percentages); None when unknown."""
        if self.value is None or self.previous is None:
            return None
        return self.value - self.previous


@dataclass
class Report:
    """Everything one report shows, for ``days`` and an audience (``executive`` or ``engineering``)."""

    audience: str
    days: DayRange
    previous: DayRange
    generated_at: datetime
    headline: list[Headline]
    goals: list[GoalRow]
    models: list[dict]
    strategies: list[dict]
    ab_tests: list[dict]
    alerts: list[dict]
    alert_counts: dict
    notes: list[str] = field(default_factory=list)

    @property
    def detailed(self) -> bool:
        """The engineering report adds the per-strategy table, A/B details and the alert list."""
        return self.audience == "engineering"


def _start(day) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def period_totals(days: DayRange) -> dict:
    """Sums over ``days``: completed and failed from ``model_performance_logs``, the rest from ``job_stats_daily``."""
    outcomes = ModelPerformanceLog.objects.filter(**days.as_filter()).aggregate(
        completed=Sum("successful_generations"), failed=Sum("failed_generations"))
    jobs = JobStatsDaily.objects.filter(**days.as_filter()).aggregate(**{name: Sum(name) for name in _JOB_SUMS})
    return {name: value or 0 for name, value in {**outcomes, **jobs}.items()}


def headline_figures(totals: dict) -> dict:
    """The headline figures of one period's ``period_totals``, by name."""
    finished = totals["completed"] + totals["failed"]
    return {
        "Jobs": totals["total_jobs"],
        "Generations finished": finished,
        "Success rate": percent(totals["completed"], finished),
        "Mean rating": mean(totals["rating_sum"], totals["rated_jobs"]),
        "Rated jobs": totals["rated_jobs"],
        "Rated 4 or 5 stars": percent(totals["stars_4"] + totals["stars_5"], totals["rated_jobs"]),
        "Mean generation time": whole(mean(totals["inference_time_sum_ms"], totals["inference_time_count"],
                                           Decimal(1))),
        "Cancelled jobs": totals["cancelled_jobs"],
    }


HEADLINE_KINDS = {"Jobs": "count", "Generations finished": "count", "Success rate": "percent",
                  "Mean rating": "rating", "Rated jobs": "count", "Rated 4 or 5 stars": "percent",
                  "Mean generation time": "ms", "Cancelled jobs": "count"}


def _models(days: DayRange, previous: DayRange) -> list[dict]:
    before = {row["model_type"]: row for row in model_summaries(days=previous)}
    return [{**row, "previous_success_rate": before[row["model_type"]]["success_rate"],
             "success_change": difference(row["success_rate"], before[row["model_type"]]["success_rate"]),
             "previous_jobs": before[row["model_type"]]["jobs"]}
            for row in model_summaries(days=days)]


def ab_test_rows(days: DayRange) -> list[dict]:
    """A/B tests running or complete that ran during ``days`` (started before its end, not finished before
    its start), newest first, with their stored figures."""
    start, end = _start(days.since), _start(days.until + timedelta(days=1))
    tests = (PromptABTest.objects.filter(status__in=(ABTestStatus.RUNNING, ABTestStatus.COMPLETE), started_at__lt=end)
             .filter(Q(completed_at__isnull=True) | Q(completed_at__gte=start))
             .order_by("-started_at", "-id")[:MAX_AB_TESTS])
    return [_ab_row(test) for test in tests]


def _ab_row(test: PromptABTest) -> dict:
    results = test.results or {}
    low, high = results.get("paired_low"), results.get("paired_high")
    verdict = ("no results yet" if not results else "better" if low is not None and low > 0
               else "worse" if high is not None and high < 0 else "no clear difference")
    return {
        "name": test.test_name, "model_type": test.model_type, "status": test.get_status_display(),
        "rated_pairs": results.get("rated_pairs", test.total_participants), "planned_pairs": test.planned_pairs,
        "baseline_mean": test.baseline_avg_quality, "enhanced_mean": test.enhanced_avg_quality,
        "difference": results.get("paired_difference"), "low": low, "high": high,
        "p_value": results.get("paired_p"), "success_difference": results.get("success_difference"),
        "guardrail_breached": test.guardrail_breached, "verdict": verdict,
    }


def alert_rows(days: DayRange) -> tuple[list[dict], dict]:
    """Alerts first seen during ``days`` (most severe, then newest; at most ``MAX_ALERT_ROWS``) and counts:
    opened per severity and still active (open or acknowledged) of those."""
    start, end = _start(days.since), _start(days.until + timedelta(days=1))
    alerts = alert_list().filter(first_seen_at__gte=start, first_seen_at__lt=end)
    counts = {s.value: 0 for s in Severity} | {"active": 0, "total": 0}
    for severity, status in alerts.values_list("severity", "status"):
        counts[severity] += 1
        counts["total"] += 1
        counts["active"] += status in (AlertStatus.OPEN, AlertStatus.ACKNOWLEDGED)
    rows = [{"severity": alert.get_severity_display(), "rule": alert.rule.name, "subject": alert.subject_label,
             "value": alert.value, "threshold": alert.threshold, "status": alert.get_status_display(),
             "first_seen_at": alert.first_seen_at} for alert in alerts[:MAX_ALERT_ROWS]]
    return rows, counts


def report_data(*, since, until, audience: str, now: datetime | None = None) -> Report:
    """The report of the UTC days ``since``..``until`` (inclusive) for ``audience``."""
    days = DayRange(since, until)
    previous = previous_range(days)
    current, before = headline_figures(period_totals(days)), headline_figures(period_totals(previous))
    alerts, counts = alert_rows(days)
    return Report(
        audience=audience_check(audience), days=days, previous=previous, generated_at=now or timezone.now(),
        headline=[Headline(name, HEADLINE_KINDS[name], current[name], before[name]) for name in current],
        goals=list(goal_scoreboard(days.since, days.until)), models=_models(days, previous),
        strategies=strategy_effectiveness(days=days)["strategies"], ab_tests=ab_test_rows(days),
        alerts=alerts, alert_counts=counts,
    )
