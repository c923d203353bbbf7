"""Import and export of prompt versions: exact round trips, all-or-nothing imports, clear errors."""

import json
from datetime import UTC, datetime

import pytest
from django.core.management import CommandError, call_command

from prompts.models import PromptTag, PromptVersion, PromptVersionTag
from tests.factories import PromptFactory, PromptTagFactory, PromptVersionFactory

pytestmark = pytest.mark.django_db
HEADER = "id,prompt,name,description,system_prompt,user_prompt,model_name,parameters,parent_version,tags," \
         "created_by,created_at,deleted_at"


def _snapshot():
    return sorted(
        (str(v.pk), v.prompt.name if v.prompt else None, v.name, v.system_prompt, v.user_prompt, v.model_name,
         json.dumps(v.parameters), str(v.parent_version_id), sorted(t.name for t in v.tags.all()),
         v.created_at, v.deleted_at)
        for v in PromptVersion.objects.select_related("prompt").prefetch_related("tags")
    )


def _lineage():
    prompt = PromptFactory(name="portraits")
    red, blue = PromptTagFactory(name="red"), PromptTagFactory(name="blue")
    root = PromptVersionFactory(prompt=prompt, name="root", parameters={"steps": 25},
                                created_at=datetime(2025, 1, 2, 3, 4, 5, 678901, tzinfo=UTC))
    child = PromptVersionFactory(prompt=prompt, name="child, with comma", parent_version=root,
                                 user_prompt='say "hi"\nnew line', deleted_at=datetime(2025, 2, 1, tzinfo=UTC))
    grandchild = PromptVersionFactory(name="grandchild", parent_version=child, model_name="WAN")
    root.tags.add(red)
    child.tags.add(red, blue)
    return root, child, grandchild


@pytest.mark.parametrize("extension", ["csv", "json", "xlsx", "yaml"])
def test_round_trip_keeps_ids_tags_lineage_and_soft_delete(tmp_path, extension):
    # given three versions in a lineage, with tags and one soft-deleted, exported
    _lineage()
    before = _snapshot()
    path = tmp_path / f"versions.{extension}"
    call_command("export_prompts", str(path))
    # when every version and tag is deleted and the file imported again
    PromptVersion.objects.filter(name="grandchild").delete()
    PromptVersion.objects.filter(name__startswith="child").delete()
    PromptVersion.objects.all().delete()
    PromptTag.objects.all().delete()
    call_command("import_prompts", str(path))
    # then the rows are exactly the same
    assert _snapshot() == before
    assert PromptVersionTag.objects.count() == 3


def test_bulk_mode_round_trip_is_exact_too(tmp_path):
    # given an export
    _lineage()
    before = _snapshot()
    path = tmp_path / "versions.csv"
    call_command("export_prompts", str(path))
    PromptVersion.objects.filter(name="grandchild").delete()
    PromptVersion.objects.filter(name__startswith="child").delete()
    PromptVersion.objects.all().delete()
    # when imported in bulk mode (the path big files take)
    from ourvidz_admin.transfer import transfer_import

    report = transfer_import(path=path, model="prompt-versions", bulk=True)
    # then
    assert (report.new, report.updated) == (3, 0)
    assert _snapshot() == before


def test_reimport_updates_in_place(tmp_path):
    # given an exported version edited in the file
    root, _, _ = _lineage()
    path = tmp_path / "versions.json"
    call_command("export_prompts", str(path))
    rows = json.loads(path.read_text())
    for row in rows:
        if row["name"] == "root":
            row["tags"] = "green"
    path.write_text(json.dumps(rows))
    # when
    call_command("import_prompts", str(path))
    # then
    assert PromptVersion.objects.count() == 3
    assert [t.name for t in PromptVersion.objects.get(pk=root.pk).tags.all()] == ["green"]


