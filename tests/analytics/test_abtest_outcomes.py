"""The per-test rollup behind A/B results (``prompt_ab_test_outcomes``) follows the jobs it copies."""

import pytest

from analytics.abtests.outcomes import outcome_columns, outcomes_rebuild, running_outcomes_rebuild
from analytics.abtests.results import ab_test_results
from analytics.abtests.services import ab_tests_refresh_for_job
from analytics.jobs import rollup_recent_job
from analytics.models import ABTestArmJob, ABTestOutcome
from generations.models import Job
from generations.services import job_rate
from tests.factories import ABTestPairFactory, JobFactory, PromptABTestFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def test_with_rows():
    """A running two-arm test of three pairs (stars 3/4 on each) with its outcome rows built."""
    test = PromptABTestFactory(status="running", planned_pairs=3)
    ABTestPairFactory.create_batch(3, ab_test=test, baseline_job__quality_rating=3, enhanced_job__quality_rating=4)
    outcomes_rebuild(test.pk, 2)
    return test


def _stars(test, arm: int) -> list:
    return list(ABTestOutcome.objects.filter(ab_test=test, arm=arm).order_by("position")
                .values_list("quality_rating", flat=True))


def test_rows_copy_every_arms_job_in_pair_order(test_with_rows):
    pairs = list(test_with_rows.pairs.order_by("position"))

    rows = list(ABTestOutcome.objects.filter(ab_test=test_with_rows).order_by("arm", "position")
                .values_list("arm", "position", "job_id", "quality_rating", "status"))

    assert rows == [(0, p.position, p.baseline_job_id, 3, "completed") for p in pairs] + [
        (1, p.position, p.enhanced_job_id, 4, "completed") for p in pairs]


def test_a_rating_moves_its_row_and_the_results(test_with_rows, django_capture_on_commit_callbacks):
    pair = test_with_rows.pairs.order_by("position").first()

    with django_capture_on_commit_callbacks(execute=True):
        job_rate(job=pair.enhanced_job, by=UserFactory(), rating=1)

    assert _stars(test_with_rows, 1) == [1, 4, 4]
    assert ab_test_results(test_with_rows).enhanced.mean == pytest.approx(3.0)
    test_with_rows.refresh_from_db()
    assert test_with_rows.results["enhanced"]["mean"] == pytest.approx(3.0)


def test_a_job_refresh_is_one_update_of_its_row(test_with_rows, django_assert_num_queries):
    pair = test_with_rows.pairs.order_by("position").last()
    Job.objects.filter(pk=pair.baseline_job_id).update(quality_rating=5, status="failed", failure_reason="timeout")

    from analytics.abtests.outcomes import outcome_job_sync

    with django_assert_num_queries(2):  # find the row's test, copy the job's figures
        assert outcome_job_sync(pair.baseline_job_id) == test_with_rows.pk
    assert _stars(test_with_rows, 0) == [3, 3, 5]
    assert ABTestOutcome.objects.get(job_id=pair.baseline_job_id).status == "failed"


def test_results_read_the_rows_in_two_queries_once_built(test_with_rows, django_assert_num_queries):
    with django_assert_num_queries(2):  # the rows, the pair count that checks they cover every pair
        results = ab_test_results(test_with_rows)

    assert (results.baseline.mean, results.enhanced.mean, results.rated_pairs) == (3.0, 4.0, 3)


def test_missing_rows_are_rebuilt_by_the_read(test_with_rows):
    positions = sorted(test_with_rows.pairs.values_list("position", flat=True))
    ABTestOutcome.objects.filter(ab_test=test_with_rows, arm=1, position=positions[1]).delete()
    ABTestPairFactory(ab_test=test_with_rows, position=positions[-1] + 1, baseline_job__quality_rating=1,
                      enhanced_job__quality_rating=2)

    columns = outcome_columns(test_with_rows.pk, 2)

    assert (columns[0][0], columns[1][0]) == ([3, 3, 3, 1], [4, 4, 4, 2])
    assert ABTestOutcome.objects.filter(ab_test=test_with_rows).count() == 8


def test_the_scheduler_catches_a_change_made_behind_the_listeners_back(test_with_rows):
    pair = test_with_rows.pairs.order_by("position").first()
    Job.objects.filter(pk=pair.enhanced_job_id).update(quality_rating=2)  # no event: a bulk edit
    draft = PromptABTestFactory(status="draft")

    written = rollup_recent_job()

    assert written["ab_test_outcomes"] == 6  # the running test's rows only; drafts have none
    assert _stars(test_with_rows, 1) == [2, 4, 4]
    assert not ABTestOutcome.objects.filter(ab_test=draft).exists()


def test_variant_arms_and_jobs_without_a_row_line_up(django_capture_on_commit_callbacks):
    test = PromptABTestFactory(status="running", planned_pairs=2,
                               variants=[{"name": "compel", "enhancement_strategy": "compel"}])
    pairs = ABTestPairFactory.create_batch(2, ab_test=test, baseline_job__quality_rating=2,
                                           enhanced_job__quality_rating=3)
    ABTestArmJob.objects.create(pair=pairs[0], arm=2, job=JobFactory(quality_rating=5))  # pair 2: no variant job

    columns = outcome_columns(test.pk, 3)
    assert columns[2][0] == [5, None]

    job_id = ABTestArmJob.objects.get(pair=pairs[0]).job_id
    Job.objects.filter(pk=job_id).update(quality_rating=1)
    assert ab_tests_refresh_for_job(job_id=job_id).pk == test.pk
    assert _stars(test, 2) == [1, None]
    assert running_outcomes_rebuild() == 6
