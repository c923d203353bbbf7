"""The per-test rollup behind A/B results: each pair's and arm's job figures in ``prompt_ab_test_outcomes``.

Looking up three jobs per pair costs one index probe each (30,000 for a three-arm test of 10,000 pairs,
150-400 ms on PostgreSQL); the results read one range of one index instead. The rows follow the jobs:

* ``outcome_job_sync``: after one of a test's jobs ends or is rated (the job listener's refresh), its row
  takes the job's current figures in one statement;
* ``outcomes_rebuild``: every row of a test from its pairs' jobs, in one transaction; run when a test
  starts, by the scheduler for running tests (catching any change the incremental path missed), and by
  the read itself when the rows do not match the pairs (a test created before this table, or by hand).
"""

from django.db import connection, transaction
from django.db.models import FilteredRelation, OuterRef, Q, Subquery

from analytics.choices import ABTestStatus
from analytics.models import ABTestOutcome, ABTestPair, PromptABTest

JOB_COLUMNS = ("quality_rating", "status", "inference_time_ms", "clip_score")


def _from_jobs(ab_test_id, arms: int) -> list[ABTestOutcome]:
    """The rows as the jobs stand: one query with a join per arm (the slow read this table replaces)."""
    relations = {f"arm{arm}": FilteredRelation("arm_jobs", condition=Q(arm_jobs__arm=arm)) for arm in range(2, arms)}
    prefixes = ["baseline_job", "enhanced_job", *(f"{relation}__job" for relation in relations)]
    columns = ["position"] + [f"{prefix}__{name}" for prefix in prefixes for name in ("id", *JOB_COLUMNS)]
    width = len(JOB_COLUMNS) + 1
    rows = []
    for values in ABTestPair.objects.filter(ab_test_id=ab_test_id).annotate(**relations).values_list(*columns):
        for arm in range(arms):
            job_id, stars, status, time_ms, clip = values[1 + arm * width:1 + (arm + 1) * width]
            rows.append(ABTestOutcome(ab_test_id=ab_test_id, arm=arm, position=values[0], job_id=job_id,
                                      quality_rating=stars, status=status or "", inference_time_ms=time_ms,
                                      clip_score=clip))
    return rows


@transaction.atomic
def outcomes_rebuild(ab_test_id, arms: int) -> int:
    """Replace every outcome row of test ``ab_test_id`` (``arms`` arms) from its jobs; returns the rows written.

    The test's row is locked first, so two rebuilds of one test run one after the other.
    """
    PromptABTest.objects.select_for_update().filter(pk=ab_test_id).values_list("pk", flat=True).first()
    rows = _from_jobs(ab_test_id, arms)
    ABTestOutcome.objects.filter(ab_test_id=ab_test_id).delete()
    ABTestOutcome.objects.bulk_create(rows, batch_size=5_000)
    return len(rows)


def outcome_job_sync(job_id):
    """Copy job ``job_id``'s current figures onto its outcome row; returns its test's id (None: in no test).

    One UPDATE whose values are read from the job as the statement runs, so the last refresh of a job
    writes its last committed state whatever order the refreshes run in.
    """
    test_id = ABTestOutcome.objects.filter(job_id=job_id).values_list("ab_test_id", flat=True).first()
    if test_id is None:
        return None
    from generations.models import Job

    job = Job.objects.filter(pk=OuterRef("job_id"))
    ABTestOutcome.objects.filter(job_id=job_id).update(
        **{name: Subquery(job.values(name)[:1]) for name in JOB_COLUMNS})
    return test_id


def _arrays_postgresql(ab_test_id) -> dict[int, tuple]:
    """Per arm: (rows, stars, statuses, times, clips) as arrays PostgreSQL builds in one grouped scan."""
    aggregates = ", ".join(f"array_agg({name} ORDER BY position)" for name in JOB_COLUMNS)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT arm, count(*), {aggregates} FROM {ABTestOutcome._meta.db_table} "  # noqa: S608
                       "WHERE ab_test_id = %s GROUP BY arm", [ab_test_id])
        return {row[0]: row[1:] for row in cursor.fetchall()}


def _arrays_portable(ab_test_id) -> dict[int, tuple]:
    arms: dict[int, tuple] = {}
    for arm, *values in (ABTestOutcome.objects.filter(ab_test_id=ab_test_id).order_by("arm", "position")
                         .values_list("arm", *JOB_COLUMNS)):
        columns = arms.setdefault(arm, (0, [], [], [], []))
        for column, value in zip(columns[1:], values, strict=True):
            column.append(value)
        arms[arm] = (columns[0] + 1, *columns[1:])
    return arms


def outcome_columns(ab_test_id, arms: int) -> list[tuple[list, list, list, list]]:
    """Per arm, in pair order: stars (None unrated), statuses, inference ms, CLIP scores.

    Rebuilds the rows first when they do not cover every pair of every arm.
    """
    read = _arrays_postgresql if connection.vendor == "postgresql" else _arrays_portable
    found = read(ab_test_id)
    pairs = ABTestPair.objects.filter(ab_test_id=ab_test_id).count()
    if sorted(found) != list(range(arms)) or any(found[arm][0] != pairs for arm in found):
        outcomes_rebuild(ab_test_id, arms)
        found = read(ab_test_id)
    return [tuple(list(column) for column in found[arm][1:]) if arm in found else ([], [], [], [])
            for arm in range(arms)]


def running_outcomes_rebuild() -> int:
    """Rebuild the outcome rows of every running test (the scheduler's catch-all); returns the rows written."""
    from analytics.abtests.arms import test_arms

    return sum(outcomes_rebuild(test.pk, len(test_arms(test)))
               for test in PromptABTest.objects.filter(status=ABTestStatus.RUNNING))
