"""Thin django-rq entry points of the worker: they take ids and hand over to the executor.

``generations.queueing`` enqueues ``run_job`` by its dotted path (``RUN_STAGE_JOB``).
"""


def run_job(job_id: str, stage: str) -> str:
    """Run one stage (``enhance`` or ``generate``) of job ``job_id``; idempotent."""
    from gpu.executor import execute_stage

    return execute_stage(job_id, stage)
