"""Bulk prompt-version imports on PostgreSQL: COPY into a staging table, then one INSERT and one UPDATE.

The staged tests need PostgreSQL (CI sets DATABASE_URL) and are skipped on
SQLite, where the last test checks that batched inserts are still used.
"""

import csv
import uuid
from datetime import UTC, datetime

import pytest
from django.db import connection

from ourvidz_admin.staging import ImportStage
from ourvidz_admin.transfer import TransferError, transfer_import
from prompts.models import PromptTag, PromptVersion, PromptVersionTag
from prompts.resources import PromptVersionResource
from tests.factories import PromptFactory, PromptTagFactory, PromptVersionFactory

pytestmark = pytest.mark.django_db
postgres_only = pytest.mark.skipif(connection.vendor != "postgresql",
                                   reason="the staging table is loaded with PostgreSQL's COPY")


def _write(tmp_path, rows: list[dict], name="versions.csv"):
    headers = PromptVersionResource().expected_columns()
    path = tmp_path / name
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.DictWriter(out, fieldnames=headers)
        writer.writeheader()
        writer.writerows({column: row.get(column, "") for column in headers} for row in rows)
    return path


def _row(**values) -> dict:
    return {"id": str(uuid.uuid4()), "system_prompt": "sys", "user_prompt": "user", "model_name": "SDXL", **values}


@pytest.fixture
def staged(monkeypatch):
    """Counts the staged writes (``ImportStage.apply`` calls)."""
    calls = []
    apply = ImportStage.apply

    def spy(stage):
        calls.append(stage.model)
        return apply(stage)

    monkeypatch.setattr(ImportStage, "apply", spy)
    return calls


@postgres_only
def test_new_rows_are_staged_and_inserted_with_tags_and_lineage(tmp_path, staged):
    # given a file whose child row comes before its parent, with tags (one new), JSON and a soft delete
    PromptFactory(name="portraits")
    PromptTagFactory(name="red")
    parent, child = _row(name="parent", tags="red,blue", parameters='{"steps": 25}', prompt="portraits"), None
    child = _row(name="child", parent_version=parent["id"], tags="red", created_at="2025-01-02T03:04:05.678901+00:00",
                 deleted_at="2025-02-01T00:00:00+00:00", user_prompt='say "hi"\nnew line')
    path = _write(tmp_path, [child, parent])
    # when
    report = transfer_import(path=path, model="prompt-versions", bulk=True)
    # then
    saved = {v.name: v for v in PromptVersion.objects.select_related("prompt").prefetch_related("tags")}
    assert (report.new, report.updated, staged) == (2, 0, [PromptVersion])
    assert str(saved["child"].parent_version_id) == parent["id"] and saved["parent"].prompt.name == "portraits"
    assert saved["parent"].parameters == {"steps": 25} and saved["child"].user_prompt == 'say "hi"\nnew line'
    assert saved["child"].created_at == datetime(2025, 1, 2, 3, 4, 5, 678901, tzinfo=UTC)
    assert saved["child"].deleted_at == datetime(2025, 2, 1, tzinfo=UTC)
    assert sorted(t.name for t in saved["parent"].tags.all()) == ["blue", "red"]
    assert [t.name for t in saved["child"].tags.all()] == ["red"]
    assert PromptTag.objects.count() == 2


@postgres_only
def test_existing_rows_are_updated_in_place_and_their_tags_replaced(tmp_path, staged):
    # given two versions with tags, and a file that edits them and adds a third row
    old = PromptTagFactory(name="old")
    first = PromptVersionFactory(name="first", created_at=datetime(2024, 5, 6, tzinfo=UTC))
    second = PromptVersionFactory(name="second")
    first.tags.add(old)
    second.tags.add(old)
    path = _write(tmp_path, [
        _row(id=str(first.pk), name="first, renamed", tags="new", parameters='{"cfg": 6.5}'),
        _row(id=str(second.pk), name="second", user_prompt="edited", deleted_at="2026-01-02T03:04:05+00:00"),
        _row(name="third"),
    ])
    # when
    report = transfer_import(path=path, model="prompt-versions", bulk=True)
    # then
    first.refresh_from_db()
    second.refresh_from_db()
    assert (report.new, report.updated, staged) == (1, 2, [PromptVersion])
    assert (first.name, first.parameters, [t.name for t in first.tags.all()]) == ("first, renamed", {"cfg": 6.5},
                                                                                 ["new"])
    assert first.created_at == datetime(2024, 5, 6, tzinfo=UTC)  # an empty cell keeps the stored time
    assert (second.user_prompt, second.deleted_at) == ("edited", datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC))
    assert list(second.tags.all()) == []
    assert PromptVersion.objects.count() == 3 and PromptVersionTag.objects.count() == 1


@postgres_only
def test_one_bad_row_writes_nothing_and_names_its_line_and_field(tmp_path, staged):
    # given an existing version, and a big file that updates it, adds rows, and has one bad row near the end
    existing = PromptVersionFactory(name="existing")
    rows = [_row(id=str(existing.pk), name="changed", tags="t")] + [_row(name=f"v{n}") for n in range(2500)]
    rows.insert(2400, _row(name="bad", user_prompt="", parameters="{oops"))
    path = _write(tmp_path, rows)
    # when
    with pytest.raises(TransferError) as refused:
        transfer_import(path=path, model="prompt-versions", bulk=True)
    # then every problem of that row is listed, and nothing was written
    existing.refresh_from_db()
    assert refused.value.messages == [
        "line 2402: parameters: not valid JSON (Expecting property name enclosed in double quotes: "
        "line 1 column 2 (char 1)).",
        "line 2402: user_prompt: This field cannot be blank.",
    ]
    assert staged == [] and existing.name == "existing"
    assert PromptVersion.objects.count() == 1 and PromptTag.objects.count() == 0


@postgres_only
def test_a_dry_run_stages_and_rolls_back(tmp_path):
    # given
    path = _write(tmp_path, [_row(name="a", tags="x"), _row(name="b")])
    # when
    report = transfer_import(path=path, model="prompt-versions", bulk=True, dry_run=True)
    # then
    assert (report.new, report.dry_run) == (2, True)
    assert PromptVersion.objects.count() == 0 and PromptTag.objects.count() == 0


@postgres_only
def test_two_imports_in_one_transaction_use_two_staging_tables(tmp_path):
    # given two files (the test's transaction stays open across both imports)
    first, second = _write(tmp_path, [_row(name="a")], "a.csv"), _write(tmp_path, [_row(name="b")], "b.csv")
    # when
    transfer_import(path=first, model="prompt-versions", bulk=True)
    transfer_import(path=second, model="prompt-versions", bulk=True)
    # then
    assert sorted(PromptVersion.objects.values_list("name", flat=True)) == ["a", "b"]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="checks the SQLite path")
def test_sqlite_keeps_batched_inserts(tmp_path, staged):
    # given
    path = _write(tmp_path, [_row(name="a", tags="x"), _row(name="b")])
    # when
    report = transfer_import(path=path, model="prompt-versions", bulk=True)
    # then
    assert (report.new, staged) == (2, [])
    assert PromptVersion.objects.count() == 2 and PromptVersionTag.objects.count() == 1
