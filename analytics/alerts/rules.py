"""What each alert rule measures, and whether it fires: reads only (document 002 "Alert System", guide §2.5).

``evaluate_rule`` judges every subject a rule watches and returns one
``Finding`` per subject it could judge; the alerts service (``analytics.alerts.services``)
turns them into alerts, and ``get_performance_alerts`` shows them without writing.

Prompt metrics, over the window ``[now - window_hours, now)`` (``analytics.prompt_windows``):

* ``low_usage``: every library prompt with status ``active``, its uses in the window, zero
  included; ``min_samples`` does not apply.
* ``success_rate`` / ``error_rate``: successes (failures) × 100 / uses, for prompts with at least
  ``min_samples`` uses (and at least one).
* ``mean_rating``: Σ rating / rated uses, for prompts with at least ``min_samples`` rated uses.
* ``response_time``: Σ response_time_ms / timed uses, for prompts with at least ``min_samples`` timed uses.

``enhancement_success_drop``, per enhancement strategy (qwen, compel, hybrid; ``none`` is not an
enhancement): the success rate (completed × 100 / (completed + failed), by ``created_at``) over the
baseline window ``[now - baseline_hours, now)`` minus the one over the recent window
``[now - window_hours, now)``, in points; judged when both windows hold ``min_samples`` finished jobs.

A rule fires when the exact value (a fraction, not the rounded figure) is strictly ``below`` or
``above`` the threshold. Values are shown rounded half-up to 2 places.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from django.db.models import Count, Q

from analytics.choices import AlertMetric, Comparison
from analytics.models import AlertRule, PromptABTest
from analytics.prompt_windows import Totals, Window, cached_totals, library_prompts
from generations.models import Job
from ourvidz_admin import formatting
from ourvidz_admin.choices import ENHANCED_STRATEGIES, EnhancementStrategy, JobStatus
from prompts.choices import PromptStatus

PROMPT, STRATEGY, AB_TEST = "prompt", "strategy", "ab_test"


@dataclass(frozen=True)
class Finding:
    """One subject judged by one rule."""

    subject_type: str
    subject_key: str
    subject_label: str
    value: Decimal
    samples: int
    fires: bool
    message: str


@dataclass(frozen=True)
class Evaluation:
    """A rule's findings, and the subjects it still watches (an alert on any other subject is stale)."""

    rule: AlertRule
    findings: list
    watched: frozenset

    @property
    def firing(self) -> list:
        return [finding for finding in self.findings if finding.fires]


def _round(value: Fraction) -> Decimal:
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(Decimal("0.01"), ROUND_HALF_UP)


def fires(rule: AlertRule, value: Fraction) -> bool:
    """Whether ``value`` is strictly past the rule's threshold in its direction."""
    threshold = Fraction(str(rule.threshold))
    return value < threshold if rule.comparison == Comparison.BELOW else value > threshold


def _prompt_value(metric: str, totals: Totals, min_samples: int) -> tuple[Fraction, int] | None:
    """``(exact value, samples)`` of a per-prompt metric, or None when there are too few samples."""
    need = max(min_samples, 1)
    if metric == AlertMetric.LOW_USAGE:
        return Fraction(totals.uses), totals.uses
    if metric in (AlertMetric.SUCCESS_RATE, AlertMetric.ERROR_RATE):
        if totals.uses < need:
            return None
        part = totals.successes if metric == AlertMetric.SUCCESS_RATE else totals.uses - totals.successes
        return Fraction(part * 100, totals.uses), totals.uses
    if metric == AlertMetric.MEAN_RATING:
        if totals.rating_count < need:
            return None
        return Fraction(totals.rating_sum, totals.rating_count), totals.rating_count
    if totals.response_time_count < need:  # response_time
        return None
    return Fraction(totals.response_time_sum_ms, totals.response_time_count), totals.response_time_count


_PROMPT_TEXT = {
    AlertMetric.LOW_USAGE: "{value:.0f} uses in the last {hours} h (alert when {direction} {threshold:.0f})",
    AlertMetric.SUCCESS_RATE: "success rate {value_pct} over {samples} uses in the last {hours} h "
                              "(alert when {direction} {threshold_pct})",
    AlertMetric.ERROR_RATE: "error rate {value_pct} over {samples} uses in the last {hours} h "
                            "(alert when {direction} {threshold_pct})",
    AlertMetric.MEAN_RATING: "mean rating {value}/5 over {samples} rated uses in the last {hours} h "
                             "(alert when {direction} {threshold})",
    AlertMetric.RESPONSE_TIME: "mean response {value_ms} over {samples} timed uses in the last {hours} h "
                               "(alert when {direction} {threshold_ms})",
}


