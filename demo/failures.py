"""Why demo jobs fail: reasons weighted per model, with matching error messages, and review notes."""

import random

from ourvidz_admin.choices import FailureReason as R

# Weights per model: WAN runs out of memory and time more often; Compel syntax errors are SDXL-only.
REASON_WEIGHTS = {
    "SDXL": ((R.OUT_OF_MEMORY, 22), (R.TIMEOUT, 10), (R.CONTENT_FILTER, 14), (R.MODEL_LOAD_ERROR, 5),
             (R.WORKER_DIED, 8), (R.INVALID_PARAMETERS, 9), (R.PROMPT_TOO_LONG, 10), (R.MALFORMED_PROMPT, 12),
             (R.INTERNAL_ERROR, 10)),
    "WAN": ((R.OUT_OF_MEMORY, 35), (R.TIMEOUT, 25), (R.CONTENT_FILTER, 10), (R.MODEL_LOAD_ERROR, 8),
            (R.WORKER_DIED, 10), (R.INVALID_PARAMETERS, 5), (R.INTERNAL_ERROR, 5)),
}
#: Blocked for SFW jobs in the demo's content policy (seeded by ``demo.dynamic``).
DEMO_BLOCKED_TERMS = ("gore", "graphic violence", "real person")
_MESSAGES = {
    R.OUT_OF_MEMORY: ("CUDA out of memory. Tried to allocate {gib:.2f} GiB (GPU 0; 23.65 GiB total capacity; "
                      "{used:.2f} GiB already allocated)",),
    R.TIMEOUT: ("Job exceeded the {queue} queue timeout of {limit}s", "Qwen enhancement timed out after 15000 ms"),
    R.CONTENT_FILTER: ("The Qwen rewrite contains “{term}”, which the content policy blocks for SFW jobs.",
                       "The final prompt (templates, rules and character included) contains “{term}”, which the "
                       "content policy blocks for SFW jobs."),
    R.MODEL_LOAD_ERROR: ("OSError: unable to load weights from models/{model}/diffusion_pytorch_model.safetensors",
                         "Checkpoint {model}: safetensors header is corrupted"),
    R.WORKER_DIED: ("Work-horse terminated unexpectedly; waitpid returned 9 (SIGKILL)",
                    "Worker gpu-{worker} stopped heartbeating; job requeued then abandoned"),
    R.INVALID_PARAMETERS: ("width must be a multiple of 8, got {odd}", "guidance_scale 24.0 outside 1.0-20.0"),
    R.PROMPT_TOO_LONG: ("The final prompt is {tokens} CLIP tokens; the limit is 600 (SDXL_MAX_PROMPT_TOKENS).",),
    R.MALFORMED_PROMPT: ("Compel parse error: unbalanced parentheses at position {pos}",
                         "Compel parse error: weight '1.2.1' is not a number"),
    R.INTERNAL_ERROR: ("RuntimeError: expected scalar type Half but found Float",
                       "KeyError: 'pooled_prompt_embeds'"),
}
NOTES = (
    "Great lighting, keep this seed.", "Hands slightly off.", "Colour cast a bit warm.",
    "Background too busy.", "Perfect for the lighting sweep.", "Face drifts after frame 40.",
    "Compel weights overdid the texture.", "Rewrite added a second person.", "Use as reference for v4.",
)


def failure(rng: random.Random, model_type: str, model_used: str) -> tuple[str, str]:
    """A weighted failure reason for ``model_type`` and a plausible error message for it."""
    reasons = REASON_WEIGHTS[model_type]
    point = rng.random() * sum(weight for _r, weight in reasons)
    for reason, weight in reasons:  # noqa: B007 - the reason the point falls in is used after the loop
        point -= weight
        if point < 0:
            break
    message = rng.choice(_MESSAGES[reason]).format(
        gib=rng.uniform(0.5, 4.0), used=rng.uniform(18.0, 22.5), queue=model_type.lower(),
        limit=900 if model_type == "SDXL" else 1800, frame=rng.randint(1, 64), model=model_used,
        worker=rng.randint(1, 4), odd=rng.choice((1020, 833, 1210)), tokens=rng.randint(601, 900),
        term=rng.choice(DEMO_BLOCKED_TERMS),
        pos=rng.randint(20, 180),
    )
    return str(reason), message
