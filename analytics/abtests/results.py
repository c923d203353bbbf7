"""The statistics of one A/B test, from the ratings, statuses and times of its pairs' jobs.

One query reads three columns per job (stars, status, inference time) for every pair; the
figures come from ``analytics.stats`` (formulas and assumptions in
docs/metrics.md). Undefined figures (too few ratings, zero variance) are
``None``, never NaN, so the result can be stored as JSON on any database.
"""

import math
import warnings
from dataclasses import asdict, dataclass, field

import numpy as np

from analytics import stats
from analytics.abtests.guardrails import guardrail_figures
from analytics.models import ABTestPair
from ourvidz_admin.choices import JobStatus

MIN_RATINGS = 2  # per arm, for a mean's interval and the tests; and rated pairs for Wilcoxon
NOT_ENOUGH = "not enough ratings"


@dataclass(frozen=True)
class ArmFigures:
    """One arm: how many outputs are rated, their mean with its 95% interval, and how its jobs ended."""

    rated: int
    mean: float | None
    ci_low: float | None
    ci_high: float | None
    completed: int
    failed: int
    mean_time_ms: float | None = None  # mean inference time of the arm's completed jobs

    @property
    def success_rate(self) -> float | None:
        """Completed among completed + failed (cancelled and unfinished jobs are left out)."""
        finished = self.completed + self.failed
        return self.completed / finished if finished else None


@dataclass(frozen=True)
class ABTestResults:
    """Every figure of a test; ``baseline`` is arm a, ``enhanced`` arm b, differences are b - a."""

    pairs: int
    planned_pairs: int
    rated_pairs: int
    complete: bool
    message: str
    baseline: ArmFigures
    enhanced: ArmFigures
    difference: float | None = None
    difference_low: float | None = None
    difference_high: float | None = None
    welch_t: float | None = None
    welch_p: float | None = None
    paired_difference: float | None = None
    paired_low: float | None = None
    paired_high: float | None = None
    paired_t: float | None = None
    paired_p: float | None = None
    probability_improvement_paired: float | None = None
    sequential_low: float | None = None
    sequential_high: float | None = None
    can_stop: str = ""
    wilcoxon_statistic: float | None = None
    wilcoxon_p: float | None = None
    observed_sd_difference: float | None = None
    probability_enhanced_better: float | None = None
    success_difference: float | None = None
    success_z: float | None = None
    success_p: float | None = None
    confidence_level: float | None = None
    guardrails: list[dict] = field(default_factory=list)
    guardrail_breached: bool = False
    warnings: list[str] = field(default_factory=list)

    @property
    def enough_ratings(self) -> bool:
        return min(self.baseline.rated, self.enhanced.rated) >= MIN_RATINGS

    def as_json(self) -> dict:
        """Plain JSON (the ``results`` column), the arms' success rates included."""
        data = asdict(self)
        for arm in ("baseline", "enhanced"):
            data[arm]["success_rate"] = getattr(self, arm).success_rate
        data["enough_ratings"] = self.enough_ratings
        return data


def _finite(value) -> float | None:
    value = float(value)
    return value if math.isfinite(value) else None


def _arm(ratings: np.ndarray, statuses: list, times: list | None = None) -> ArmFigures:
    interval = stats.mean_interval(ratings) if ratings.size >= MIN_RATINGS else None
    timed = [time for time, status in zip(times or [], statuses, strict=False)
             if time is not None and status == JobStatus.COMPLETED]
    return ArmFigures(
        rated=int(ratings.size), mean=_finite(ratings.mean()) if ratings.size else None,
        ci_low=_finite(interval.low) if interval else None, ci_high=_finite(interval.high) if interval else None,
        completed=statuses.count(JobStatus.COMPLETED), failed=statuses.count(JobStatus.FAILED),
        mean_time_ms=float(np.mean(timed)) if timed else None,
    )


def _comparison(a: np.ndarray, b: np.ndarray) -> dict:
    """The two-sample figures; needs ``MIN_RATINGS`` per arm."""
    if not a.var() and not b.var():  # every rating of both arms equal: only the difference is defined
        return {"difference": _finite(b.mean() - a.mean()),
                "probability_enhanced_better": stats.probability_b_better(a, b)}
    with warnings.catch_warnings():
        # One constant arm makes scipy warn about precision; its figures are still exact.
        warnings.simplefilter("ignore", RuntimeWarning)
        welch = stats.welch_t_test(a, b)
        interval = stats.difference_interval(a, b)
    p_value = _finite(welch.p_value)
    return {
        "difference": _finite(interval.estimate), "difference_low": _finite(interval.low),
        "difference_high": _finite(interval.high), "welch_t": _finite(welch.statistic), "welch_p": p_value,
        "probability_enhanced_better": _finite(stats.probability_b_better(a, b)),
    }


def _sequential(pairs: np.ndarray, planned_pairs: int, planned_sd: float | None) -> dict:
    """The always-valid interval, and whether it lets the test stop: only when it excludes zero."""
    interval = (stats.sequential_interval(pairs[:, 0], pairs[:, 1], planned_pairs, planned_sd=planned_sd)
                if len(pairs) else None)
    if interval is None:
        return {}
    stop = "enhanced better" if interval.low > 0 else "enhanced worse" if interval.high < 0 else ""
    return {"sequential_low": _finite(interval.low), "sequential_high": _finite(interval.high), "can_stop": stop}


