"""Exceptions raised by the GPU layer; the job executor maps them to job outcomes."""


class JobCancelled(Exception):
    """Raised from a step callback when the job was cancelled."""


class MalformedPromptError(ValueError):
    """Compel could not parse the prompt (message says why)."""


class ModelLoadError(RuntimeError):
    """A model directory is missing or could not be loaded (message names the path)."""


class PromptTooLongError(ValueError):
    """The final prompt is over the configured token cap (``SDXL_MAX_PROMPT_TOKENS``)."""


class ContentFilterError(ValueError):
    """A prompt the worker built (a Qwen rewrite, a composed final prompt) contains a blocked term."""
