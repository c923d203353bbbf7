"""Guardrails of an A/B test: limits the enhanced arm must not cross, whatever its stars.

``guardrails`` (the test's JSON) maps a metric to its limit:

* ``success_rate_drop``: points the enhanced arm's success rate (completed among completed + failed) may
  fall below the baseline's; breached when ``(success_a − success_b) × 100 > limit``;
* ``time_increase_pct``: percent the enhanced arm's mean inference time (completed jobs) may exceed the
  baseline's; breached when ``(time_b / time_a − 1) × 100 > limit``;
* ``clip_score_drop``: CLIP points (0-100) the enhanced arm's mean CLIP score may fall below the
  baseline's; breached when ``clip_a − clip_b > limit`` (measured once both arms have scored outputs).

A breach marks the test (``guardrail_breached``) and the "A/B guardrail breach" alert rule opens an alert
for it (``analytics.alerts.rules``). Formulas in docs/metrics.md.
"""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError

LIMITS = {"success_rate_drop": (Decimal("0"), Decimal("100")), "time_increase_pct": (Decimal("0"), Decimal("1000")),
          "clip_score_drop": (Decimal("0"), Decimal("100"))}
LABELS = {"success_rate_drop": "success-rate drop (points)", "time_increase_pct": "inference-time increase (%)",
          "clip_score_drop": "CLIP score drop (points)"}


def guardrails_check(value) -> dict:
    """The guardrails as stored (``{metric: limit}``), or a ValidationError naming ``guardrails.<metric>``."""
    if value in (None, ""):
        return {}
    if not isinstance(value, dict):
        raise ValidationError({"guardrails": 'Give an object such as {"success_rate_drop": 5, '
                                             '"time_increase_pct": 20, "clip_score_drop": 2}.'})
    checked, errors = {}, {}
    for metric, limit in value.items():
        if metric not in LIMITS:
            errors[f"guardrails.{metric}"] = [f"Unknown guardrail; use {', '.join(LIMITS)}."]
            continue
        low, high = LIMITS[metric]
        try:
            number = Decimal(str(limit))
        except (InvalidOperation, ValueError):
            number = None
        if isinstance(limit, bool) or number is None or not number.is_finite() or not low <= number <= high:
            errors[f"guardrails.{metric}"] = [f"A number from {low} to {high}."]
            continue
        checked[metric] = float(number)
    if errors:
        raise ValidationError(errors)
    return checked


def guardrail_figures(guardrails: dict, *, success_a, success_b, time_a, time_b, clip_a=None,
                      clip_b=None) -> list[dict]:
    """One row per guardrail: its limit, the measured value (None until both arms have one) and breached."""
    rows = []
    for metric, limit in (guardrails or {}).items():
        value = None
        if metric == "success_rate_drop" and success_a is not None and success_b is not None:
            value = (success_a - success_b) * 100
        elif metric == "time_increase_pct" and time_a and time_b is not None:
            value = (time_b / time_a - 1) * 100
        elif metric == "clip_score_drop" and clip_a is not None and clip_b is not None:
            value = clip_a - clip_b
        rows.append({"metric": metric, "label": LABELS.get(metric, metric), "limit": limit, "value": value,
                     "breached": value is not None and value > limit})
    return rows
