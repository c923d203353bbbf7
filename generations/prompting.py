"""What a job asks of the dynamic prompt library: its request, and the values of its placeholders.

Shared by submission (which refuses a job whose templates name a variable it
lacks) and the worker (which fills them), so both resolve the same templates.
"""

from ourvidz_admin.choices import EnhancementStrategy
from prompts.cache import PROMPT_CACHE
from prompts.compel_syntax import hybrid_core
from prompts.placeholders import TYPED_PROMPT_NAMES, MissingVariables, fill, placeholder_names
from prompts.resolution import PromptRequest, ResolvedPrompt, resolve


def prompt_request(job, family: str | None = None) -> PromptRequest:
    """The library request of ``job`` for ``family`` (default: its model's)."""
    return PromptRequest(
        model_family=family or job.model_type.lower(), use_case=job.job_type, content_mode=job.content_mode,
        tags=frozenset(job.tags), character_id=str(job.character_id) if job.character_id else None,
        user_tier=job.metadata.get("user_tier", ""), template_ids=tuple(job.metadata.get("template_ids", ())),
    )


def job_variables(job) -> dict[str, str]:
    """Placeholder values of ``job``: the typed prompt as ``{prompt}``/``{subject}``, then those submitted."""
    return dict.fromkeys(TYPED_PROMPT_NAMES, job.original_prompt) | job.metadata.get("variables", {})


def rewrite_system_prompt(job, resolved: ResolvedPrompt) -> str:
    """The instruction Qwen rewrites ``job``'s prompt with: its prompt version's system prompt (placeholders
    filled), else the resolved ``rewrite`` template; empty when neither has one (the worker's default applies).

    ``MissingVariables`` when the version's system prompt names a variable the job does not give.
    """
    version = job.prompt_version if job.prompt_version_id else None
    if version is not None and version.system_prompt:
        return fill(version.system_prompt, job_variables(job), where="The prompt version's system prompt")
    return resolved.rewrite_prompt


def core_prompt(job) -> str:
    """The core of the final prompt: the original, or the rewrite; after Qwen with Compel (hybrid) the rewrite is
    escaped text with the user's own weighted spans kept (``hybrid_core``)."""
    if job.enhancement_strategy == EnhancementStrategy.HYBRID and job.enhanced_prompt != job.original_prompt:
        return hybrid_core(job.enhanced_prompt, job.original_prompt)
    return job.enhanced_prompt or job.original_prompt


def templates_missing_variables(job) -> MissingVariables | None:
    """The first template resolved for ``job`` that names a variable the job does not give, as the error to show."""
    resolved = resolve(PROMPT_CACHE.get(), prompt_request(job))
    given = job_variables(job)
    texts = [("system", resolved.system_prompt), ("negative", resolved.negative_prompt),
             ("rewrite", resolved.rewrite_prompt)]
    version = job.prompt_version
    if version is not None and job.enhancement_strategy in ("qwen", "hybrid"):
        missing = [name for name in placeholder_names(version.system_prompt) if name not in given]
        if missing:  # the rewrite's instruction is the version's system prompt
            return MissingVariables(missing, "The prompt version's system prompt")
    for kind, text in texts:
        missing = [name for name in placeholder_names(text) if name not in given]
        if missing:
            name = resolved.lineage["templates"].get(kind, {}).get("name", kind)
            return MissingVariables(missing, f"Template {name!r}")
    return None
