"""How far the machine agrees with people: Spearman's ρ between CLIP scores and human stars.

Each rated job gives one pair: its ``clip_score`` (the mean CLIP score of its outputs, written by the worker)
and its ``rating_mean`` (the raters' mean stars). ρ and its two-sided p-value are ``scipy.stats.spearmanr``'s
(ties get average ranks; the p-value is the t-distribution approximation). Formulas in docs/metrics.md,
"CLIP–stars Spearman ρ".
"""

import math

from django.core.exceptions import ValidationError
from scipy import stats

from analytics.abtests.selectors import ab_test_job_ids
from analytics.models import PromptABTest
from generations.models import Job
from ourvidz_admin.db import stored_value_problem

#: Fewest pairs for which ρ and its p-value are reported.
MIN_PAIRS = 3


def spearman_clip_stars(pairs) -> dict:
    """``{"rho", "p_value", "n"}`` of ``(clip_score, stars)`` pairs; rho and p_value are None when undefined.

    Undefined: fewer than ``MIN_PAIRS`` pairs, or either side constant (no ranking to correlate). Pairs
    with a missing value are left out and not counted in ``n``.
    """
    kept = [(float(clip), float(stars)) for clip, stars in pairs if clip is not None and stars is not None]
    result = {"rho": None, "p_value": None, "n": len(kept)}
    if len(kept) < MIN_PAIRS:
        return result
    clips, stars = zip(*kept)
    if len(set(clips)) < 2 or len(set(stars)) < 2:
        return result
    found = stats.spearmanr(clips, stars)
    rho, p_value = float(found.statistic), float(found.pvalue)
    if math.isfinite(rho):
        result.update(rho=rho, p_value=p_value if math.isfinite(p_value) else None)
    return result


def clip_star_pairs(*, test_series: str | None = None, ab_test: PromptABTest | None = None) -> list[tuple]:
    """``(clip_score, rating_mean)`` of the jobs of a test series or of an A/B test (every arm) that have both.

    Ordered by creation, so the same jobs always give the same list.
    """
    jobs = Job.objects.filter(clip_score__isnull=False, rating_mean__isnull=False)
    if ab_test is not None:
        jobs = jobs.filter(pk__in=ab_test_job_ids(ab_test=ab_test))
    else:
        jobs = jobs.filter(test_series=test_series)
    return list(jobs.order_by("created_at", "id").values_list("clip_score", "rating_mean"))


def clip_correlation(*, test_series: str | None = None, ab_test: PromptABTest | None = None) -> dict:
    """Spearman's ρ between CLIP score and stars over a test series' or an A/B test's rated jobs.

    Give one of the two; a test series holding a NUL character is refused by name (PostgreSQL cannot compare
    it). Returns ``{rho, p_value, n, test_series, ab_test}``.
    """
    if bool(test_series) == (ab_test is not None):
        raise ValidationError({"test_series": "Give a test series or an A/B test (ab_test), one of them."})
    if test_series and (problem := stored_value_problem(test_series)):
        raise ValidationError({"test_series": problem})
    result = spearman_clip_stars(clip_star_pairs(test_series=test_series, ab_test=ab_test))
    return {**result, "test_series": test_series or None, "ab_test": str(ab_test.pk) if ab_test is not None else None}
