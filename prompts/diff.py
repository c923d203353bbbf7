"""Differences between two prompt versions or two templates: texts line by line, parameters key by key.

Pure functions over strings and dicts (``difflib``); ``prompts.selectors.version_diff``
picks the fields of the two rows, the admin and the API render the result.
"""

import difflib
import re
from dataclasses import dataclass, field

_WORDS = re.compile(r"\S+\s*|\s+")  # a word with the spaces after it


@dataclass(frozen=True)
class TextDiff:
    """One text field of both sides and its unified diff (``difflib.unified_diff``, three lines of context)."""

    field: str
    before: str
    after: str

    @property
    def changed(self) -> bool:
        return self.before != self.after

    @property
    def unified(self) -> list[str]:
        return [line.rstrip("\n") for line in difflib.unified_diff(
            self.before.splitlines(), self.after.splitlines(), fromfile=f"a/{self.field}",
            tofile=f"b/{self.field}", lineterm="")]


@dataclass(frozen=True)
class KeyDiff:
    """Two dicts compared key by key: added, removed and changed keys (with both values), and the unchanged keys."""

    added: dict = field(default_factory=dict)
    removed: dict = field(default_factory=dict)
    changed: dict = field(default_factory=dict)  # {key: (before, after)}
    unchanged: tuple[str, ...] = ()

    @property
    def any(self) -> bool:
        return bool(self.added or self.removed or self.changed)


def key_diff(before: dict | None, after: dict | None) -> KeyDiff:
    """Compare two flat dicts (a version's ``parameters`` JSON, a template's attributes)."""
    before, after = before or {}, after or {}
    return KeyDiff(
        added={key: after[key] for key in sorted(after.keys() - before.keys())},
        removed={key: before[key] for key in sorted(before.keys() - after.keys())},
        changed={key: (before[key], after[key]) for key in sorted(before.keys() & after.keys())
                 if before[key] != after[key]},
        unchanged=tuple(sorted(key for key in before.keys() & after.keys() if before[key] == after[key])),
    )


@dataclass(frozen=True)
class Segment:
    text: str
    changed: bool = False


@dataclass(frozen=True)
class Row:
    """One line of a side-by-side view: ``tag`` is equal, replace, delete or insert; each side in segments, with
    its line number (None where the side has no line)."""

    tag: str
    left: tuple[Segment, ...] | None
    right: tuple[Segment, ...] | None
    left_no: int | None = None
    right_no: int | None = None


def _word_segments(before: str, after: str) -> tuple[tuple[Segment, ...], tuple[Segment, ...]]:
    """Two lines split into words with the changed words marked (prompts are often one long line)."""
    a, b = _WORDS.findall(before), _WORDS.findall(after)
    left, right = [], []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if i2 > i1:
            left.append(Segment("".join(a[i1:i2]), tag != "equal"))
        if j2 > j1:
            right.append(Segment("".join(b[j1:j2]), tag != "equal"))
    return _merged(left), _merged(right)


def _merged(segments: list[Segment]) -> tuple[Segment, ...]:
    merged: list[Segment] = []
    for segment in segments:
        if merged and merged[-1].changed == segment.changed:
            merged[-1] = Segment(merged[-1].text + segment.text, segment.changed)
        else:
            merged.append(segment)
    return tuple(merged)


def side_by_side(before: str, after: str) -> list[Row]:
    """Rows for a two-column view: equal lines once per side, replaced lines with their changed words marked."""
    a, b = before.splitlines() or [""], after.splitlines() or [""]
    rows = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            rows += [Row("equal", (Segment(a[i]),), (Segment(b[j]),), i + 1, j + 1)
                     for i, j in zip(range(i1, i2), range(j1, j2), strict=True)]
            continue
        for index in range(max(i2 - i1, j2 - j1)):
            i, j = i1 + index, j1 + index
            left, right = (a[i] if i < i2 else None), (b[j] if j < j2 else None)
            if left is not None and right is not None:
                rows.append(Row("replace", *_word_segments(left, right), i + 1, j + 1))
            elif left is not None:
                rows.append(Row("delete", (Segment(left, True),), None, i + 1, None))
            else:
                rows.append(Row("insert", None, (Segment(right, True),), None, j + 1))
    return rows