def test_reimport_writes_every_edited_column(tmp_path):
    # given an export whose root row has a new name, parameters (JSON) and soft-delete time
    root, child, _ = _lineage()
    path = tmp_path / "versions.json"
    call_command("export_prompts", str(path))
    rows = json.loads(path.read_text())
    for row in rows:
        if row["name"] == "root":
            row.update(name="root, renamed", parameters='{"steps": 40, "cfg": 6.5}',
                       deleted_at="2026-01-02T03:04:05+00:00")
    path.write_text(json.dumps(rows))
    # when
    call_command("import_prompts", str(path))
    # then
    root.refresh_from_db()
    child.refresh_from_db()
    assert (root.name, root.parameters) == ("root, renamed", {"steps": 40, "cfg": 6.5})
    assert root.deleted_at.isoformat() == "2026-01-02T03:04:05+00:00"
    assert child.parent_version_id == root.pk and child.deleted_at.isoformat() == "2025-02-01T00:00:00+00:00"


def _write(tmp_path, lines, name="in.csv"):
    path = tmp_path / name
    path.write_text("\n".join([HEADER, *lines]) + "\n", encoding="utf-8")
    return path


def test_one_bad_row_writes_nothing_and_every_bad_row_is_listed(tmp_path):
    # given a file with one good row and three bad ones
    path = _write(tmp_path, [
        ",,good,,sys,user prompt,SDXL,,,a,,,",
        ",,no user prompt,,sys,,SDXL,,,,,,",
        ",nope,unknown prompt,,sys,user,SDXL,,,,,,",
        ",,bad json,,sys,user,SDXL,{oops,,,,not-a-date,",
    ])
    # when
    with pytest.raises(CommandError) as caught:
        call_command("import_prompts", str(path))
    # then
    message = str(caught.value)
    assert "line 3: user_prompt: This field cannot be blank." in message
    assert "line 4: prompt: no prompt with name 'nope'." in message
    assert "line 5: parameters: not valid JSON" in message
    assert "line 5: created_at: 'not-a-date' is not an ISO 8601 date-time" in message
    assert "line 2" not in message
    assert PromptVersion.objects.count() == 0 and PromptTag.objects.count() == 0


def test_unknown_parent_is_a_row_error(tmp_path):
    # given
    path = _write(tmp_path, [",,orphan,,sys,user,SDXL,,0190a6b2-0000-7000-8000-000000000000,,,,"])
    # when
    with pytest.raises(CommandError) as caught:
        call_command("import_prompts", str(path))
    # then
    missing = "line 2: parent_version: no prompt version with id 0190a6b2-0000-7000-8000-000000000000."
    assert missing in str(caught.value)
    assert PromptVersion.objects.count() == 0


def test_wrong_columns_list_the_expected_ones(tmp_path):
    # given
    path = tmp_path / "in.csv"
    path.write_text("id,prompt_text,user_prompt\n,x,y\n", encoding="utf-8")
    # when
    with pytest.raises(CommandError) as caught:
        call_command("import_prompts", str(path))
    # then
    assert str(caught.value).endswith(
        "Wrong columns (unknown column(s): prompt_text; missing column(s): system_prompt). Expected columns: "
        "id, prompt, name, description, system_prompt, user_prompt, model_name, parameters, parent_version, "
        "tags, created_by, created_at, deleted_at.")


def test_non_utf8_file_is_refused(tmp_path):
    # given a Latin-1 file
    path = tmp_path / "in.csv"
    path.write_bytes((HEADER + "\n,,caf\xe9,,sys,user,SDXL,,,,,,\n").encode("latin-1"))
    # when
    with pytest.raises(CommandError) as caught:
        call_command("import_prompts", str(path))
    # then
    assert "is not UTF-8 text: byte 0xe9" in str(caught.value)
    assert PromptVersion.objects.count() == 0


def test_huge_cell_is_refused(tmp_path):
    # given
    path = _write(tmp_path, [",,ok,,sys,user,SDXL,,,,,,", f",,big,,sys,{'x' * 100_001},SDXL,,,,,,"])
    # when
    with pytest.raises(CommandError) as caught:
        call_command("import_prompts", str(path))
    # then
    assert "line 3: user_prompt: cell has 100,001 characters; the limit is 100,000." in str(caught.value)
    assert PromptVersion.objects.count() == 0


