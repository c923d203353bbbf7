"""Hostile import files through the command and the admin: one clear sentence, nothing written, bounded memory."""

import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from prompts.models import PromptVersion

pytestmark = pytest.mark.django_db

LAUGHS = "\n".join(
    ["a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    + [f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, "
       f"*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]" for i in range(8)]
    + ["- {id: '', name: x, user_prompt: *i}"]
).encode()
ROW = {"id": "", "prompt": "", "name": "v", "description": "", "system_prompt": "s", "user_prompt": "u",
       "model_name": "SDXL", "parameters": "", "parent_version": "", "tags": "", "created_by": "",
       "created_at": "", "deleted_at": ""}
LEAKS = ("Traceback", "Error'", "Error:", "/work/", "site-packages", "encountered while", "InvalidDimensions",
         "UnicodeDecodeError")


def _import(tmp_path, name: str, content: bytes) -> str:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(CommandError) as refused:
        call_command("import_prompts", str(path), "--model", "prompt-versions", stdout=io.StringIO())
    return str(refused.value)


def test_a_yaml_file_with_aliases_is_refused_before_it_expands(tmp_path):
    message = _import(tmp_path, "laughs.yaml", LAUGHS)

    assert "YAML aliases (*a) are not accepted (line 2); write each record out in full." in message
    assert PromptVersion.objects.count() == 0


def test_a_list_where_text_is_expected_is_a_row_error(tmp_path):
    message = _import(tmp_path, "typed.json", json.dumps([{**ROW, "user_prompt": [[["x"]]]}]).encode())

    assert "record 1: user_prompt: expected a single value, got a list." in message
    assert PromptVersion.objects.count() == 0


def test_a_nul_byte_in_json_parameters_is_a_row_error(tmp_path):
    message = _import(tmp_path, "nul.json", json.dumps([{**ROW, "parameters": {"steps": "2\u00000"}}]).encode())

    assert "record 1: parameters: Null characters are not allowed." in message
    assert PromptVersion.objects.count() == 0


def test_an_oversized_yaml_file_is_refused_by_size(tmp_path, monkeypatch):
    from ourvidz_admin import transfer

    monkeypatch.setitem(transfer.MAX_IMPORT_BYTES, "yaml", 1000)
    message = _import(tmp_path, "big.yaml", b"- {name: x}\n" * 200)

    assert "big.yaml is 0.0 MB; a YAML import is at most 0 MB." in message


@pytest.mark.parametrize("name, content, fmt, expected", [
    ("laughs.yaml", LAUGHS, "3", "YAML aliases (*a) are not accepted (line 2)"),
    ("latin1.csv", b"id,name\n,caf\xe9\n", "0", "The file is not UTF-8 text"),
    ("broken.json", b"[{", "1", "The file could not be read as JSON"),
    ("ragged.csv", b"id,name\n,a,b,c\n", "0", "a row has more or fewer values than the header row has columns"),
])
def test_the_admin_refuses_unreadable_files_without_internals(admin_client, name, content, fmt, expected):
    response = admin_client.post(reverse("admin:prompts_promptversion_import"),
                                 {"format": fmt, "import_file": SimpleUploadedFile(name, content)})
    body = response.content.decode()

    assert response.status_code == 200 and expected in body
    assert not [leak for leak in LEAKS if leak in body]
    assert PromptVersion.objects.count() == 0


def test_the_admin_names_wrong_columns_without_a_traceback(admin_client):
    upload = SimpleUploadedFile("v.csv", b"identifier,title\n1,x\n")

    response = admin_client.post(reverse("admin:prompts_promptversion_import"), {"format": "0", "import_file": upload})
    body = response.content.decode()

    assert "Wrong columns (unknown column(s): identifier, title" in body
    assert not [leak for leak in LEAKS if leak in body]


def test_a_bad_id_in_a_bulk_sized_file_is_a_row_error_not_a_traceback(tmp_path):
    header = ",".join(ROW) + "\n"
    rows = "".join(f",,v{i},,s,u,SDXL,,,,,,\n" for i in range(3000))
    content = (header + "not-a-uuid,,v,,s,u,SDXL,,,,,,\n" + rows).encode()

    message = _import(tmp_path, "big.csv", content)

    assert message.endswith("line 2: id: 'not-a-uuid' is not a UUID.")
    assert PromptVersion.objects.count() == 0
