"""The seam the job services call: refresh an A/B test's results after one of its jobs changed.

Kept free of imports of ``generations.services`` (which imports this module);
the refresh runs once the caller's transaction commits, and a failure there is
logged instead of undoing or failing the rating or completion that caused it.
"""

from django.db import transaction


def ab_tests_job_changed(job) -> None:
    """After commit, refresh the results of the A/B test ``job`` belongs to (if any)."""
    job_id = job.pk

    def refresh():
        from analytics.abtests.services import ab_tests_refresh_for_job

        ab_tests_refresh_for_job(job_id=job_id)

    transaction.on_commit(refresh, robust=True)
