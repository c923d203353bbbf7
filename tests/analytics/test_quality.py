"""quality_improvement (enhanced against its same-prompt, same-seed baseline) and consistency_score."""

from decimal import Decimal

import pytest

from analytics.models import EnhancedPromptTest
from analytics.rollups.quality import consistency_score, prompt_consistency, quality_rebuild
from generations.models import Job, LiveJobTracking, PromptUsage
from generations.services import job_rate
from ourvidz_admin.choices import EnhancementStrategy as S
from tests.factories import JobFactory, LiveJobTrackingFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("ratings", "expected"), [
    ([3, 3], Decimal("1.00")),
    ([1, 5], Decimal("0.00")),
    ([1, 2, 3, 4, 5], Decimal("0.29")),  # σ = √2: 1 - 0.7071
    ([4, 5, 5, 5], Decimal("0.78")),  # σ = 0.4330: 1 - 0.2165
    ([4], None),
    ([], None),
])
def test_consistency_score_is_one_minus_half_the_population_sd(ratings, expected):
    assert consistency_score(ratings) == expected


def _pair(seed=42, prompt="a red fox in snow", strategy=S.HYBRID, **enhanced):
    baseline = JobFactory(seed=seed, original_prompt=prompt, enhancement_strategy=S.NONE)
    return baseline, JobFactory(seed=seed, original_prompt=prompt, enhancement_strategy=strategy, **enhanced)


def test_rating_an_enhanced_job_measures_it_against_its_rated_baseline():
    rater = UserFactory()
    baseline, enhanced = _pair(enhanced_prompt="a red fox in fresh snow, soft light, 85mm")
    LiveJobTrackingFactory(job=enhanced)
    JobFactory(seed=42, original_prompt="another prompt", quality_rating=1)  # other prompt: not a baseline
    JobFactory(seed=7, original_prompt="a red fox in snow", quality_rating=1)  # other seed: not a baseline
    job_rate(job=baseline, by=rater, rating=3)

    job_rate(job=enhanced, by=rater, rating=5)

    enhanced.refresh_from_db()
    tracking = LiveJobTracking.objects.get(job=enhanced)
    test = EnhancedPromptTest.objects.get(job=enhanced)
    assert enhanced.quality_improvement == Decimal("2.00")
    assert (tracking.baseline_quality, tracking.final_quality, tracking.quality_improvement) == (
        Decimal("3.00"), Decimal("5.00"), Decimal("2.00"))
    assert (test.baseline_quality, test.enhanced_quality, test.quality_improvement, test.enhancement_strategy) == (
        Decimal("3.00"), Decimal("5.00"), Decimal("2.00"), "hybrid")
    assert (test.original_length, test.enhanced_length, test.expansion_percentage) == (17, 41, Decimal("141.18"))
    assert test.consistency_score is None  # one rated output of this prompt and configuration so far
    assert Job.objects.get(pk=baseline.pk).quality_improvement is None


def test_rating_or_clearing_a_baseline_moves_its_enhanced_twins():
    rater = UserFactory()
    baseline, enhanced = _pair()
    second_baseline = JobFactory(seed=42, original_prompt="a red fox in snow", enhancement_strategy=S.NONE)
    job_rate(job=enhanced, by=rater, rating=4)
    assert Job.objects.get(pk=enhanced.pk).quality_improvement is None  # no rated baseline yet

    job_rate(job=baseline, by=rater, rating=2)
    job_rate(job=second_baseline, by=rater, rating=3)
    after_two = Job.objects.get(pk=enhanced.pk).quality_improvement
    job_rate(job=baseline, by=rater, clear_rating=True)
    after_clear = Job.objects.get(pk=enhanced.pk).quality_improvement
    job_rate(job=second_baseline, by=rater, clear_rating=True)

    assert after_two == Decimal("1.50")  # 4 - mean(2, 3)
    assert after_clear == Decimal("1.00")
    assert Job.objects.get(pk=enhanced.pk).quality_improvement is None
    assert not EnhancedPromptTest.objects.filter(job=enhanced).exists()


def test_rebuild_matches_the_incremental_path_and_repairs_drift():
    rater = UserFactory()
    for seed, (base, stars) in enumerate([(2, 5), (4, 3), (3, 3)]):
        baseline, enhanced = _pair(seed=seed)
        job_rate(job=baseline, by=rater, rating=base)
        job_rate(job=enhanced, by=rater, rating=stars)
    lonely = JobFactory(seed=99, enhancement_strategy=S.QWEN, quality_rating=5)
    incremental = dict(Job.objects.values_list("pk", "quality_improvement"))
    Job.objects.filter(pk=lonely.pk).update(quality_improvement=Decimal("1.00"))  # drift: no baseline exists

    changed = quality_rebuild()

    assert changed == 1
    assert dict(Job.objects.values_list("pk", "quality_improvement")) == incremental
    assert sorted(v for v in incremental.values() if v is not None) == [Decimal("-1.00"), Decimal("0.00"),
                                                                         Decimal("3.00")]


def test_prompt_consistency_averages_prompts_with_two_or_more_ratings():
    for stars in (1, 5):
        JobFactory(original_prompt="spread", quality_rating=stars)
    for stars in (4, 4, 4):
        JobFactory(original_prompt="steady", quality_rating=stars)
    JobFactory(original_prompt="single", quality_rating=2)
    JobFactory(original_prompt="steady", quality_rating=None)

    assert prompt_consistency(Job.objects.all()) == Decimal("0.50")  # mean(0.00, 1.00)
    assert prompt_consistency(Job.objects.filter(original_prompt="single")) is None


def test_rating_a_job_rates_its_prompt_usage_rows():
    from tests.factories import PromptUsageFactory

    job = JobFactory()
    usage = PromptUsageFactory(job=job, rating=None)
    other = PromptUsageFactory(rating=None)

    rater = UserFactory()
    job_rate(job=job, by=rater, rating=4)
    rated = PromptUsage.objects.get(pk=usage.pk).rating
    job_rate(job=job, by=rater, clear_rating=True)

    assert rated == 4
    assert PromptUsage.objects.get(pk=usage.pk).rating is None
    assert PromptUsage.objects.get(pk=other.pk).rating is None


def test_a_new_rating_updates_the_consistency_of_every_test_row_of_its_group():
    rater = UserFactory()
    jobs = []
    for seed, stars in ((1, 4), (2, 4), (3, 2)):
        baseline, enhanced = _pair(seed=seed, strategy=S.QWEN)
        job_rate(job=baseline, by=rater, rating=3)
        jobs.append((enhanced, stars))
    job_rate(job=jobs[0][0], by=rater, rating=jobs[0][1])
    job_rate(job=jobs[1][0], by=rater, rating=jobs[1][1])
    two_alike = sorted(EnhancedPromptTest.objects.values_list("consistency_score", flat=True))

    job_rate(job=jobs[2][0], by=rater, rating=jobs[2][1])

    assert two_alike == [Decimal("1.00"), Decimal("1.00")]  # 4, 4: no spread
    # 4, 4, 2: σ = 0.9428, 1 - σ/2 = 0.53, on all three rows, not just the newest
    assert list(EnhancedPromptTest.objects.values_list("consistency_score", flat=True)) == [Decimal("0.53")] * 3
