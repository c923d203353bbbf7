"""How far raters agree: Krippendorff's α (ordinal) on the ratings of a series' or an A/B test's jobs.

The ratings are ``job_ratings`` rows (one per job and rater: the stars) or, for one criterion,
``generation_image_rating`` rows (one per output, criterion and rater). α comes from the
``krippendorff`` package; its 95 % interval is a percentile bootstrap over the rated outputs (items
resampled with replacement, ``BOOTSTRAP`` times, a fixed seed so a page and the API agree). Formulas in
docs/metrics.md.
"""

import math

import krippendorff
import numpy as np
from django.core.exceptions import ValidationError

from analytics.abtests.selectors import ab_test_job_ids
from analytics.models import PromptABTest
from generations.models import GenerationImageRating, JobRating
from ourvidz_admin.choices import RatingCriterion
from ourvidz_admin.db import stored_value_problem

BOOTSTRAP = 500
SEED = 20261204
STARS = np.arange(1, 6)


def _alpha(matrix: np.ndarray) -> float | None:
    """Ordinal α of a raters × items matrix (NaN = not rated); None where it is undefined."""
    if matrix.shape[1] < 2 or len(np.unique(matrix[~np.isnan(matrix)])) < 2:
        return None
    value = float(krippendorff.alpha(reliability_data=matrix, value_domain=STARS, level_of_measurement="ordinal"))
    return value if math.isfinite(value) else None


def _per_rater(matrix: np.ndarray, raters: list) -> list[dict]:
    """Each rater's mean difference from the mean of the others, over the items both they and others rated."""
    rows = []
    for index, rater in enumerate(raters):
        mine = matrix[index]
        others = np.delete(matrix, index, axis=0)
        shared = ~np.isnan(mine) & (np.sum(~np.isnan(others), axis=0) > 0)
        difference = float(np.mean(mine[shared] - np.nanmean(others[:, shared], axis=0))) if shared.any() else None
        rows.append({"rater": rater, "items": int(shared.sum()), "mean_difference": difference})
    return rows


def _unit_coincidences(matrix: np.ndarray) -> np.ndarray:
    """Per item, its 5 × 5 contribution to the coincidence matrix (Krippendorff 2011): n_ck(u) / (m_u − 1)."""
    counts = np.stack([(matrix == stars).sum(axis=0) for stars in STARS], axis=1).astype(float)  # items × 5
    pairable = counts.sum(axis=1)
    outer = counts[:, :, None] * counts[:, None, :] - np.einsum("ic,ck->ick", counts, np.eye(len(STARS)))
    return outer / (pairable - 1)[:, None, None]


def _alpha_from_coincidences(o: np.ndarray) -> np.ndarray:
    """Ordinal α from coincidence matrices (… × 5 × 5), vectorised over the leading axes."""
    n_c = o.sum(axis=-1)
    n = n_c.sum(axis=-1)
    cumulative = np.cumsum(n_c, axis=-1)
    # δ²_ck = (Σ_{g=c..k} n_g − (n_c + n_k)/2)², with Σ_{g=c..k} = cum_max − cum_min + n_min
    c, k = np.meshgrid(np.arange(len(STARS)), np.arange(len(STARS)), indexing="ij")
    low, high = np.minimum(c, k), np.maximum(c, k)
    between = cumulative[..., high] - cumulative[..., low] + n_c[..., low]
    delta = (between - (n_c[..., c] + n_c[..., k]) / 2) ** 2
    observed = (o * delta).sum(axis=(-2, -1))
    expected = (n_c[..., :, None] * n_c[..., None, :] * delta).sum(axis=(-2, -1)) / (n - 1)
    with np.errstate(divide="ignore", invalid="ignore"):
        return 1 - observed / expected


def agreement_from_ratings(ratings, *, bootstrap: int = BOOTSTRAP, seed: int = SEED) -> dict:
    """α, its bootstrap interval and the counts from ``(item, rater, stars)`` triples.

    Only items rated by two raters or more carry information on agreement; ``items`` counts those. The
    point estimate is the ``krippendorff`` package's; each bootstrap replicate resamples the items and
    recomputes the same α from the resampled coincidence matrix (one matrix product for all replicates).
    """
    ratings = list(ratings)
    raters = sorted({rater for _item, rater, _stars in ratings}, key=str)
    by_item: dict = {}
    for item, rater, stars in ratings:
        by_item.setdefault(item, {})[rater] = stars
    shared = [item for item, given in by_item.items() if len(given) >= 2]
    matrix = np.full((len(raters), len(shared)), np.nan)
    row = {rater: index for index, rater in enumerate(raters)}
    for column, item in enumerate(shared):
        for rater, stars in by_item[item].items():
            matrix[row[rater], column] = stars
    alpha = _alpha(matrix)
    low = high = None
    if alpha is not None and bootstrap:
        units = _unit_coincidences(matrix).reshape(len(shared), -1)
        weights = np.random.default_rng(seed).multinomial(len(shared), np.full(len(shared), 1 / len(shared)),
                                                          size=bootstrap)
        draws = _alpha_from_coincidences((weights @ units).reshape(bootstrap, len(STARS), len(STARS)))
        draws = draws[np.isfinite(draws)]
        if draws.size:
            low, high = (float(value) for value in np.percentile(draws, [2.5, 97.5]))
    return {"alpha": alpha, "alpha_low": low, "alpha_high": high, "items": len(shared), "raters": len(raters),
            "ratings": int(np.sum(~np.isnan(matrix))), "per_rater": _per_rater(matrix, raters)}


JOB_STARS = "stars"


def agreement(*, test_series: str | None = None, ab_test=None, criterion: str = JOB_STARS) -> dict:
    """Agreement over the jobs of a test series or of an A/B test.

    ``criterion="stars"`` (the default) reads the job stars of each rater (``job_ratings``: what the rating
    pages and ``PATCH /api/generations/{id}/rating`` write); a rating criterion (``overall``,
    ``composition`` ...) reads the per-output ratings of that criterion instead.
    """
    if bool(test_series) == (ab_test is not None):
        raise ValidationError({"test_series": "Give a test series or an A/B test (ab_test), one of them."})
    for name, value in (("test_series", test_series), ("criterion", criterion)):
        if value and (problem := stored_value_problem(value)):
            raise ValidationError({name: problem})
    if criterion != JOB_STARS and criterion not in RatingCriterion.values:
        raise ValidationError({"criterion": f"Unknown criterion {criterion!r}: one of "
                                            f"{', '.join([JOB_STARS, *RatingCriterion.values])}."})
    if ab_test is not None:
        jobs = ab_test_job_ids(ab_test=ab_test)
    if criterion == JOB_STARS:
        ratings = JobRating.objects.filter(stars__isnull=False, rater__isnull=False)
        ratings = ratings.filter(job__test_series=test_series) if test_series else ratings.filter(job_id__in=jobs)
        rows = ratings.values_list("job_id", "rater__username", "stars")
    else:
        ratings = GenerationImageRating.objects.filter(criteria=criterion, rated_by__isnull=False)
        ratings = (ratings.filter(output__job__test_series=test_series) if test_series
                   else ratings.filter(output__job_id__in=jobs))
        rows = ratings.values_list("output_id", "rated_by__username", "rating")
    result = agreement_from_ratings(rows)
    return {**result, "criterion": criterion, "test_series": test_series or None,
            "ab_test": str(ab_test.pk) if isinstance(ab_test, PromptABTest) else None}
