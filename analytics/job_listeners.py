"""How analytics follows the job domain: the listeners of ``generations.events.job_changed``.

Named in ``settings.JOB_LISTENERS`` and called in that order, inside the
transaction that changed the job. Recomputations that can wait run on the
``default`` queue after commit, coalesced per bucket or row; the quality of a
rated job's enhanced twins is written at once, in the rating's transaction.
"""

import hashlib

from django.db import transaction

from analytics.abtests.hooks import ab_tests_job_changed
from generations import events
from ourvidz_admin.queues import enqueue_coalesced


def job_quality(job, change: str) -> None:
    """A rating moves this job's ``quality_improvement`` and, for a baseline, its enhanced twins'.

    The twins' rollups are refreshed too (the job's own follow in ``job_rollups``).
    """
    if change != events.RATED:
        return
    from analytics.rollups.quality import quality_refresh

    for twin in quality_refresh(job):
        if twin.pk != job.pk:
            rollups_schedule(twin)


def job_rollups(job, change: str) -> None:
    """Every change moves the job's rollup buckets and its Compel configuration's and preset's figures."""
    rollups_schedule(job)


def job_ab_tests(job, change: str) -> None:
    """An A/B test's results follow its jobs' endings and ratings."""
    if change in events.ENDINGS or change == events.RATED:
        ab_tests_job_changed(job)


def rollups_schedule(job) -> None:
    """Queue a refresh of the job's rollup buckets once the current transaction commits.

    The refresh runs on the ``default`` queue, off the GPU stage's critical
    path. Its RQ id names the bucket (creation hour and user), so a burst of
    jobs in one bucket coalesces into the one refresh still waiting in the queue.
    The job's prompt version, Compel configuration and preset figures are refreshed the same way.
    """
    created_at, user_id = job.created_at, job.user_id
    transaction.on_commit(lambda: rollup_refresh_enqueue(created_at, user_id))
    version_id = job.prompt_version_id
    if version_id is not None:
        transaction.on_commit(lambda: prompt_version_refresh_enqueue(version_id))
    preset = (job.metadata or {}).get("preset")
    compel_config_id = job.compel_config_id
    if compel_config_id is not None or preset:
        transaction.on_commit(lambda: aggregates_refresh_enqueue(compel_config_id, preset))


def rollup_refresh_enqueue(created_at, user_id) -> None:
    """Queue ``analytics.jobs.refresh_rollups_job`` for a bucket unless one is already waiting."""
    from analytics.jobs import refresh_rollups_job

    enqueue_coalesced(refresh_rollups_job, created_at.isoformat(), user_id,
                      rq_id=f"rollups_{created_at:%Y%m%d%H}_{user_id or 'none'}")


def prompt_version_refresh_enqueue(version_id) -> None:
    """Queue ``analytics.jobs.refresh_prompt_version_job`` for a prompt version unless one is already waiting."""
    from analytics.jobs import refresh_prompt_version_job

    enqueue_coalesced(refresh_prompt_version_job, str(version_id), rq_id=f"version_{version_id}")


def aggregates_refresh_enqueue(compel_config_id, preset_name) -> None:
    """Queue ``analytics.jobs.refresh_aggregates_job`` for a Compel configuration and/or a preset."""
    from analytics.jobs import refresh_aggregates_job

    if compel_config_id is not None:
        enqueue_coalesced(refresh_aggregates_job, str(compel_config_id), None, rq_id=f"compel_{compel_config_id}")
    if preset_name:
        key = hashlib.sha1(preset_name.encode()).hexdigest()[:16]
        enqueue_coalesced(refresh_aggregates_job, None, preset_name, rq_id=f"preset_{key}")
