"""Prompt weighting for SDXL with compel ("(red hat)1.3", "sunset++", ".blend()", ".and()")."""

from __future__ import annotations

import re

import torch
from compel import Compel, CompelForSDXL

from gpu.errors import MalformedPromptError

#: Tokens CLIP reads per chunk: its 77 positions less the begin and end markers.
CHUNK_TOKENS = 75
_WEIGHT_SUFFIX = re.compile(r"(?<=[^\s(])([+-]+)(?=[\s,.;:)]|$)")


def token_count(pipe, text: str) -> int:
    """CLIP tokens of ``text`` (markers excluded), by the pipeline's first tokenizer."""
    return len(pipe.tokenizer(text, add_special_tokens=False, truncation=False,
                              verbose=False).input_ids) if text else 0


def literal(text: str) -> str:
    """``text`` as compel reads it with no weighting: brackets escaped, ``word++``/``word-`` apart."""
    return _WEIGHT_SUFFIX.sub(r" \1", text).replace("(", "\\(").replace(")", "\\)")


def sdxl_embeddings(pipe, prompt: str, negative_prompt: str) -> dict:
    """Encode prompt and negative prompt with compel into SDXL pipeline kwargs.

    Returns ``prompt_embeds``, ``pooled_prompt_embeds``, ``negative_prompt_embeds``
    and ``negative_pooled_prompt_embeds`` (positive and negative padded to the
    same token length). An empty negative prompt gives zero embeddings when the
    pipeline's ``force_zeros_for_empty_prompt`` is set, as diffusers does for
    plain strings. Raises MalformedPromptError when compel rejects a prompt.
    """
    _check_syntax(prompt, "prompt")
    _check_syntax(negative_prompt, "negative prompt")
    for tokenizer in (pipe.tokenizer, getattr(pipe, "tokenizer_2", None)):
        if tokenizer is not None:  # compel tokenizes whole prompts, then chunks them: nothing is truncated
            tokenizer.deprecation_warnings["sequence-length-is-longer-than-the-specified-maximum"] = True
    with torch.inference_mode():
        conditioning = CompelForSDXL(pipe)(prompt, negative_prompt=negative_prompt)
    embeds, negative = _pad_to_same_length(conditioning.embeds, conditioning.negative_embeds)
    pooled, negative_pooled = conditioning.pooled_embeds, conditioning.negative_pooled_embeds
    if not negative_prompt.strip() and getattr(pipe.config, "force_zeros_for_empty_prompt", False):
        negative, negative_pooled = torch.zeros_like(negative), torch.zeros_like(negative_pooled)
    dtype = pipe.unet.dtype
    return {
        "prompt_embeds": embeds.to(dtype),
        "pooled_prompt_embeds": pooled.to(dtype),
        "negative_prompt_embeds": negative.to(dtype),
        "negative_pooled_prompt_embeds": negative_pooled.to(dtype),
    }


def _check_syntax(text: str, label: str) -> None:
    """Parse ``text`` with compel's own parser and turn its errors into MalformedPromptError.

    Compel is lenient with unbalanced brackets (they stay literal text); it
    raises ``PromptParser.ParsingException`` for mismatched ``.blend()`` /
    ``.and()`` weight counts, ``pyparsing.ParseException`` for chained
    operators and ``ValueError`` for non-numeric weights. Parsing on its own
    first means only syntax errors are relabelled, never encoder failures.
    """
    try:
        Compel.parse_prompt_string(text)
    except Exception as exc:  # every parser failure is the user's prompt, whatever its type
        raise MalformedPromptError(f"Malformed {label}: {exc}") from exc


def _pad_to_same_length(embeds: torch.Tensor, negative: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Zero-pad the shorter of two [batch, tokens, dim] tensors along tokens.

    CompelForSDXL encodes both prompts in one batch, so they normally match
    already; the SDXL pipeline rejects mismatched shapes, hence the guard.
    """
    difference = embeds.shape[1] - negative.shape[1]
    if difference > 0:
        negative = torch.nn.functional.pad(negative, (0, 0, 0, difference))
    elif difference < 0:
        embeds = torch.nn.functional.pad(embeds, (0, 0, 0, -difference))
    return embeds, negative
