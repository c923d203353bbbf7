"""Bulk prompt-version imports checked without a model instance per row (``FastRows``) on PostgreSQL.

Every test imports the same file twice, once through ``FastRows`` and once row
by row (``fast_rows`` switched off), and compares: the messages of a bad file,
the stored rows of a good one. Skipped on SQLite, which always goes row by row.
"""

import csv
import json
import uuid
from datetime import UTC, datetime
from types import SimpleNamespace

import pytest
from django.db import connection, transaction

from ourvidz_admin.resources import MAX_CELL_CHARS, StrictModelResource
from ourvidz_admin.transfer import TransferError, transfer_import
from prompts.models import PromptTag, PromptVersion, PromptVersionTag
from prompts.resources import FastPromptVersionResource, PromptVersionResource
from tests.factories import PromptFactory, PromptTagFactory, PromptVersionFactory, UserFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="FastRows checks PostgreSQL's staged imports"),
]
TIME = "2025-03-04T05:06:07.123456+00:00"


def _write(tmp_path, rows: list[dict], name="versions.csv"):
    headers = PromptVersionResource().expected_columns()
    path = tmp_path / name
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.DictWriter(out, fieldnames=headers)
        writer.writeheader()
        writer.writerows({column: row.get(column, "") for column in headers} for row in rows)
    return path


def _row(**values) -> dict:
    return {"id": str(uuid.uuid4()), "system_prompt": "sys", "user_prompt": "user", "model_name": "SDXL",
            "created_at": TIME, **values}


@pytest.fixture
def row_by_row(monkeypatch):
    """``.rows``: the row numbers that went through ``import_row``; ``.off()`` switches ``FastRows`` off."""
    rows = []
    import_row = StrictModelResource.import_row

    def spy(resource, row, instance_loader, **kwargs):
        rows.append(kwargs["row_number"])
        return import_row(resource, row, instance_loader, **kwargs)

    monkeypatch.setattr(StrictModelResource, "import_row", spy)
    return SimpleNamespace(rows=rows, off=lambda: monkeypatch.setattr(FastPromptVersionResource, "fast_rows", False))


def _import(path):
    """The import's messages (or None), and the stored rows; every write is rolled back after."""
    messages = None
    try:
        with transaction.atomic():
            try:
                transfer_import(path=path, model="prompt-versions", bulk=True)
            except TransferError as exc:
                messages = exc.messages
            stored = _snapshot()
            raise _Undo
    except _Undo:
        pass
    return messages, stored


class _Undo(Exception):
    pass


def _snapshot():
    return sorted(
        (v.name, str(v.pk) if not v.name.startswith("no id") else "generated", v.prompt_id, v.description,
         v.system_prompt, v.user_prompt, v.model_name, json.dumps(v.parameters, sort_keys=True),
         str(v.parent_version_id), v.created_by_id, v.created_at if v.name != "no created_at" else "now",
         v.deleted_at, sorted(t.name for t in v.tags.all()))
        for v in PromptVersion.objects.prefetch_related("tags")
    ) + [sorted(PromptTag.objects.values_list("name", flat=True))]


def test_bad_rows_get_the_same_messages_as_row_by_row(tmp_path, row_by_row):
    # given a file with good rows and one bad row of every kind the checks look for
    PromptFactory(name="portraits")
    UserFactory(username="ana")
    existing = PromptVersionFactory(name="stored")
    dup, parent = str(uuid.uuid4()), str(uuid.uuid4())
    bad = [
        _row(id="not-a-uuid"), _row(id=dup, name="duplicate"), _row(prompt="nope"),
        _row(created_by="nobody"), _row(name="n" * 256), _row(model_name="m" * 101), _row(system_prompt=""),
        _row(user_prompt=""), _row(parameters="{oops"), _row(parameters='{"a": "x\\u0000y"}'),
        _row(parameters="[" * 40 + "]" * 40), _row(parent_version="zzz"), _row(parent_version=str(uuid.uuid4())),
        _row(id=parent, parent_version=parent), _row(tags="ok," + "t" * 51), _row(created_at="yesterday"),
        _row(deleted_at="2025-13-01"), _row(name="nul\x00byte"), _row(description="d" * (MAX_CELL_CHARS + 1)),
        _row(user_prompt="", parameters="{oops", name="x" * 300, prompt="nope"),
    ]
    good = [_row(name=f"good {n}", tags="a,b", parameters='{"steps": 25}', prompt="portraits", created_by="ana")
            for n in range(30)]
    good[3]["id"] = dup
    rows = good[:10] + bad + good[10:] + [_row(id=str(existing.pk), name="stored, edited", created_at="")]
    path = _write(tmp_path, rows)
    # when imported through FastRows, then row by row
    fast_messages, fast_stored = _import(path)
    fast_rows = list(row_by_row.rows)
    row_by_row.off()
    row_by_row.rows.clear()
    slow_messages, slow_stored = _import(path)
    # then the messages are the same, one or more per bad row, and nothing was written either way
    assert fast_messages == slow_messages
    assert len({message.split(":")[0] for message in fast_messages}) == len(bad)
    assert fast_stored == slow_stored and [row[0] for row in fast_stored[:-1]] == ["stored"]
    # and only the doubted rows (the bad ones, and the update that keeps its stored time) went row by row
    assert fast_rows == [*range(11, 11 + len(bad)), len(rows)]
    assert len(row_by_row.rows) == len(rows)


