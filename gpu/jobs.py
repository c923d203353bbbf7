"""Thin django-rq entry points of the worker: they take ids (or, for the playground, a request) and hand over.

``generations.queueing`` enqueues ``run_job`` by its dotted path (``RUN_STAGE_JOB``); the prompt playground
(``generations.playground``) enqueues ``run_preview_rewrite`` and ``run_playground_chat`` on ``enhance`` and
waits for their results.
"""


def run_job(job_id: str, stage: str) -> str:
    """Run one stage (``enhance`` or ``generate``) of job ``job_id``; idempotent."""
    from gpu.executor import execute_stage

    return execute_stage(job_id, stage)


def run_preview_rewrite(payload: dict) -> dict:
    """The Qwen rewrite of a playground preview (no job row): text, tokens and timings, or the error it raised."""
    from gpu.playground import preview_rewrite

    return preview_rewrite(payload)


def run_playground_chat(payload: dict) -> dict:
    """One playground chat turn: the reply, tokens and timings, and the id of the ``PromptLog`` row it wrote."""
    from gpu.playground import chat_turn

    return chat_turn(payload)
