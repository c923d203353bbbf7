"""Migration of the prompt tracker's JSON logs into ``TrackedPrompt`` (document 003; format: docs/tracker_json.md).

All files are read and every entry validated first; any invalid entry (named
by file, list, index and reason) means nothing is written. Then all files go
in one transaction. Re-importing adds nothing: an entry whose
(prompt_hash, ai_model, created_at) is already stored, or already seen in
this run, is skipped.
"""

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from django.db import transaction

from generations.choices import SaveMethod, TrackerOutcome
from generations.models import TrackedPrompt
from generations.prompt_analysis import prompt_hash
from ourvidz_admin.choices import FailureReason

# The tracker's own failure names (and common spellings) onto the ten reasons; anything else is internal_error.
FAILURE_REASON_MAP = {
    **{value: value for value in FailureReason.values},
    "content_policy": "content_filter", "nsfw_filter": "content_filter", "safety_filter": "content_filter",
    "moderation": "content_filter",
    "parameter_error": "invalid_parameters", "invalid_params": "invalid_parameters",
    "invalid_input": "invalid_parameters", "bad_request": "invalid_parameters",
    "too_long": "prompt_too_long", "token_limit": "prompt_too_long",
    "syntax_error": "malformed_prompt", "invalid_prompt": "malformed_prompt",
    "oom": "out_of_memory", "memory_error": "out_of_memory", "cuda_oom": "out_of_memory",
    "timed_out": "timeout", "time_out": "timeout",
    "model_error": "model_load_error", "model_unavailable": "model_load_error", "model_not_found": "model_load_error",
    "crash": "worker_died", "worker_crash": "worker_died",
    "canceled": "cancelled", "user_cancelled": "cancelled", "user_canceled": "cancelled",
    "api_error": "internal_error", "network_error": "internal_error", "server_error": "internal_error",
    "rate_limit": "internal_error", "unknown": "internal_error", "other": "internal_error",
}
LISTS = {"successful_prompts": TrackerOutcome.SUCCESS, "failed_prompts": TrackerOutcome.FAILED}


class TrackerImportError(Exception):
    """Nothing was imported; ``messages`` names every bad file or entry."""

    def __init__(self, messages: list[str]):
        self.messages = messages
        super().__init__("\n".join(messages))


@dataclass
class TrackerImportReport:
    added: dict = field(default_factory=lambda: {"success": 0, "failed": 0})
    duplicates: int = 0
    per_file: dict = field(default_factory=dict)


def map_failure_reason(value) -> str:
    """One of the ten FailureReason values for the tracker's ``failure_reason`` (see FAILURE_REASON_MAP)."""
    key = str(value or "").strip().lower().replace("-", "_").replace(" ", "_")
    return FAILURE_REASON_MAP.get(key, FailureReason.INTERNAL_ERROR)


def _timestamp(value) -> datetime:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return datetime.fromtimestamp(value, tz=UTC)
    if not isinstance(value, str) or not value.strip():
        raise ValueError("timestamp is required (ISO 8601 or Unix seconds)")
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(f"timestamp {value!r} is not ISO 8601") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _text(entry, name, *, required=False, limit=None) -> str:
    value = entry.get(name)
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise ValueError(f"{name} must be a string")
    if required and not value.strip():
        raise ValueError(f"{name} is required")
    if limit and len(value) > limit:
        raise ValueError(f"{name} is longer than {limit} characters")
    return value


def entry_to_row(entry, outcome: str) -> TrackedPrompt:
    """A validated, unsaved TrackedPrompt for one tracker entry; ValueError says what is wrong."""
    if not isinstance(entry, dict):
        raise ValueError("entry must be an object")
    parameters = entry.get("model_parameters") or {}
    if not isinstance(parameters, dict):
        raise ValueError("model_parameters must be an object")
    row = TrackedPrompt(prompt=_text(entry, "prompt", required=True), outcome=outcome,
                        ai_model=_text(entry, "ai_model", required=True, limit=100).strip(),
                        model_parameters=parameters, created_at=_timestamp(entry.get("timestamp")))
    if outcome == TrackerOutcome.SUCCESS:
        row.result_url = _text(entry, "result_url")
        row.feedback = _text(entry, "feedback")
        row.save_method = _text(entry, "save_method").strip()
        if row.save_method and row.save_method not in SaveMethod.values:
            raise ValueError(f"save_method {row.save_method!r} is not one of {', '.join(SaveMethod.values)}")
        rating = entry.get("quality_rating")
        if rating is not None and (isinstance(rating, bool) or not isinstance(rating, int) or not 1 <= rating <= 5):
            raise ValueError(f"quality_rating must be an integer 1-5 or null, got {rating!r}")
        row.quality_rating = rating
    else:
        row.error_message = _text(entry, "error_message")
        row.failure_reason = map_failure_reason(entry.get("failure_reason"))
    return row


def read_tracker_file(path: Path) -> tuple[list[TrackedPrompt], list[str]]:
    """The rows of one file and the problems found in it."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        return [], [f"{path}: file not found"]
    except UnicodeDecodeError:
        return [], [f"{path}: not UTF-8 text"]
    except json.JSONDecodeError as exc:
        return [], [f"{path}: not valid JSON ({exc})"]
    if not isinstance(data, dict) or not any(name in data for name in LISTS):
        return [], [f"{path}: expected an object with successful_prompts and/or failed_prompts"]
    rows, problems = [], []
    for name, outcome in LISTS.items():
        entries = data.get(name) or []
        if not isinstance(entries, list):
            problems.append(f"{path}: {name} must be a list")
            continue
        for index, entry in enumerate(entries):
            try:
                rows.append(entry_to_row(entry, outcome))
            except ValueError as exc:
                problems.append(f"{path}: {name}[{index}]: {exc}")
    return rows, problems


@transaction.atomic
def tracker_json_import(*, paths: list[Path]) -> TrackerImportReport:
    """Import every file or none; ``TrackerImportError`` lists every invalid file and entry."""
    loaded, problems = {}, []
    for path in paths:
        loaded[path], file_problems = read_tracker_file(path)
        problems += file_problems
    if problems:
        raise TrackerImportError(problems)
    report = TrackerImportReport()
    all_rows = [row for rows in loaded.values() for row in rows]
    hashes = {prompt_hash(row.prompt) for row in all_rows}
    seen = set(
        TrackedPrompt.objects.filter(prompt_hash__in=hashes).values_list("prompt_hash", "ai_model", "created_at")
    )
    for path, rows in loaded.items():
        added = 0
        for row in rows:
            key = (prompt_hash(row.prompt), row.ai_model, row.created_at)
            if key in seen:
                report.duplicates += 1
                continue
            seen.add(key)
            row.save()
            report.added[row.outcome] += 1
            added += 1
        report.per_file[str(path)] = added
    return report
