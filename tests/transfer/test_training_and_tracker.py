"""export_training_data on a hand-built tracker, and import_tracker_json's migration of the old JSON logs."""

import json
from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import CommandError, call_command

from generations.models import TrackedPrompt
from tests.factories import JobFactory, TrackedPromptFactory

pytestmark = pytest.mark.django_db
T0 = datetime(2025, 3, 1, tzinfo=UTC)


def _at(minutes):
    return T0 + timedelta(minutes=minutes)


def test_export_training_data_is_exact(tmp_path):
    # given two good prompts (one rated through its job), one low-rated, three failed in two categories
    good_new = TrackedPromptFactory(prompt="red hat portrait, golden light", quality_rating=5, created_at=_at(5))
    good_job = TrackedPromptFactory(prompt="red hat portrait", job=JobFactory(quality_rating=4), created_at=_at(4))
    TrackedPromptFactory(prompt="blurry cat", quality_rating=1, created_at=_at(3))
    TrackedPromptFactory(prompt="unrated dog", created_at=_at(2))
    oom = [TrackedPromptFactory(prompt=f"huge scene {n}!", outcome="failed", failure_reason="out_of_memory",
                                save_method="", created_at=_at(n)) for n in (1, 0)]
    nsfw = TrackedPromptFactory(prompt="bad words", outcome="failed", failure_reason="content_filter",
                                save_method="", error_message="filtered", created_at=_at(-1))
    out = tmp_path / "training.json"
    # when
    call_command("export_training_data", str(out), "--max-failed", "2")
    data = json.loads(out.read_text())
    # then
    assert [row["id"] for row in data["good_prompts"]] == [str(good_new.pk), str(good_job.pk)]
    assert [row["quality_rating"] for row in data["good_prompts"]] == [5, 4]
    assert data["failed_prompts_by_category"] == {
        "out_of_memory": [{"id": str(oom[0].pk), "prompt": "huge scene 1!", "ai_model": "sdxl",
                           "failure_reason": "out_of_memory", "error_message": "", "model_parameters": {},
                           "created_at": "2025-03-01T00:01:00+00:00"}],
        "content_filter": [{"id": str(nsfw.pk), "prompt": "bad words", "ai_model": "sdxl",
                            "failure_reason": "content_filter", "error_message": "filtered", "model_parameters": {},
                            "created_at": "2025-02-28T23:59:00+00:00"}],
    }
    assert data["parameters"] == {"min_rating": 4, "max_failed": 2, "max_successful": 200}
    assert data["analysis"]["good"] == {
        "count": 2, "prompt_length": {"mean": 23.0, "median": 23.0}, "word_count": {"mean": 4.0, "median": 4.0},
        "special_char_count": {"mean": 0.5, "median": 0.5},
        "top_terms": [["hat", 2], ["portrait", 2], ["red", 2], ["golden", 1], ["light", 1]],
    }
    assert data["analysis"]["failed"]["top_terms"] == [["bad", 1], ["huge", 1], ["scene", 1], ["words", 1]]
    assert data["analysis"]["low_rated"]["count"] == 1
    assert data["analysis"]["over_represented_good_vs_failed"] == [
        ["hat", 2, 0, 3.0], ["portrait", 2, 0, 3.0], ["red", 2, 0, 3.0]]


def test_export_training_data_validates_arguments(tmp_path):
    with pytest.raises(CommandError, match="--min-rating must be 1 to 5, got 6"):
        call_command("export_training_data", str(tmp_path / "x.json"), "--min-rating", "6")
    with pytest.raises(CommandError, match="--max-failed must be 0 to 100000, got -1"):
        call_command("export_training_data", str(tmp_path / "x.json"), "--max-failed", "-1")
    with pytest.raises(CommandError, match="does not exist or is not writable"):
        call_command("export_training_data", str(tmp_path / "missing" / "x.json"))


TRACKER = {
    "successful_prompts": [
        {"prompt": "portrait, golden hour", "ai_model": "sdxl", "result_url": "https://x/a.png",
         "save_method": "manual", "model_parameters": {"steps": 25}, "timestamp": "2025-03-01T10:00:00+00:00",
         "quality_rating": 5, "feedback": "great"},
    ],
    "failed_prompts": [
        {"prompt": "a cat", "ai_model": "wan", "error_message": "CUDA out of memory", "failure_reason": "oom",
         "model_parameters": {}, "timestamp": "2025-03-01T10:05:00"},
        {"prompt": "a dog", "ai_model": "wan", "error_message": "?", "failure_reason": "weird thing",
         "timestamp": 1740823500},
    ],
}


def test_import_tracker_json_is_idempotent(tmp_path, capsys):
    # given a tracker log
    path = tmp_path / "tracker.json"
    path.write_text(json.dumps(TRACKER))
    # when imported twice
    call_command("import_tracker_json", str(path))
    call_command("import_tracker_json", str(path))
    # then the rows exist once, with mapped failure reasons
    out = capsys.readouterr().out
    assert "Added 1 successful and 2 failed prompt(s); skipped 0 already imported." in out
    assert "Added 0 successful and 0 failed prompt(s); skipped 3 already imported." in out
    assert sorted(TrackedPrompt.objects.values_list("prompt", "outcome", "failure_reason", "quality_rating")) == [
        ("a cat", "failed", "out_of_memory", None), ("a dog", "failed", "internal_error", None),
        ("portrait, golden hour", "success", "", 5)]
    assert TrackedPrompt.objects.get(prompt="a cat").created_at == datetime(2025, 3, 1, 10, 5, tzinfo=UTC)


def test_import_tracker_json_rejects_bad_entries_and_writes_nothing(tmp_path):
    # given one good file and one with two bad entries
    good, bad = tmp_path / "good.json", tmp_path / "bad.json"
    good.write_text(json.dumps(TRACKER))
    bad.write_text(json.dumps({"successful_prompts": [{"prompt": "", "ai_model": "sdxl", "timestamp": "2025-01-01"},
                                                      {"prompt": "x", "ai_model": "sdxl", "timestamp": "2025-01-01",
                                                       "quality_rating": 9}]}))
    # when
    with pytest.raises(CommandError) as caught:
        call_command("import_tracker_json", str(good), str(bad))
    # then
    assert str(caught.value) == (
        f"Nothing was imported:\n{bad}: successful_prompts[0]: prompt is required\n"
        f"{bad}: successful_prompts[1]: quality_rating must be an integer 1-5 or null, got 9")
    assert TrackedPrompt.objects.count() == 0
