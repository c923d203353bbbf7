"""Thin django-rq entry points: they take ids and hand over to the executor in ``gpu``."""


def run_job(job_id: str, stage: str) -> str:
    """Run one stage (``enhance`` or ``generate``) of job ``job_id``; idempotent."""
    from gpu.executor import execute_stage

    return execute_stage(job_id, stage)