def test_a_good_file_stores_the_same_rows_as_row_by_row(tmp_path, row_by_row):
    # given stored versions with tags, and a file of new rows, updates, lineage, lookups and awkward text
    PromptFactory(name="portraits")
    UserFactory(username="ana")
    PromptTagFactory(name="old")
    first = PromptVersionFactory(name="first", created_at=datetime(2024, 5, 6, tzinfo=UTC))
    second = PromptVersionFactory(name="second")
    first.tags.add(PromptTag.objects.get(name="old"))
    second.tags.add(PromptTag.objects.get(name="old"))
    root = _row(name="root", tags="red, blue ,red", parameters='{"cfg": 6.5, "nested": {"list": [1, null]}}')
    rows = [
        _row(name="child", parent_version=root["id"].upper(), prompt=" portraits ", created_by="ana"),
        root,
        _row(id=str(first.pk), name="first, renamed", tags="new,old", created_at=""),
        _row(id=str(second.pk), name="second", user_prompt="tab\there\nnew line \\ backslash", tags="",
             deleted_at="2026-01-02T03:04:05"),
        _row(id="", name="no id", description="…unicode ✓", parameters="[]"),
        _row(name="no created_at", created_at="", parameters="null", model_name=""),
        _row(name="{" + "x" * 250 + "}", parameters='"a string"', deleted_at=TIME),
    ]
    path = _write(tmp_path, rows)
    # when
    fast_messages, fast_stored = _import(path)
    fast_rows = list(row_by_row.rows)
    row_by_row.off()
    slow_messages, slow_stored = _import(path)
    # then
    assert fast_messages is None and slow_messages is None
    assert fast_stored == slow_stored
    assert len(fast_stored) == 7 + 1  # 5 new, 2 updated (first, second), and the tag names
    assert fast_rows == [3]  # "first" keeps its stored time: the instance knows it


def test_a_file_without_every_column_goes_row_by_row(tmp_path, row_by_row):
    # given a file that leaves out optional columns
    path = tmp_path / "versions.csv"
    path.write_text("id,system_prompt,user_prompt\n,sys,user\n,sys,user\n", encoding="utf-8")
    # when
    report = transfer_import(path=path, model="prompt-versions", bulk=True)
    # then
    assert (report.new, row_by_row.rows) == (2, [1, 2])


def test_unchanged_rows_and_links_are_left_as_they_are(tmp_path):
    # given a stored version with a tag, re-imported unchanged but for a second tag
    stored = PromptVersionFactory(name="kept", created_at=datetime(2024, 5, 6, tzinfo=UTC))
    stored.tags.add(PromptTagFactory(name="red"))
    link = PromptVersionTag.objects.get()
    path = _write(tmp_path, [_row(id=str(stored.pk), name="kept", system_prompt=stored.system_prompt,
                                  user_prompt=stored.user_prompt, model_name="", tags="red,blue",
                                  created_at=stored.created_at.isoformat())])
    # when
    report = transfer_import(path=path, model="prompt-versions", bulk=True)
    # then the link to "red" is the same row, "blue" was added
    assert report.updated == 1
    assert sorted(PromptVersionTag.objects.values_list("tag__name", flat=True)) == ["blue", "red"]
    assert PromptVersionTag.objects.filter(pk=link.pk, tag__name="red").exists()
