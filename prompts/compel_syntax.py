"""Plain-text helpers for Compel prompts: clean LLM output, escape it, keep the user's own weights.

An LLM rewrite is prose: parentheses or a stray control character in it must
not become Compel weights or parse errors. In the hybrid strategy the
rewrite is therefore escaped, and the weighted terms the user wrote
("(red hat)1.3", "sunset++") are carried over so they are still honoured.
"""

import re
import unicodedata

_SPECIAL = re.compile(r'([()\[\]\\"])')
_WEIGHTED = re.compile(r"\([^()]+\)[0-9]*\.?[0-9]+|\([^()]+\)[+-]+|[\w']+[+-]+(?=[\s,]|$)")


def sanitize_llm_text(text: str) -> str:
    """Drop control and format characters, collapse whitespace to single spaces."""
    kept = "".join(ch if unicodedata.category(ch)[0] != "C" else " " for ch in text)
    return " ".join(kept.split())


def escape_compel(text: str) -> str:
    """Backslash-escape the characters Compel would read as syntax."""
    return _SPECIAL.sub(r"\\\1", text)


def weighted_terms(prompt: str) -> list[str]:
    """The user's explicit Compel weights in ``prompt``, in order: ["(red hat)1.3", "sunset++"]."""
    return _WEIGHTED.findall(prompt)


def hybrid_core(enhanced: str, original: str) -> str:
    """The core prompt of a hybrid job: the escaped rewrite, then the user's weighted terms."""
    return ", ".join(part for part in (escape_compel(enhanced), *weighted_terms(original)) if part)