def test_duplicate_keys_in_file_are_refused(tmp_path):
    # given
    key = "0190a6b2-0000-7000-8000-000000000001"
    path = _write(tmp_path, [f"{key},,a,,sys,user,SDXL,,,,,,", f"{key},,b,,sys,user,SDXL,,,,,,"])
    # when
    with pytest.raises(CommandError) as caught:
        call_command("import_prompts", str(path))
    # then
    assert f"line 3: id: duplicate key '{key}' (first in row 1)." in str(caught.value)
    assert PromptVersion.objects.count() == 0


def test_missing_file_and_unknown_extension(tmp_path):
    with pytest.raises(CommandError, match="File not found"):
        call_command("import_prompts", str(tmp_path / "none.csv"))
    refused = r"Unknown file extension '.txt'.*use one of .csv, .json, .xlsx, .yaml, .yml"
    with pytest.raises(CommandError, match=refused):
        call_command("export_prompts", str(tmp_path / "out.txt"))


def test_dry_run_writes_nothing(tmp_path):
    # given
    path = _write(tmp_path, [",,good,,sys,user prompt,SDXL,,,a,,,"])
    # when
    call_command("import_prompts", str(path), "--dry-run")
    # then
    assert PromptVersion.objects.count() == 0 and PromptTag.objects.count() == 0


def test_compel_config_hash_is_recomputed(tmp_path):
    # given a file whose hash is wrong
    from configs.models import CompelConfig
    from configs.models.compel import compel_config_hash

    path = tmp_path / "compel.json"
    path.write_text(json.dumps([{"id": "", "config_name": "c", "weights": '{"quality": 1.2}', "config_hash": "bad"}]))
    # when
    call_command("import_prompts", str(path), "--model", "compel-configs")
    # then
    assert CompelConfig.objects.get().config_hash == compel_config_hash({"quality": 1.2})


def test_import_command_parses_the_file_once(tmp_path, monkeypatch):
    # given a good file and a count of every parse
    from ourvidz_admin import transfer

    path = _write(tmp_path, [",,good,,sys,user prompt,SDXL,,,a,,,"])
    parse, formats = transfer.dataset_from_content, []

    def counted(content, fmt):
        formats.append(fmt)
        return parse(content, fmt)

    monkeypatch.setattr(transfer, "dataset_from_content", counted)
    # when
    call_command("import_prompts", str(path))
    # then
    assert formats == ["csv"]
    assert list(PromptVersion.objects.values_list("name", flat=True)) == ["good"]


def test_import_takes_a_dataset_already_read(tmp_path):
    # given a file read into a dataset, then removed
    from ourvidz_admin.transfer import dataset_read, transfer_import

    path = _write(tmp_path, [",,good,,sys,user prompt,SDXL,,,a,,,"])
    dataset = dataset_read(path)
    path.unlink()
    # when
    report = transfer_import(path=path, model="prompt-versions", dataset=dataset)
    # then
    assert (report.total, report.new, report.updated, report.dry_run) == (1, 1, 0, False)
    assert list(PromptVersion.objects.values_list("name", flat=True)) == ["good"]


def test_unknown_model_is_refused_by_import_and_export_alike(tmp_path):
    # given
    from ourvidz_admin.transfer import (
        TransferError,
        resource_class_get,
        resource_classes,
        transfer_export,
        transfer_import,
    )

    path = _write(tmp_path, [",,good,,sys,user prompt,SDXL,,,a,,,"])
    expected = [f"Unknown model 'nope'; use one of {', '.join(resource_classes())}."]
    # when
    with pytest.raises(TransferError) as on_import:
        transfer_import(path=path, model="nope")
    with pytest.raises(TransferError) as on_export:
        transfer_export(path=tmp_path / "out.csv", model="nope")
    # then
    assert on_import.value.messages == expected and on_export.value.messages == expected
    assert resource_class_get("prompt-versions") is resource_classes()["prompt-versions"]
    assert PromptVersion.objects.count() == 0 and not (tmp_path / "out.csv").exists()
