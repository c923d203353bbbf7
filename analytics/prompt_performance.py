"""Document 002's four performance functions, and the per-prompt and per-day tables of its admin tabs.

Reads only. ``period`` is either a period string (``day``, ``week``, ``month``, ``<n>h``; tests and
other callers pass these, and ``now`` ends the window) or the ``(name, Window)`` pair that
``prompt_windows.period_window`` returns: the API's ``PeriodQuerySerializer`` and the admin page
parse the period once per request and pass the pair on (``now`` is then ignored). ``cache`` (a dict
shared by the calls of one page, with one window) loads a window's totals and the prompt library
once. Every figure comes from ``prompt_windows.prompt_totals`` (the ``prompt_performance_daily``
rollup for whole UTC days, ``prompt_usage`` for the partial days at the window's ends), so the
numbers are exact for the window ``[now - period, now)``. Definitions: docs/metrics.md, "Prompt
performance (document 002)".
"""

from datetime import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import Count, Sum

from analytics.alerts.rules import evaluate_rule
from analytics.alerts.selectors import SEVERITY_RANK, alert_counts
from analytics.choices import AlertMetric
from analytics.models import AlertRule, PromptPerformanceDaily
from analytics.prompt_windows import (
    Totals,
    Window,
    cached_totals,
    library_prompts,
    money,
    overall_totals,
    period_window,
    prompt_totals,
)
from analytics.rollups.buckets import UTC
from prompts.choices import PromptStatus
from prompts.models import Prompt

Period = str | tuple[str, Window] | None

ORDERINGS = ("rating", "success_rate", "usage", "response_time", "cost")
MAX_LIMIT = 100
DEFAULT_MIN_USES = 5


def _window(period: Period, now: datetime | None) -> tuple[str, Window]:
    """A pair already parsed by ``period_window`` as it is; a period string parsed here."""
    return period if isinstance(period, tuple) else period_window(period, now)


def _period(name: str, window: Window) -> dict:
    return {"period": name, "hours": window.hours, "start": window.start, "end": window.end}


def _prompt_row(prompt: Prompt, totals: Totals) -> dict:
    return {"prompt_id": prompt.pk, "name": prompt.name, "display_name": prompt.display_name,
            "status": prompt.status, **totals.figures()}


def get_prompt_performance_summary(prompt_id, period: Period = "week", *, now: datetime | None = None) -> dict:
    """One prompt's usage count, success and error rate (%), mean rating, mean response (ms), tokens and cost.

    Raises ``Prompt.DoesNotExist`` for an unknown prompt and ``ValidationError`` for a bad period.
    """
    name, window = _window(period, now)
    prompt = Prompt.objects.only("id", "name", "display_name", "status").get(pk=prompt_id)
    totals = prompt_totals(window, prompt_ids=[prompt.pk]).get(prompt.pk, Totals())
    return {**_period(name, window), **_prompt_row(prompt, totals)}


def _sort_key(order_by: str):
    def key(row):
        # Missing means rank after every real value.
        rating = row["mean_rating"] if row["mean_rating"] is not None else Decimal(-1)
        success = row["success_rate"] if row["success_rate"] is not None else Decimal(-1)
        speed = row["mean_response_time_ms"] if row["mean_response_time_ms"] is not None else float("inf")
        ranks = {
            "rating": (-rating, -success, -row["usage_count"]),
            "success_rate": (-success, -rating, -row["usage_count"]),
            "usage": (-row["usage_count"], -rating, -success),
            "response_time": (speed, -rating, -success),
            "cost": (-row["cost"], -row["usage_count"], -rating),
        }
        return (*ranks[order_by], row["name"])

    return key


def _check_top(limit: int, order_by: str, min_uses: int) -> None:
    errors = {}
    if not 1 <= limit <= MAX_LIMIT:
        errors["limit"] = f"limit must be from 1 to {MAX_LIMIT}."
    if order_by not in ORDERINGS:
        errors["order_by"] = f"Unknown order_by {order_by!r}: use one of {', '.join(ORDERINGS)}."
    if min_uses < 0:
        errors["min_uses"] = "min_uses cannot be negative."
    if errors:
        raise ValidationError(errors)