def _prompt_findings(rule: AlertRule, window: Window, totals: dict, library: list) -> Evaluation:
    if rule.metric == AlertMetric.LOW_USAGE:
        prompts = watched = [prompt for prompt in library if prompt.status == PromptStatus.ACTIVE]
    else:
        prompts, watched = [prompt for prompt in library if prompt.pk in totals], library
    findings = []
    for prompt in prompts:
        measured = _prompt_value(rule.metric, totals.get(prompt.pk, Totals()), rule.min_samples)
        if measured is None:
            continue
        value, samples = measured
        label = prompt.display_name or prompt.name
        text = _PROMPT_TEXT[rule.metric].format(
            value=_round(value), samples=samples, hours=window.hours, direction=rule.comparison,
            threshold=rule.threshold, value_pct=formatting.percent(value),
            threshold_pct=formatting.percent(rule.threshold), value_ms=formatting.ms(value),
            threshold_ms=formatting.ms(rule.threshold),
        )
        findings.append(Finding(PROMPT, str(prompt.pk), label, _round(value), samples, fires(rule, value),
                                f"{label}: {text}."))
    return Evaluation(rule, findings, frozenset(str(prompt.pk) for prompt in watched))


def _strategy_counts(now: datetime, recent_hours: int, baseline_hours: int) -> dict:
    recent = Q(created_at__gte=now - timedelta(hours=recent_hours))
    done = Job.objects.filter(
        created_at__gte=now - timedelta(hours=baseline_hours), created_at__lt=now,
        enhancement_strategy__in=ENHANCED_STRATEGIES, status__in=(JobStatus.COMPLETED, JobStatus.FAILED),
    )
    aggregates = {}
    for strategy in ENHANCED_STRATEGIES:
        mine, ok = Q(enhancement_strategy=strategy), Q(status=JobStatus.COMPLETED)
        aggregates |= {
            f"{strategy}_base_n": Count("pk", filter=mine), f"{strategy}_base_ok": Count("pk", filter=mine & ok),
            f"{strategy}_recent_n": Count("pk", filter=mine & recent),
            f"{strategy}_recent_ok": Count("pk", filter=mine & ok & recent),
        }
    return done.aggregate(**aggregates)


def _drop_findings(rule: AlertRule, now: datetime) -> Evaluation:
    counts = _strategy_counts(now, rule.window_hours, rule.baseline_hours)
    need = max(rule.min_samples, 1)
    findings = []
    for strategy in ENHANCED_STRATEGIES:
        base_n, recent_n = counts[f"{strategy}_base_n"], counts[f"{strategy}_recent_n"]
        if base_n < need or recent_n < need:
            continue
        base = Fraction(counts[f"{strategy}_base_ok"] * 100, base_n)
        recent = Fraction(counts[f"{strategy}_recent_ok"] * 100, recent_n)
        drop = base - recent
        label = EnhancementStrategy(strategy).label
        message = (f"{label}: success rate {_round(recent)}% over {recent_n} finished jobs in the last "
                   f"{rule.window_hours} h against {_round(base)}% over {base_n} in the last {rule.baseline_hours} h, "
                   f"a drop of {_round(drop)} points (alert when {rule.comparison} {rule.threshold}).")
        findings.append(Finding(STRATEGY, str(strategy), label, _round(drop), recent_n, fires(rule, drop), message))
    return Evaluation(rule, findings, frozenset(str(s) for s in ENHANCED_STRATEGIES))


def _guardrail_findings(rule: AlertRule) -> Evaluation:
    """Per running or complete A/B test with guardrails: how many its stored results cross."""
    tests = PromptABTest.objects.filter(status__in=("running", "complete")).exclude(guardrails={}).only(
        "id", "test_name", "results")
    findings = []
    for test in tests:
        rows = (test.results or {}).get("guardrails", [])
        crossed = [row for row in rows if row.get("breached")]
        value = Fraction(len(crossed))
        described = "; ".join(f"{row['label']} {formatting.number(row['value'], 1)} over the limit "
                              f"{formatting.number(row['limit'], 1)}" for row in crossed) or "none crossed"
        findings.append(Finding(AB_TEST, str(test.pk), test.test_name, _round(value), len(rows), fires(rule, value),
                                f"{test.test_name}: {len(crossed)} of {len(rows)} guardrails crossed ({described})."))
    return Evaluation(rule, findings, frozenset(str(test.pk) for test in tests))


def evaluate_rule(rule: AlertRule, *, now: datetime, window_hours: int | None = None,
                  cache: dict | None = None) -> Evaluation:
    """Judge every subject of ``rule`` at ``now``.

    ``window_hours`` replaces a prompt rule's own window (``get_performance_alerts`` passes the
    period); the drop rule always keeps its own two windows. ``cache`` shares the per-prompt
    totals of each window and the prompt library between the rules of one evaluation
    (``prompt_windows.cached_totals``, ``prompt_windows.library_prompts``).
    """
    if rule.metric == AlertMetric.ENHANCEMENT_SUCCESS_DROP:
        return _drop_findings(rule, now)
    if rule.metric == AlertMetric.AB_GUARDRAIL:
        return _guardrail_findings(rule)
    window = Window.ending(window_hours or rule.window_hours, now)
    cache = {} if cache is None else cache
    return _prompt_findings(rule, window, cached_totals(window, cache), library_prompts(cache))
