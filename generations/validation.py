"""Submission-time checks of prompts and parameters: what can be known before a worker runs."""

from django.core.exceptions import ValidationError

from generations.models.jobs import MAX_PROMPT_CHARS
from ourvidz_admin.choices import ModelType

_PAIRS = {")": "(", "]": "["}


def check_prompt(text: str, *, field: str = "prompt") -> str:
    """Return the stripped prompt; reject an empty or over-long one."""
    stripped = (text or "").strip()
    if not stripped:
        raise ValidationError({field: "The prompt cannot be empty."})
    if len(stripped) > MAX_PROMPT_CHARS:
        raise ValidationError(
            {field: f"The prompt is {len(stripped):,} characters; the limit is {MAX_PROMPT_CHARS:,}."},
            code="prompt_too_long",
        )
    return stripped


def check_compel_syntax(text: str, *, field: str = "prompt") -> None:
    """Reject brackets Compel cannot parse (unbalanced or crossed), naming the position.

    Compel's own parser runs in the worker; this catches the common mistakes
    at submission so the user hears about them at once.
    """
    stack: list[tuple[str, int]] = []
    in_quote = False
    for position, char in enumerate(text, start=1):
        if char == '"':
            in_quote = not in_quote
        elif in_quote:
            continue
        elif char in "([":
            stack.append((char, position))
        elif char in _PAIRS:
            if not stack or stack[-1][0] != _PAIRS[char]:
                message = f"Malformed Compel expression: unexpected '{char}' at position {position}."
                raise ValidationError({field: message}, code="malformed_prompt")
            stack.pop()
    if in_quote:
        raise ValidationError({field: "Malformed Compel expression: unterminated quote."}, code="malformed_prompt")
    if stack:
        char, position = stack[-1]
        raise ValidationError({field: f"Malformed Compel expression: '{char}' at position {position} is never closed."},
                              code="malformed_prompt")


def check_dimensions(model_type: str, width: int | None, height: int | None) -> None:
    """SDXL sizes are multiples of 8, WAN sizes multiples of 16, both within 16-2048."""
    step = 8 if model_type == ModelType.SDXL else 16
    for name, value in (("width", width), ("height", height)):
        if value is None:
            continue
        if not 16 <= value <= 2048 or value % step:
            raise ValidationError({name: f"{name} must be a multiple of {step} between 16 and 2048 for {model_type}."})


def wan_frame_count(requested: int) -> int:
    """WAN generates 4k+1 frames; round a requested count to the nearest such number (64 -> 65)."""
    if requested < 1:
        raise ValidationError({"frame_count": "frame_count must be at least 1."})
    return max(1, round((requested - 1) / 4) * 4 + 1)


JOB_RANGES = {"steps": (1, 150), "guidance": (1.0, 20.0), "motion_bucket": (1, 255), "frame_count": (1, 241)}


def check_ranges(**values) -> None:
    """Reject submitted parameters outside what a job can hold (keys as the caller named them)."""
    errors = {}
    for name, value in values.items():
        low, high = JOB_RANGES[name]
        if value is not None and not low <= value <= high:
            errors[name] = f"{name} must be between {low:g} and {high:g}, got {value:g}."
    if errors:
        raise ValidationError(errors)
