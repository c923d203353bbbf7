"""A/B test services: the power calculation, creation checks, pairing of seeds, start, cancel, completion."""

import math
import uuid
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from scipy import stats

from analytics.abtests.selectors import ab_test_id_for_job
from analytics.abtests.services import (
    MAX_PAIRS,
    ab_pair_rate,
    ab_test_cancel,
    ab_test_create,
    ab_test_plan,
    ab_test_refresh_results,
    ab_test_start,
    ab_tests_refresh_for_job,
    pair_seed,
)
from analytics.models import ABTestArmJob, ABTestPair, PromptABTest
from configs.models import ModelBackend
from configs.selectors import clear_cache
from configs.services import model_backend_set
from generations.models import Job
from generations.services import job_rate
from tests.factories import (
    ABTestPairFactory,
    CompelConfigFactory,
    EnhancedModelConfigFactory,
    JobFactory,
    PromptABTestFactory,
    PromptVersionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
PLAN = {"target_lift": "0.50", "alpha": "0.050", "power": "0.80", "sd_difference": "1.00"}


@pytest.fixture
def backends(tmp_path):
    for family in ("qwen", "sdxl", "wan"):
        model_backend_set(family=family, path=str(tmp_path / family), model_name=family)


def _create(**overrides) -> PromptABTest:
    values = {"test_name": "Qwen vs plain", "test_series": "ab-qwen", "model_type": "SDXL",
              "baseline": {"enhancement_strategy": "none"}, "enhanced": {"enhancement_strategy": "qwen"},
              "prompts": ["a red fox in snow", "a lighthouse at dusk", "an old sailor, portrait"], **PLAN}
    return ab_test_create(**{**values, **overrides})


def _errors(**overrides) -> dict:
    with pytest.raises(ValidationError) as excinfo:
        _create(**overrides)
    assert PromptABTest.objects.count() == 0 and ABTestPair.objects.count() == 0
    return excinfo.value.message_dict


def _power(n: int, effect: float, alpha: float) -> float:
    critical = stats.t.ppf(1 - alpha / 2, n - 1)
    delta = effect * math.sqrt(n)
    return stats.nct.sf(critical, n - 1, delta) + stats.nct.cdf(-critical, n - 1, delta)


def test_plan_is_the_smallest_n_reaching_the_power():
    plan = ab_test_plan(**PLAN)

    assert plan.planned_pairs == 34
    assert _power(34, 0.5, 0.05) >= 0.80 > _power(33, 0.5, 0.05)
    assert (plan.target_lift, plan.alpha, plan.power, plan.sd_difference) == (
        Decimal("0.50"), Decimal("0.050"), Decimal("0.80"), Decimal("1.00"))
    assert plan.effect_size == 0.5


@pytest.mark.parametrize("field,value,message", [
    ("alpha", "0.5", "alpha must be above 0 and below 0.5, got 0.5."),
    ("power", "1", "power must be above 0.5 and below 1, got 1."),
    ("target_lift", "0", "target_lift must be from 0.01 to 4, got 0."),
    ("sd_difference", "abc", "sd_difference must be a number, got 'abc'."),
    ("alpha", "0.0501", "alpha must be a number with at most 3 decimal places."),
])
def test_plan_rejects_inputs_outside_the_columns(field, value, message):
    with pytest.raises(ValidationError) as excinfo:
        ab_test_plan(**{**PLAN, field: value})

    assert excinfo.value.message_dict == {field: [message]}


def test_plan_refuses_more_pairs_than_the_limit():
    with pytest.raises(ValidationError) as excinfo:
        ab_test_plan(**{**PLAN, "target_lift": "0.05"})

    assert excinfo.value.message_dict["target_lift"][0].endswith(
        f"the limit is {MAX_PAIRS:,}. Raise target_lift or lower sd_difference.")


def test_create_cycles_prompts_to_the_plan_with_derived_seeds_and_balanced_blind_order():
    user = UserFactory()

    test = _create(created_by=user, prompts=["a red fox in snow", "", "  a lighthouse at dusk  "])

    pairs = list(test.pairs.order_by("position"))
    assert (test.status, test.planned_pairs, test.created_by, len(pairs)) == ("draft", 34, user, 34)
    assert [p.prompt_text for p in pairs[:3]] == ["a red fox in snow", "a lighthouse at dusk", "a red fox in snow"]
    assert [p.seed for p in pairs] == [pair_seed(test.pk, n) for n in range(1, 35)]
    assert len({p.seed for p in pairs}) == 34 and all(0 <= p.seed < 2**32 for p in pairs)
    assert sum(p.enhanced_first for p in pairs) == 17
    assert all(p.baseline_job_id is None and p.enhanced_job_id is None for p in pairs)
    assert test.baseline_config == {"prompt_version": None, "enhancement_strategy": "none", "compel_config": None,
                                    "model_config": None}
    assert test.enhanced_config["enhancement_strategy"] == "qwen"


def test_create_keeps_every_prompt_beyond_the_plan():
    prompts = [f"prompt number {n}" for n in range(40)]

    test = _create(prompts=prompts)

    assert test.planned_pairs == 34 and test.pairs.count() == 40


def test_create_stores_arms_with_every_setting():
    version, compel = PromptVersionFactory(), CompelConfigFactory()
    config = EnhancedModelConfigFactory(model_type="SDXL")

    test = _create(baseline={"prompt_version": str(version.pk)},
                   enhanced={"enhancement_strategy": "hybrid", "compel_config": str(compel.pk),
                             "model_config": str(config.pk), "prompt_version": str(version.pk)})

    assert test.baseline_config == {"prompt_version": str(version.pk), "enhancement_strategy": "none",
                                    "compel_config": None, "model_config": None}
    assert test.enhanced_config == {"prompt_version": str(version.pk), "enhancement_strategy": "hybrid",
                                    "compel_config": str(compel.pk), "model_config": str(config.pk)}


def test_create_rejects_bad_arms_with_one_message_per_field():
    wan_config = EnhancedModelConfigFactory(model_type="WAN", config_name="WAN fast", resolution="", motion_bucket=127,
                                            frame_count=65)
    deleted = PromptVersionFactory(deleted_at=timezone.now())
    missing = uuid.uuid4()

    errors = _errors(
        baseline={"strategy": "qwen", "prompt_version": str(deleted.pk), "compel_config": "nope"},
        enhanced={"enhancement_strategy": "magic", "compel_config": str(missing), "model_config": str(wan_config.pk)},
    )

    assert errors == {
        "baseline.strategy": ["Unknown arm setting 'strategy'; use prompt_version, enhancement_strategy, "
                              "compel_config, model_config."],
        "baseline.prompt_version": [f"Prompt version {deleted.pk} is deleted."],
        "baseline.compel_config": ["'nope' is not a Compel configuration id (a UUID)."],
        "enhanced.enhancement_strategy": ["Unknown strategy 'magic'; use one of: none, qwen, compel, hybrid."],
        "enhanced.compel_config": [f"No Compel configuration with id {missing}."],
        "enhanced.model_config": ["'WAN fast' is a WAN configuration; this test runs SDXL."],
    }


def test_create_rejects_compel_settings_that_cannot_apply():
    compel = CompelConfigFactory()

    errors = _errors(model_type="WAN", baseline={"enhancement_strategy": "compel"},
                     enhanced={"enhancement_strategy": "qwen", "compel_config": str(compel.pk)})

    assert errors == {
        "baseline.enhancement_strategy": ["Compel weighting is SDXL-only; use none or qwen for WAN."],
        "enhanced.compel_config": ["A Compel configuration applies only to the compel and hybrid strategies."],
    }


def test_create_rejects_identical_arms():
    errors = _errors(baseline={}, enhanced={"enhancement_strategy": "none"})

    assert errors == {"enhanced": ["The two arms are identical; change at least one setting."]}


def test_create_reports_plan_prompt_and_name_errors_together():
    errors = _errors(test_name="  ", alpha="0.9", prompts=["", "x" * 8001])

    assert errors == {
        "test_name": ["This field cannot be blank."],
        "alpha": ["alpha must be above 0 and below 0.5, got 0.9."],
        "prompts": ["Prompt 2: The prompt is 8,001 characters; the limit is 8,000."],
    }
    assert _errors(prompts=[" ", ""]) == {"prompts": ["Give at least one prompt (one per line)."]}
    assert _errors(test_series="x" * 101)["test_series"] == [
        "Ensure this value has at most 100 characters (it has 101)."]


def test_start_submits_both_arms_of_every_pair_with_the_same_prompt_and_seed(backends):
    compel, config = CompelConfigFactory(), EnhancedModelConfigFactory(model_type="SDXL")
    user = UserFactory()
    test = _create(baseline={"model_config": str(config.pk)},
                   enhanced={"enhancement_strategy": "hybrid", "compel_config": str(compel.pk)})

    started = ab_test_start(ab_test=test, user=user)

    assert (started.status, started.started_at is not None) == ("running", True)
    pairs = list(test.pairs.select_related("baseline_job", "enhanced_job"))
    assert Job.objects.count() == 2 * len(pairs) == 68
    for pair in pairs:
        base, enhanced = pair.baseline_job, pair.enhanced_job
        assert base.original_prompt == enhanced.original_prompt == pair.prompt_text
        assert base.seed == enhanced.seed == pair.seed
        assert (base.enhancement_strategy, base.model_config, base.compel_config) == ("none", config, None)
        assert (enhanced.enhancement_strategy, enhanced.compel_config) == ("hybrid", compel)
        assert enhanced.compel_weights == compel.weights
        assert base.test_series == enhanced.test_series == "ab-qwen"
        assert base.user == enhanced.user == user and base.status == enhanced.status == "queued"


def test_start_writes_nothing_when_one_job_cannot_be_submitted(backends):
    test = _create()
    ModelBackend.objects.filter(family="qwen").update(enabled=False)
    clear_cache()

    with pytest.raises(ValidationError) as excinfo:
        ab_test_start(ab_test=test, user=None)

    assert "(enhanced arm): No model is configured for qwen" in excinfo.value.messages[0]
    test.refresh_from_db()
    assert (test.status, test.started_at, Job.objects.count()) == ("draft", None, 0)
    assert not test.pairs.filter(enhanced_job__isnull=False).exists()


def test_start_refuses_a_test_that_is_not_a_draft(backends):
    test = PromptABTestFactory(status="running")

    with pytest.raises(ValidationError) as excinfo:
        ab_test_start(ab_test=test, user=None)

    assert excinfo.value.message_dict == {"status": ["Only a draft test can be started; this one is running."]}


def _rate_all(pairs, baseline: int, enhanced: int, rater):
    for pair in pairs:
        job_rate(job=pair.baseline_job, by=rater, rating=baseline)
        job_rate(job=pair.enhanced_job, by=rater, rating=enhanced)


def _unfinished(status: str) -> dict:
    return {"status": status, "completed_at": None}


def test_cancel_a_running_test_stops_unfinished_jobs_and_keeps_finished_ones_and_ratings(
        django_capture_on_commit_callbacks):
    from generations import queueing

    test = PromptABTestFactory(status="running", planned_pairs=3, started_at=timezone.now())
    rated = ABTestPairFactory(ab_test=test)
    _rate_all([rated], 3, 5, UserFactory())
    half = ABTestPairFactory(ab_test=test, enhanced_job=JobFactory(**_unfinished("queued")))
    busy = ABTestPairFactory(ab_test=test, baseline_job=JobFactory(**_unfinished("processing")),
                             enhanced_job=JobFactory(**_unfinished("queued")))
    admin = UserFactory(username="lead")

    with django_capture_on_commit_callbacks() as callbacks:
        cancelled = ab_test_cancel(ab_test=test, user=admin)
    stops = [c for c in callbacks if c.__qualname__.startswith("job_cancel.")]
    for callback in stops:
        callback()

    jobs = {job.pk: job for job in Job.objects.all()}
    assert (cancelled.status, cancelled.is_complete, cancelled.completed_at) == ("cancelled", False, None)
    assert PromptABTest.objects.get().status == "cancelled"
    assert [(jobs[j.pk].status, jobs[j.pk].quality_rating) for j in (rated.baseline_job, rated.enhanced_job)] == [
        ("completed", 3), ("completed", 5)]
    assert jobs[half.baseline_job.pk].status == "completed"
    for queued in (half.enhanced_job, busy.enhanced_job):
        assert (jobs[queued.pk].status, jobs[queued.pk].error_message) == ("cancelled", "Cancelled by lead")
    processing = jobs[busy.baseline_job.pk]
    assert (processing.status, processing.cancel_requested_at is not None) == ("processing", True)
    assert len(stops) == 3 and queueing.cancel_requested(processing.pk)  # two dequeues and the worker's flag
    queueing.clear_cancel(processing.pk)
    assert (cancelled.total_participants, cancelled.baseline_avg_quality, cancelled.enhanced_avg_quality) == (
        1, Decimal("3.00"), Decimal("5.00"))
    assert (cancelled.results["baseline"]["completed"], cancelled.results["enhanced"]["completed"]) == (2, 1)


def test_cancel_a_draft_test_then_it_cannot_start():
    test = PromptABTestFactory(status="draft")
    ABTestPairFactory(ab_test=test, baseline_job=None, enhanced_job=None)

    cancelled = ab_test_cancel(ab_test=test, user=None)

    assert (cancelled.status, cancelled.results["pairs"], cancelled.results_computed_at is not None) == (
        "cancelled", 1, True)
    with pytest.raises(ValidationError) as excinfo:
        ab_test_start(ab_test=test, user=None)
    assert excinfo.value.message_dict == {"status": ["Only a draft test can be started; this one is cancelled."]}


@pytest.mark.parametrize("status,message", [
    ("complete", "Only a draft or running test can be cancelled; this one is complete."),
    ("cancelled", "This test is already cancelled."),
])
def test_cancel_refuses_complete_and_cancelled_tests_and_touches_nothing(status, message):
    pair = ABTestPairFactory(ab_test__status=status, enhanced_job=JobFactory(**_unfinished("queued")))

    with pytest.raises(ValidationError) as excinfo:
        ab_test_cancel(ab_test=pair.ab_test, user=None)

    assert excinfo.value.message_dict == {"status": [message]}
    pair.ab_test.refresh_from_db()
    assert (pair.ab_test.status, pair.ab_test.results_computed_at) == (status, None)
    assert Job.objects.get(pk=pair.enhanced_job.pk).status == "queued"


def test_rating_a_cancelled_test_is_refused():
    pair = ABTestPairFactory(ab_test__status="cancelled")

    with pytest.raises(ValidationError) as excinfo:
        ab_pair_rate(pair=pair, label="A", rating=4, by=UserFactory())

    assert excinfo.value.message_dict == {"status": ["This test is cancelled; its outputs can no longer be rated."]}
    assert Job.objects.filter(quality_rating__isnull=False).count() == 0


def test_completion_flips_when_the_planned_pairs_are_rated_and_back_when_a_rating_is_cleared():
    test = PromptABTestFactory(status="running", planned_pairs=4)
    pairs = ABTestPairFactory.create_batch(5, ab_test=test)
    rater = UserFactory()
    _rate_all(pairs[:3], 3, 4, rater)

    refreshed = ab_test_refresh_results(ab_test=test)
    assert (refreshed.status, refreshed.is_complete, refreshed.total_participants) == ("running", False, 3)
    _rate_all(pairs[3:4], 2, 5, rater)
    refreshed = ab_test_refresh_results(ab_test=test)

    assert (refreshed.status, refreshed.is_complete, refreshed.completed_at is not None) == ("complete", True, True)
    assert refreshed.total_participants == 4
    assert (refreshed.baseline_avg_quality, refreshed.enhanced_avg_quality) == (Decimal("2.75"), Decimal("4.25"))
    assert refreshed.quality_improvement == Decimal("1.50")
    assert refreshed.confidence_level == Decimal(str(round(refreshed.results["probability_improvement_paired"], 2)))
    assert refreshed.results["complete"] is True and refreshed.results["rated_pairs"] == 4
    job_rate(job=pairs[0].enhanced_job, by=rater, clear_rating=True)
    refreshed = ab_test_refresh_results(ab_test=test)
    assert (refreshed.status, refreshed.is_complete, refreshed.completed_at) == ("running", False, None)


@pytest.mark.parametrize("status", ["draft", "cancelled"])
def test_a_draft_or_cancelled_test_keeps_its_status_on_refresh(status):
    test = PromptABTestFactory(status=status, planned_pairs=1)
    _rate_all(ABTestPairFactory.create_batch(2, ab_test=test), 3, 4, UserFactory())

    refreshed = ab_test_refresh_results(ab_test=test)

    assert (refreshed.status, refreshed.is_complete, refreshed.total_participants) == (status, False, 2)
    assert refreshed.completed_at is None


def test_rating_or_finishing_a_pair_job_refreshes_its_test_after_commit(django_capture_on_commit_callbacks):
    test = PromptABTestFactory(status="running", planned_pairs=2)
    pairs = ABTestPairFactory.create_batch(2, ab_test=test)
    rater = UserFactory()

    with django_capture_on_commit_callbacks() as callbacks:
        _rate_all(pairs, 4, 5, rater)
    for callback in callbacks:
        if "ab_tests_job_changed" in callback.__qualname__:
            callback()

    test.refresh_from_db()
    assert (test.status, test.total_participants, test.enhanced_avg_quality) == ("complete", 2, Decimal("5.00"))
    assert sum("ab_tests_job_changed" in c.__qualname__ for c in callbacks) == 4


def test_refresh_for_a_job_outside_any_test_does_nothing():
    assert ab_tests_refresh_for_job(job_id=uuid.uuid4()) is None


def test_the_test_of_a_job_is_found_in_one_query_whichever_arm_ran_it(django_assert_num_queries):
    pair = ABTestPairFactory()
    variant = ABTestArmJob.objects.create(pair=ABTestPairFactory(), arm=2, job=JobFactory())
    jobs = [pair.baseline_job_id, pair.enhanced_job_id, variant.job_id, JobFactory().pk, uuid.uuid4()]

    found = []
    for job_id in jobs:
        with django_assert_num_queries(1):
            found.append(ab_test_id_for_job(job_id))

    assert found == [pair.ab_test_id, pair.ab_test_id, variant.pair.ab_test_id, None, None]
    assert variant.pair.ab_test_id != pair.ab_test_id


def test_rating_by_blind_label_reaches_the_arm_the_order_says():
    pair = ABTestPairFactory(enhanced_first=True)
    rater = UserFactory()

    ab_pair_rate(pair=pair, label="a", rating=5, by=rater)
    ab_pair_rate(pair=pair, label="B", rating=2, by=rater)

    pair.enhanced_job.refresh_from_db()
    pair.baseline_job.refresh_from_db()
    assert (pair.enhanced_job.quality_rating, pair.baseline_job.quality_rating) == (5, 2)
    assert pair.enhanced_job.rated_by == rater


@pytest.mark.parametrize("enhanced_first,first,second", [(True, "enhanced", "baseline"),
                                                         (False, "baseline", "enhanced")])
def test_pair_jobs_by_label_follow_the_blind_order(enhanced_first, first, second):
    from analytics.abtests.selectors import LABELS, blind_pair, pair_jobs_by_label

    pair = ABTestPairFactory(enhanced_first=enhanced_first)

    jobs = pair_jobs_by_label(pair)

    assert list(jobs) == list(LABELS[:2]) == ["A", "B"]
    assert (jobs["A"], jobs["B"]) == (getattr(pair, f"{first}_job"), getattr(pair, f"{second}_job"))
    assert [side.label for side in blind_pair(pair).sides] == ["A", "B"]


def test_rating_updates_the_pairs_own_job_so_the_blind_card_needs_no_second_read():
    from analytics.abtests.selectors import ab_test_pair_get, blind_pair

    pair = ABTestPairFactory(enhanced_first=False)
    loaded = ab_test_pair_get(ab_test=pair.ab_test, pair_id=pair.pk)

    rated = ab_pair_rate(pair=loaded, label="B", rating=4, by=UserFactory())

    assert (rated.pk, rated.quality_rating) == (pair.enhanced_job.pk, 4)
    assert [side.rating for side in blind_pair(loaded).sides] == [None, 4]
    assert [side.rating for side in blind_pair(ab_test_pair_get(ab_test=pair.ab_test, pair_id=pair.pk)).sides] \
        == [None, 4]


def test_blind_side_reads_one_label_of_one_pair(django_assert_num_queries):
    from analytics.abtests.selectors import ab_test_blind_side

    pair = ABTestPairFactory(enhanced_first=True, baseline_job__status="failed",
                             baseline_job__failure_reason="out_of_memory")
    other = PromptABTestFactory()

    with django_assert_num_queries(4):  # the pair with both jobs, each arm's outputs, the variants' jobs
        side = ab_test_blind_side(ab_test=pair.ab_test, pair_id=pair.pk, label="B")
    with django_assert_num_queries(0):
        wrong_label = ab_test_blind_side(ab_test=pair.ab_test, pair_id=pair.pk, label="Z")
    no_such_arm = ab_test_blind_side(ab_test=pair.ab_test, pair_id=pair.pk, label="C")

    assert (side.label, side.state, side.rating, side.ready) == ("B", "failed", None, False)
    assert wrong_label is None and no_such_arm is None
    assert ab_test_blind_side(ab_test=other, pair_id=pair.pk, label="A") is None
    assert ab_test_blind_side(ab_test=pair.ab_test, pair_id=uuid.uuid4(), label="A") is None


def test_rating_by_label_refuses_unfinished_outputs_and_bad_labels():
    pair = ABTestPairFactory(enhanced_first=False, baseline_job__status="failed",
                             baseline_job__failure_reason="out_of_memory")

    with pytest.raises(ValidationError) as failed:
        ab_pair_rate(pair=pair, label="A", rating=3, by=None)
    with pytest.raises(ValidationError) as bad:
        ab_pair_rate(pair=pair, label="C", rating=3, by=None)

    assert failed.value.message_dict == {"label": ["Output A cannot be rated: its job is failed."]}
    assert bad.value.message_dict == {"label": ["label is A or B."]}


def test_a_pair_job_that_fails_refreshes_its_test_after_commit(django_capture_on_commit_callbacks):
    from generations.lifecycle import job_fail

    pair = ABTestPairFactory(ab_test__planned_pairs=1, enhanced_job__status="processing")

    with django_capture_on_commit_callbacks() as callbacks:
        job_fail(job_id=pair.enhanced_job.pk, reason="out_of_memory", message="CUDA out of memory")
    for callback in callbacks:
        if "ab_tests_job_changed" in callback.__qualname__:
            callback()

    pair.ab_test.refresh_from_db()
    assert pair.ab_test.results["enhanced"]["failed"] == 1 and pair.ab_test.results["baseline"]["completed"] == 1


def test_blind_pairs_and_the_list_read_in_a_fixed_number_of_queries(django_assert_num_queries):
    from analytics.abtests.selectors import ab_test_blind_pairs, ab_test_list

    test = PromptABTestFactory(status="running")
    ABTestPairFactory.create_batch(5, ab_test=test)

    with django_assert_num_queries(4):  # pairs with both jobs, each arm's outputs, the variants' jobs
        pairs = ab_test_blind_pairs(ab_test=test)
    with django_assert_num_queries(1):
        tests = list(ab_test_list(filters={"status": "running"}))

    assert [p.position for p in pairs] == sorted(p.position for p in pairs) and len(pairs) == 5
    assert tests == [test]


def test_job_submit_refuses_pinned_configurations_that_cannot_apply(backends):
    from generations.services import job_submit

    wan = EnhancedModelConfigFactory(model_type="WAN", config_name="WAN slow", resolution="", motion_bucket=127,
                                     frame_count=65)

    with pytest.raises(ValidationError) as config:
        job_submit(prompt="a cat", model_type="SDXL", model_config=wan)
    with pytest.raises(ValidationError) as compel:
        job_submit(prompt="a cat", model_type="SDXL", strategy="qwen", compel_config=CompelConfigFactory())

    assert config.value.message_dict == {"model_config": ["'WAN slow' is a WAN configuration, not SDXL."]}
    assert compel.value.message_dict == {"compel_config": [
        "A Compel configuration applies only to the compel and hybrid strategies."]}
    assert Job.objects.count() == 0


@pytest.mark.slow
def test_demo_tests_pair_jobs_that_ran_one_prompt_and_seed_and_hold_real_results(settings, tmp_path):
    from io import StringIO

    from django.core.management import call_command

    from analytics.abtests.results import ab_test_results

    settings.MEDIA_ROOT = str(tmp_path)
    call_command("seed_demo", "--jobs", "400", "--no-progress", stdout=StringIO())

    pairs = list(ABTestPair.objects.exclude(baseline_job=None).select_related("ab_test", "baseline_job",
                                                                              "enhanced_job"))
    assert pairs
    for pair in pairs:
        base, enhanced, test = pair.baseline_job, pair.enhanced_job, pair.ab_test
        assert base.original_prompt == enhanced.original_prompt == pair.prompt_text
        assert base.seed == enhanced.seed == pair.seed
        assert (base.enhancement_strategy, enhanced.enhancement_strategy) == (
            test.baseline_config["enhancement_strategy"], test.enhanced_config["enhancement_strategy"])
        assert base.test_series == enhanced.test_series == test.test_series
    for test in PromptABTest.objects.all():
        results = ab_test_results(test)
        assert test.results == results.as_json()
        assert test.total_participants == results.rated_pairs
        started = test.pairs.exclude(baseline_job=None).exists()
        expected = ("complete" if results.complete else "running") if started else "draft"
        assert test.status == expected


def _png_upload(color: str = "teal"):
    from io import BytesIO

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    buffer = BytesIO()
    Image.new("RGB", (48, 32), color).save(buffer, format="PNG")
    return SimpleUploadedFile("in.png", buffer.getvalue())


def test_an_input_image_reaches_both_arms_of_every_pair(backends, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    test = _create(input_image=_png_upload())
    assert len({pair.input_image for pair in test.pairs.all()}) == 1
    assert test.pairs.first().input_image.startswith("abtests/")  # apart from job uploads, which are reclaimed

    ab_test_start(ab_test=test, user=None)

    jobs = Job.objects.filter(test_series="ab-qwen")
    assert jobs.count() == 2 * test.pairs.count()
    assert set(jobs.values_list("job_type", flat=True)) == {"image_to_image"}
    for pair in test.pairs.select_related("baseline_job", "enhanced_job"):
        names = {job.inputs.get().file.name for job in (pair.baseline_job, pair.enhanced_job)}
        assert len(names) == 1  # the same stored image for both arms


def test_an_input_that_is_not_an_image_is_refused_at_create(backends):
    from django.core.files.uploadedfile import SimpleUploadedFile

    errors = _errors(input_image=SimpleUploadedFile("in.png", b"<html>not an image</html>"))
    assert errors["input_image"] == ["The input image is not an image; upload a PNG, JPEG or WebP image."]