def get_top_performing_prompts(period: Period = "week", limit: int = 10, order_by: str = "rating", *,
                               min_uses: int = DEFAULT_MIN_USES, now: datetime | None = None,
                               cache: dict | None = None) -> list[dict]:
    """The best prompts of the period, among those with at least ``min_uses`` uses (default 5).

    ``order_by``: ``rating`` (mean rating, then success rate, then uses; the default), ``success_rate``
    (then rating, then uses), ``usage`` (most used), ``response_time`` (fastest first) or ``cost``
    (most expensive first). Prompts without the leading figure (no rating, say) come after those with
    it; ties end on the prompt's name. Each row carries its ``rank`` from 1.
    """
    _check_top(limit, order_by, min_uses)
    name, window = _window(period, now)
    totals = {pk: t for pk, t in cached_totals(window, cache).items() if t.uses >= max(min_uses, 1)}
    rows = [_prompt_row(p, totals[p.pk]) for p in library_prompts(cache) if p.pk in totals]
    rows = sorted(rows, key=_sort_key(order_by))[:limit]
    return [{"rank": rank, **_period(name, window), **row} for rank, row in enumerate(rows, 1)]


def get_dashboard_metrics(period: Period = "week", *, now: datetime | None = None,
                          cache: dict | None = None) -> dict:
    """The system's health over the period: prompts, usage, success, rating, response, tokens, cost, alerts.

    ``total_prompts``: library prompts; ``active_prompts``: those with status active;
    ``prompts_used``: prompts with at least one use in the period. The figures pool every use.
    """
    name, window = _window(period, now)
    per_prompt = cached_totals(window, cache)
    library = library_prompts(cache)
    figures = overall_totals(per_prompt).figures()
    return {
        **_period(name, window), "total_prompts": len(library),
        "active_prompts": sum(1 for p in library if p.status == PromptStatus.ACTIVE),
        "prompts_used": sum(1 for t in per_prompt.values() if t.uses), **figures,
        "total_usage": figures["usage_count"], "alerts": alert_counts(),
    }


def get_performance_alerts(period: Period = "week", *, now: datetime | None = None,
                           cache: dict | None = None) -> list[dict]:
    """The alerts document 002's enabled prompt rules would raise now, judged over ``period``; writes nothing.

    The enhancement success-drop rule is left out: it watches strategies over its own fixed windows, not
    prompts over a period, and ``alerts_evaluate`` keeps its alerts current (they are in ``alert_list``).
    Ordered by severity (high first), rule, subject.
    """
    name, window = _window(period, now)
    cache = {} if cache is None else cache
    result = []
    rules = AlertRule.objects.filter(is_enabled=True).exclude(
        metric__in=(AlertMetric.ENHANCEMENT_SUCCESS_DROP, AlertMetric.AB_GUARDRAIL))
    for rule in rules.order_by("name"):
        evaluation = evaluate_rule(rule, now=window.end, window_hours=window.hours, cache=cache)
        result += [{
            "rule_id": rule.pk, "rule": rule.name, "metric": rule.metric, "comparison": rule.comparison,
            "severity": rule.severity, "subject_type": f.subject_type, "subject_key": f.subject_key,
            "subject_label": f.subject_label, "value": f.value, "threshold": rule.threshold, "samples": f.samples,
            "message": f.message, "recommendation": rule.recommendation, "period": name,
        } for f in evaluation.firing]
    return sorted(result, key=lambda a: (SEVERITY_RANK[a["severity"]], a["rule"], a["subject_label"]))


def prompt_performance_table(period: Period = "week", *, now: datetime | None = None,
                             cache: dict | None = None) -> list[dict]:
    """Per prompt over the period: every prompt with uses, plus the active ones without; most used first."""
    name, window = _window(period, now)
    totals = cached_totals(window, cache)
    rows = [_prompt_row(p, totals.get(p.pk, Totals())) for p in library_prompts(cache)
            if p.pk in totals or p.status == PromptStatus.ACTIVE]
    return sorted(rows, key=lambda row: (-row["usage_count"], row["name"]))


def prompt_usage_trend(period: Period = "week", *, now: datetime | None = None) -> list[dict]:
    """All prompts' uses per UTC day from the rollup, for the days the period touches (oldest first).

    Whole days: the first and last day count every use of that day, unlike the window's totals.
    """
    _name, window = _window(period, now)
    rows = (PromptPerformanceDaily.objects.filter(date__gte=window.start.astimezone(UTC).date(),
                                                  date__lte=window.end.astimezone(UTC).date())
            .values("date").annotate(uses=Sum("uses"), successes=Sum("successes"), rating_sum=Sum("rating_sum"),
                                     rating_count=Sum("rating_count"), tokens_used=Sum("tokens_used"),
                                     cost=Sum("cost"), prompts=Count("prompt"))
            .order_by("date"))
    trend = []
    for row in rows:
        totals = Totals(uses=row["uses"], successes=row["successes"], rating_sum=row["rating_sum"],
                        rating_count=row["rating_count"])
        trend.append({"date": row["date"], "uses": row["uses"], "prompts": row["prompts"],
                      "success_rate": totals.success_rate, "mean_rating": totals.mean_rating,
                      "tokens_used": row["tokens_used"], "cost": money(row["cost"])})
    return trend