def _paired(pairs: np.ndarray) -> dict:
    if len(pairs) < MIN_RATINGS:
        return {}
    a, b = pairs[:, 0], pairs[:, 1]
    wilcoxon = stats.wilcoxon_signed_rank(a, b)
    differences = b - a
    # The sd of the paired differences: the input the next test's power calculation asks for.
    figures = {"wilcoxon_statistic": _finite(wilcoxon.statistic), "wilcoxon_p": _finite(wilcoxon.p_value),
               "observed_sd_difference": _finite(np.std(differences, ddof=1)),
               "paired_difference": _finite(differences.mean()),
               "probability_improvement_paired": _finite(stats.probability_improvement_paired(a, b))}
    if differences.var():  # every pair differing by the same amount: only the mean difference is defined
        interval, test = stats.paired_difference_interval(a, b), stats.paired_t_test(a, b)
        figures |= {"paired_low": _finite(interval.low), "paired_high": _finite(interval.high),
                    "paired_t": _finite(test.statistic), "paired_p": _finite(test.p_value)}
    return figures


def _success(baseline: ArmFigures, enhanced: ArmFigures) -> dict:
    n_a, n_b = baseline.completed + baseline.failed, enhanced.completed + enhanced.failed
    if not n_a or not n_b:
        return {}
    test = stats.two_proportion_test(baseline.completed, n_a, enhanced.completed, n_b)
    return {"success_difference": _finite(test.difference), "success_z": _finite(test.statistic),
            "success_p": _finite(test.p_value)}


def _warnings(pairs: int, planned: int, figures: dict) -> list[str]:
    notes = []
    if pairs < planned:
        notes.append(f"Under-powered: {pairs} pairs exist for the {planned} the power calculation asks for.")
    if figures.get("welch_p") is None and figures.get("difference") is not None:
        notes.append("Every rating of both arms is the same: the t-test is undefined.")
    return notes


def results_from_rows(rows, *, planned_pairs: int, planned_sd: float | None = None,
                      guardrails: dict | None = None) -> ABTestResults:
    """Figures from ``(baseline stars, baseline status, enhanced stars, enhanced status)`` per pair, and
    optionally ``(…, baseline inference ms, enhanced inference ms)`` for the time guardrail."""
    a = np.array([row[0] for row in rows if row[0] is not None], dtype=float)
    b = np.array([row[2] for row in rows if row[2] is not None], dtype=float)
    both = np.array([(row[0], row[2]) for row in rows if row[0] is not None and row[2] is not None],
                    dtype=float).reshape(-1, 2)
    timed = bool(rows) and len(rows[0]) > 4
    baseline = _arm(a, [row[1] for row in rows], [row[4] for row in rows] if timed else None)
    enhanced = _arm(b, [row[3] for row in rows], [row[5] for row in rows] if timed else None)
    enough = min(a.size, b.size) >= MIN_RATINGS
    figures = {**(_comparison(a, b) if enough else {}), **_paired(both), **_sequential(both, planned_pairs, planned_sd),
               **_success(baseline, enhanced)}
    # The document's "confidence level": the probability that enhanced is better, from the pairs of the
    # paired design when two are rated, else from the two arms. (It used to be 1 − Welch p, which is no
    # probability of anything an operator asks.)
    figures["confidence_level"] = figures.get("probability_improvement_paired",
                                              figures.get("probability_enhanced_better"))
    figures["guardrails"] = guardrail_figures(
        guardrails or {}, success_a=baseline.success_rate, success_b=enhanced.success_rate,
        time_a=baseline.mean_time_ms, time_b=enhanced.mean_time_ms)
    figures["guardrail_breached"] = any(row["breached"] for row in figures["guardrails"])
    message = "" if enough else (
        f"{NOT_ENOUGH}: {a.size} baseline and {b.size} enhanced outputs rated; each arm needs {MIN_RATINGS}.")
    return ABTestResults(
        pairs=len(rows), planned_pairs=planned_pairs, rated_pairs=len(both),
        complete=planned_pairs > 0 and len(both) >= planned_pairs, message=message,
        baseline=baseline, enhanced=enhanced, warnings=_warnings(len(rows), planned_pairs, figures), **figures,
    )


def ab_test_results(ab_test) -> ABTestResults:
    """The figures of ``ab_test`` as its jobs stand now: one query, two columns per job."""
    rows = list(
        ABTestPair.objects.filter(ab_test_id=ab_test.pk).order_by().values_list(
            "baseline_job__quality_rating", "baseline_job__status",
            "enhanced_job__quality_rating", "enhanced_job__status",
            "baseline_job__inference_time_ms", "enhanced_job__inference_time_ms",
        )
    )
    planned_sd = float(ab_test.sd_difference) if ab_test.sd_difference else None
    return results_from_rows(rows, planned_pairs=ab_test.planned_pairs, planned_sd=planned_sd,
                             guardrails=ab_test.guardrails)
