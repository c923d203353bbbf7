"""``{name}`` placeholders in prompt versions and templates, filled from variables given at submission.

``{prompt}`` and ``{subject}`` default to the typed prompt. ``{{`` and ``}}``
are literal braces; any other brace (JSON in a system prompt) is left as it is.
"""

import re

from django.core.exceptions import ValidationError

_TOKEN = re.compile(r"\{\{|\}\}|\{([A-Za-z_][A-Za-z0-9_]*)\}")
NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
TYPED_PROMPT_NAMES = ("prompt", "subject")


class MissingVariables(ValueError):
    """A text needs variables that were not given; ``names`` lists them in order of appearance."""

    def __init__(self, names: list[str], where: str):
        self.names = names
        plural = "s" if len(names) > 1 else ""
        super().__init__(f"{where} needs the variable{plural} {', '.join(names)}: give "
                         f"{' '.join(f'{name}=…' for name in names)} (or write {{{{ }}}} for literal braces).")


def placeholder_names(text: str) -> list[str]:
    """The placeholder names in ``text``, each once, in order."""
    return list(dict.fromkeys(match.group(1) for match in _TOKEN.finditer(text or "") if match.group(1)))


def fill(text: str, variables: dict[str, str], *, where: str) -> str:
    """``text`` with every ``{name}`` replaced and ``{{``/``}}`` unescaped; ``MissingVariables`` if one is missing."""
    missing = [name for name in placeholder_names(text) if name not in variables]
    if missing:
        raise MissingVariables(missing, where)

    def replace(match):
        token = match.group(0)
        return "{" if token == "{{" else "}" if token == "}}" else variables[match.group(1)]

    return _TOKEN.sub(replace, text or "")


def variables_check(variables: dict | None) -> dict[str, str]:
    """Submitted variables: identifier names, text values; ``ValidationError`` on ``variables`` otherwise."""
    checked = {}
    for name, value in (variables or {}).items():
        if not isinstance(name, str) or not NAME.match(name):
            raise ValidationError({"variables": f"{name!r} is not a variable name (letters, digits, _)."})
        if not isinstance(value, str) or len(value) > 2000:
            raise ValidationError({"variables": f"The value of {name} must be text of at most 2,000 characters."})
        checked[name] = value.strip()
    return checked


def variables_parse(pairs: list[str], *, option: str = "--var") -> dict[str, str]:
    """``["style=watercolor", ...]`` as a dict; ``ValueError`` naming ``option`` for a pair without ``=``."""
    variables = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise ValueError(f"{option} {pair!r}: write NAME=VALUE.")
        variables[name.strip()] = value
    return variables
