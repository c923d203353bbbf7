"""The worker's side of the prompt playground: a Qwen rewrite without a job, and chat turns.

Both run in the ``enhance`` worker on its resident Qwen model (``gpu.cache.MODEL_CACHE``); the web process
waits for their RQ results (``generations.playground.run_on_enhance``). Nothing here touches a job row.
"""

from datetime import UTC, datetime

from configs.selectors import model_config_active
from generations.playground_chat import chat_history_append, playground_chat_log
from gpu.db_retry import db_retry
from gpu.stages import model_load, rewrite, rewrite_call
from gpu.worker import STATE
from prompts.cache import PROMPT_CACHE
from prompts.policy import blocked_term_in, blocked_terms


def _queue_wait_ms() -> int:
    """Milliseconds the current RQ job waited on its queue (enqueue to start)."""
    from rq import get_current_job

    rq_job = get_current_job()
    if rq_job is None or rq_job.enqueued_at is None:
        return 0
    enqueued = rq_job.enqueued_at if rq_job.enqueued_at.tzinfo else rq_job.enqueued_at.replace(tzinfo=UTC)
    return max(0, int((datetime.now(UTC) - enqueued).total_seconds() * 1000))


def preview_rewrite(payload: dict) -> dict:
    """Rewrite ``payload["prompt"]`` as the ``enhance`` stage would for a job of ``payload["model_type"]``: the same
    call (``rewrite_call``: focus, budget, time limit, layered sampling values) on the same model."""
    waited = _queue_wait_ms()
    call, focus = rewrite_call(prompt=payload["prompt"], system_prompt=payload["system_prompt"],
                               config=model_config_active(payload["model_type"]), seed=payload["seed"],
                               snapshot=PROMPT_CACHE.get())
    text, result, backend = rewrite(call)
    return {
        "text": text, "input_tokens": result.input_tokens, "output_tokens": result.output_tokens,
        "model_ms": result.elapsed_ms, "queue_wait_ms": waited, "stopped_by_time": result.stopped_by_time,
        "call": {**{key: value for key, value in call.items() if key != "prompt"}, "quality_focus": focus,
                 "model": backend.path, "empty_output": not result.text},
        "worker": STATE.worker_name,
    }


def chat_turn(payload: dict) -> dict:
    """Answer one chat turn with the resident Qwen model (the tokenizer's chat template over the system prompt,
    the history and the message); log it as a ``PromptLog`` row and add it to the conversation's history."""
    from gpu.pipelines import qwen

    waited = _queue_wait_ms()
    bundle, backend = model_load("qwen")
    messages = [{"role": "system", "content": payload["system_prompt"]}, *payload["history"],
                {"role": "user", "content": payload["message"]}]
    result = qwen.chat(bundle, messages=messages, max_new_tokens=payload["max_new_tokens"],
                       max_time_s=payload["max_time_s"], temperature=payload["temperature"], top_p=payload["top_p"])
    term = blocked_term_in(result.text, blocked_terms(payload["content_mode"]))
    log = db_retry(playground_chat_log, payload=payload, reply=result.text, input_tokens=result.input_tokens,
                   output_tokens=result.output_tokens, model_ms=result.elapsed_ms,
                   flags={"model": backend.path, "queue_wait_ms": waited, "stopped_by_time": result.stopped_by_time,
                          "max_new_tokens": payload["max_new_tokens"], "blocked_term": term,
                          "worker": STATE.worker_name})
    chat_history_append(conversation_id=payload["conversation_id"], turn=payload["turn"], message=payload["message"],
                        reply=result.text)
    return {"reply": result.text, "input_tokens": result.input_tokens, "output_tokens": result.output_tokens,
            "model_ms": result.elapsed_ms, "queue_wait_ms": waited, "stopped_by_time": result.stopped_by_time,
            "log_id": str(log.pk), "blocked_term": term}
