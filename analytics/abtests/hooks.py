"""The seam the job services call: keep an A/B test's outcome rows and results up with one of its jobs.

Kept free of imports of ``generations.services`` (which imports this module). The job's outcome row is
updated inside the caller's transaction, so it commits or rolls back with the rating or ending that moved
it; the results are recomputed once that transaction commits, and a failure there is logged instead of
undoing or failing the change that caused it.
"""

from django.db import transaction


def ab_tests_job_changed(job) -> None:
    """Copy ``job``'s figures onto its outcome row now; after commit, refresh its test's results (if any)."""
    from analytics.abtests.outcomes import outcome_job_sync

    job_id = job.pk
    outcome_job_sync(job_id)

    def refresh():
        from analytics.abtests.services import ab_tests_refresh_for_job

        ab_tests_refresh_for_job(job_id=job_id)

    transaction.on_commit(refresh, robust=True)
