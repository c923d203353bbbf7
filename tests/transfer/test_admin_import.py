"""The admin's Import page previews a file and imports it on confirmation; a bad file offers no confirm."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from prompts.models import PromptVersion
from tests.factories import PromptVersionFactory

pytestmark = pytest.mark.django_db
HEADER = b"id,prompt,name,description,system_prompt,user_prompt,model_name,parameters,parent_version,tags," \
         b"created_by,created_at,deleted_at\n"


def _hidden_fields(body: str) -> dict:
    form = body[body.index('action="/admin/prompts/promptversion/process_import/"'):]
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form))


def test_preview_then_confirm_imports(admin_client):
    # given a file with two new versions
    upload = SimpleUploadedFile("v.csv", HEADER + b",,one,,sys,first,SDXL,,,a,,,\n,,two,,sys,second,WAN,,,,,,\n")
    # when the file is uploaded
    preview = admin_client.post(reverse("admin:prompts_promptversion_import"),
                                {"format": "0", "import_file": upload})
    body = preview.content.decode()
    # then the preview lists both rows as new and nothing is written yet
    assert preview.status_code == 200
    assert body.count('<td class="import-type">') == 2 and "New" in body
    assert PromptVersion.objects.count() == 0
    # when confirmed
    response = admin_client.post(reverse("admin:prompts_promptversion_process_import"), _hidden_fields(body))
    # then
    assert response.status_code == 302
    assert sorted(PromptVersion.objects.values_list("user_prompt", "model_name")) == [("first", "SDXL"),
                                                                                       ("second", "WAN")]
    assert list(PromptVersion.objects.get(user_prompt="first").tags.values_list("name", flat=True)) == ["a"]


def test_preview_of_a_bad_file_lists_errors_and_offers_no_confirm(admin_client):
    # given a file with one good and one bad row
    upload = SimpleUploadedFile("v.csv", HEADER + b",,ok,,sys,fine,SDXL,,,,,,\n,,bad,,sys,,SDXL,,,,,,\n")
    # when
    response = admin_client.post(reverse("admin:prompts_promptversion_import"), {"format": "0", "import_file": upload})
    body = response.content.decode()
    # then
    assert response.status_code == 200
    assert "This field cannot be blank." in body
    assert "process_import" not in body
    assert PromptVersion.objects.count() == 0


def test_import_and_export_pages_load(admin_client):
    # given
    PromptVersionFactory()
    # when / then
    for name in ("prompts_promptversion", "prompts_prompttemplate", "prompts_promptrule", "prompts_character",
                 "prompts_prompt", "prompts_agent", "prompts_agentprompt", "configs_enhancementpreset",
                 "configs_compelconfig", "analytics_prompttestresult"):
        assert admin_client.get(reverse(f"admin:{name}_import")).status_code == 200, name
        assert admin_client.get(reverse(f"admin:{name}_export")).status_code == 200, name
        changelist = admin_client.get(reverse(f"admin:{name}_changelist")).content.decode()
        assert reverse(f"admin:{name}_import") in changelist, name
