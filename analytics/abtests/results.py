"""The statistics of one A/B test, from the ratings, statuses and times of its pairs' jobs.

The per-test rollup (``analytics.abtests.outcomes``) holds four columns per job (stars, status, inference time,
CLIP score) for every pair and arm, read in one grouped scan; the figures come from ``analytics.stats`` (formulas and
assumptions in docs/metrics.md). Undefined figures (too few ratings, zero variance) are
``None``, never NaN, so the result can be stored as JSON on any database.
"""

import math
import warnings
from dataclasses import asdict, dataclass, field

import numpy as np

from analytics import stats
from analytics.abtests.arms import test_arms
from analytics.abtests.guardrails import guardrail_figures
from analytics.abtests.outcomes import outcome_columns
from ourvidz_admin.choices import JobStatus

MIN_RATINGS = 2  # per arm, for a mean's interval and the tests; and rated pairs for Wilcoxon
NOT_ENOUGH = "not enough ratings"
SEQUENTIAL_ALPHA = 0.05  # the confidence sequence's error, shared among the comparisons with the baseline


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
    clip_scored: int = 0  # jobs with a CLIP score (the worker's automatic score)
    mean_clip_score: float | None = None

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
    clip_pairs: int | None = None
    clip_difference: float | None = None
    clip_low: float | None = None
    clip_high: float | None = None
    clip_p: float | None = None
    confidence_level: float | None = None
    guardrails: list[dict] = field(default_factory=list)
    guardrail_breached: bool = False
    warnings: list[str] = field(default_factory=list)
    variants: list[dict] = field(default_factory=list)  # one row per arm against the baseline, enhanced first

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


