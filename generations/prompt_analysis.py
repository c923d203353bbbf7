"""Prompt analysis of the prompt tracker (document 003): length, words, special characters."""

import hashlib
import re

_SPECIAL = re.compile(r"[^\w\s]", re.UNICODE)


def analyse_prompt(text: str) -> dict[str, int]:
    """Return ``prompt_length`` (characters), ``word_count`` and ``special_char_count`` of ``text``.

    Special characters are anything but letters, digits, underscore and
    whitespace: the punctuation and weighting syntax ("(red hat)1.3", "++").
    """
    return {
        "prompt_length": len(text),
        "word_count": len(text.split()),
        "special_char_count": len(_SPECIAL.findall(text)),
    }


def prompt_hash(text: str) -> str:
    """Stable SHA-256 of the whitespace-normalised prompt, to group repeats of one prompt."""
    return hashlib.sha256(" ".join(text.split()).encode()).hexdigest()