def _arm(ratings: np.ndarray, statuses: list, times: list | None = None, clips: np.ndarray | None = None) -> ArmFigures:
    interval = stats.mean_interval(ratings) if ratings.size >= MIN_RATINGS else None
    clips = np.array([], dtype=float) if clips is None else clips[~np.isnan(clips)]
    timed = np.array([], dtype=float)
    if times:
        timed = np.array(times, dtype=float)[np.array(statuses, dtype=object) == JobStatus.COMPLETED]
        timed = timed[~np.isnan(timed)]
    return ArmFigures(
        rated=int(ratings.size), mean=_finite(ratings.mean()) if ratings.size else None,
        ci_low=_finite(interval.low) if interval else None, ci_high=_finite(interval.high) if interval else None,
        completed=statuses.count(JobStatus.COMPLETED), failed=statuses.count(JobStatus.FAILED),
        mean_time_ms=float(np.mean(timed)) if timed.size else None,
        clip_scored=int(clips.size), mean_clip_score=_finite(clips.mean()) if clips.size else None,
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


def _sequential(pairs: np.ndarray, planned_pairs: int, planned_sd: float | None, alpha: float = 0.05) -> dict:
    """The always-valid interval, and whether it lets the test stop: only when it excludes zero."""
    interval = (stats.sequential_interval(pairs[:, 0], pairs[:, 1], planned_pairs, alpha=alpha,
                                          planned_sd=planned_sd) if len(pairs) else None)
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


@dataclass(frozen=True)
class ArmRows:
    """One arm's jobs across the pairs, in pair order: stars (None when unrated), status, inference ms, CLIP."""

    name: str
    stars: list
    statuses: list
    times: list | None = None
    clips: list | None = None


def _clip(clips_a: np.ndarray, clips_b: np.ndarray) -> dict:
    """The CLIP score as an A/B metric: paired difference b − a over pairs with both scored, its paired t
    interval and test (the same formulas as the stars')."""
    both = ~np.isnan(clips_a) & ~np.isnan(clips_b)
    if both.sum() < MIN_RATINGS:
        return {}
    a, b = clips_a[both], clips_b[both]
    figures = {"clip_pairs": int(both.sum()), "clip_difference": _finite(np.mean(b - a))}
    if np.var(b - a):
        interval, test = stats.paired_difference_interval(a, b), stats.paired_t_test(a, b)
        figures |= {"clip_low": _finite(interval.low), "clip_high": _finite(interval.high),
                    "clip_p": _finite(test.p_value)}
    return figures


@dataclass(frozen=True)
class _Prepared:
    """One arm's rows as arrays (None → NaN) with its own figures: computed once per arm, not per comparison."""

    stars: np.ndarray
    clips: np.ndarray
    figures: ArmFigures

    @classmethod
    def of(cls, rows: ArmRows) -> "_Prepared":
        stars = np.array(rows.stars, dtype=float)
        clips = np.array(rows.clips if rows.clips is not None else [None] * len(rows.stars), dtype=float)
        return cls(stars, clips, _arm(stars[~np.isnan(stars)], rows.statuses, rows.times, clips))


def _comparison_figures(base: _Prepared, arm: _Prepared, *, planned_pairs: int, planned_sd: float | None,
                        guardrails: dict, alpha: float) -> dict:
    """Every figure of ``arm`` against the baseline, with its own rated pairs; the sequence at ``alpha``."""
    rated_a, rated_b = ~np.isnan(base.stars), ~np.isnan(arm.stars)
    a, b = base.stars[rated_a], arm.stars[rated_b]
    both = np.column_stack((base.stars[rated_a & rated_b], arm.stars[rated_a & rated_b]))
    base_figures, arm_figures = base.figures, arm.figures
    enough = min(a.size, b.size) >= MIN_RATINGS
    figures = {**(_comparison(a, b) if enough else {}), **_paired(both),
               **_sequential(both, planned_pairs, planned_sd, alpha), **_success(base_figures, arm_figures),
               **_clip(base.clips, arm.clips)}
    figures["guardrails"] = guardrail_figures(
        guardrails or {}, success_a=base_figures.success_rate, success_b=arm_figures.success_rate,
        time_a=base_figures.mean_time_ms, time_b=arm_figures.mean_time_ms,
        clip_a=base_figures.mean_clip_score, clip_b=arm_figures.mean_clip_score)
    figures["guardrail_breached"] = any(row["breached"] for row in figures["guardrails"])
    figures["rated_pairs"] = len(both)
    return figures


def _variants(arms: list[ArmRows], comparisons: list[tuple[ArmFigures, dict]]) -> list[dict]:
    """Per non-baseline arm: its name, its figures against the baseline, and Holm-adjusted p-values.

    Holm runs over the family of comparisons with the baseline (one per variant), separately for the
    paired t-test and for Wilcoxon; a comparison whose p-value is undefined is left out of its family.
    """
    rows = [{"arm": index, "name": arm.name, "figures": asdict(figures) | {"success_rate": figures.success_rate},
             **values}
            for index, (arm, (figures, values)) in enumerate(zip(arms[1:], comparisons, strict=True), start=1)]
    for key, adjusted_key in (("paired_p", "paired_p_holm"), ("wilcoxon_p", "wilcoxon_p_holm")):
        defined = [row for row in rows if row.get(key) is not None]
        for row, value in zip(defined, stats.holm_adjust([row[key] for row in defined]), strict=True):
            row[adjusted_key] = _finite(value)
    return rows


def results_from_arms(arms: list[ArmRows], *, planned_pairs: int, planned_sd: float | None = None,
                      guardrails: dict | None = None) -> ABTestResults:
    """Figures of a test with a baseline (``arms[0]``) and one or more further arms, each paired by prompt.

    The headline figures compare the enhanced arm (``arms[1]``) with the baseline; ``variants`` holds the
    same figures for every further arm. With m comparisons, each arm's confidence sequence runs at α/m
    (Bonferroni), so "can stop" stays valid for the family; the fixed-horizon p-values are Holm-adjusted.
    """
    base = _Prepared.of(arms[0])
    prepared = [_Prepared.of(arm) for arm in arms[1:]]
    computed = [_comparison_figures(base, arm, planned_pairs=planned_pairs, planned_sd=planned_sd,
                                    guardrails=guardrails, alpha=SEQUENTIAL_ALPHA / len(prepared))
                for arm in prepared]
    baseline, enhanced, figures = base.figures, prepared[0].figures, dict(computed[0])
    rated_pairs = figures.pop("rated_pairs")
    variants = _variants(arms, [(arm.figures, values) for arm, values in zip(prepared, computed, strict=True)])
    # The document's "confidence level": the probability that enhanced is better, from the pairs of the
    # paired design when two are rated, else from the two arms. (It used to be 1 − Welch p, which is no
    # probability of anything an operator asks.)
    figures["confidence_level"] = figures.get("probability_improvement_paired",
                                              figures.get("probability_enhanced_better"))
    figures["guardrail_breached"] = any(row["guardrail_breached"] for row in variants)
    enough = min(baseline.rated, enhanced.rated) >= MIN_RATINGS
    message = "" if enough else (
        f"{NOT_ENOUGH}: {baseline.rated} baseline and {enhanced.rated} enhanced outputs rated; "
        f"each arm needs {MIN_RATINGS}.")
    complete = planned_pairs > 0 and all(row["rated_pairs"] >= planned_pairs for row in variants)
    return ABTestResults(
        pairs=len(arms[0].stars), planned_pairs=planned_pairs, rated_pairs=rated_pairs, complete=complete,
        message=message, baseline=baseline, enhanced=enhanced,
        warnings=_warnings(len(arms[0].stars), planned_pairs, figures),
        variants=variants, **figures,
    )


def results_from_rows(rows, *, planned_pairs: int, planned_sd: float | None = None,
                      guardrails: dict | None = None) -> ABTestResults:
    """Figures of a two-arm test from ``(baseline stars, baseline status, enhanced stars, enhanced status)`` per
    pair, and optionally ``(…, baseline inference ms, enhanced inference ms)`` for the time guardrail."""
    timed = bool(rows) and len(rows[0]) > 4
    arms = [ArmRows(name, [row[offset] for row in rows], [row[offset + 1] for row in rows],
                    [row[4 + index] for row in rows] if timed else None)
            for index, (name, offset) in enumerate((("baseline", 0), ("enhanced", 2)))]
    return results_from_arms(arms, planned_pairs=planned_pairs, planned_sd=planned_sd, guardrails=guardrails)


def _stored_arms(ab_test) -> list[ArmRows]:
    """Every arm's rows of a stored test, in pair order, from its outcome rows (``analytics.abtests.outcomes``)."""
    names = [name for name, _arm in test_arms(ab_test)]
    return [ArmRows(name, *columns) for name, columns in zip(names, outcome_columns(ab_test.pk, len(names)),
                                                             strict=True)]


def ab_test_results(ab_test) -> ABTestResults:
    """The figures of ``ab_test`` as its jobs stand now: its outcome rows, four columns per job."""
    planned_sd = float(ab_test.sd_difference) if ab_test.sd_difference else None
    return results_from_arms(_stored_arms(ab_test), planned_pairs=ab_test.planned_pairs, planned_sd=planned_sd,
                             guardrails=ab_test.guardrails)
