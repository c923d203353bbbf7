"""``{name}`` placeholders: filled from submitted variables, a missing one refused by name, ``{{ }}`` literal."""

from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from configs.services import model_backend_set
from generations.models import Job
from generations.services import job_submit
from prompts.placeholders import MissingVariables, fill, placeholder_names, variables_parse
from prompts.resolution import ResolvedPrompt, resolved_fill
from tests.factories import PromptTemplateFactory, PromptVersionFactory


def test_fill_replaces_names_unescapes_double_braces_and_leaves_other_braces():
    text = 'portrait of {subject}, {style}; literal {{style}} and JSON {"a": 1}'
    assert placeholder_names(text) == ["subject", "style"]
    assert fill(text, {"subject": "a fox", "style": "ink"}, where="T") == \
        'portrait of a fox, ink; literal {style} and JSON {"a": 1}'


def test_a_missing_variable_is_named():
    with pytest.raises(MissingVariables, match=r"^Template 'x' needs the variables style, mood: give style=… mood=…"):
        fill("{style} and {mood} and {style}", {}, where="Template 'x'")


def test_variables_parse_needs_name_equals_value():
    assert variables_parse(["style=oil, thick", "mood="]) == {"style": "oil, thick", "mood": ""}
    with pytest.raises(ValueError, match=r"--var 'style': write NAME=VALUE."):
        variables_parse(["style"])


def test_resolved_templates_are_filled_for_the_worker():
    resolved = ResolvedPrompt(system_prompt="in the style of {style}", negative_prompt="no {{brackets}}",
                              rewrite_prompt="", lineage={"templates": {"system": {"name": "styled"}}})
    filled = resolved_fill(resolved, {"style": "ukiyo-e"})
    assert (filled.system_prompt, filled.negative_prompt) == ("in the style of ukiyo-e", "no {brackets}")
    with pytest.raises(MissingVariables, match="Template 'styled' needs the variable style"):
        resolved_fill(resolved, {})


@pytest.fixture
def backends(db, tmp_path):
    for family in ("qwen", "sdxl", "wan"):
        model_backend_set(family=family, path=str(tmp_path / family), model_name=family)


@pytest.mark.django_db
def test_a_version_is_filled_at_submission_and_a_missing_variable_refused(backends):
    version = PromptVersionFactory(user_prompt="portrait of {subject}, {style}")
    job = job_submit(prompt="a fox", model_type="SDXL", prompt_version=version, variables={"style": "watercolor"})
    assert job.original_prompt == "portrait of a fox, watercolor"
    assert job.metadata["variables"] == {"style": "watercolor"}
    with pytest.raises(ValidationError) as excinfo:
        job_submit(prompt="a fox", model_type="SDXL", prompt_version=version)
    assert "needs the variable style" in excinfo.value.message_dict["variables"][0]
    with pytest.raises(ValidationError) as excinfo:
        job_submit(prompt="a fox", model_type="SDXL", prompt_version=version, variables={"bad name": "x"})
    assert "'bad name' is not a variable name" in excinfo.value.message_dict["variables"][0]
    assert Job.objects.count() == 1


@pytest.mark.django_db
def test_a_picked_template_needs_its_variables(backends):
    template = PromptTemplateFactory(content="masterpiece, {lighting}", is_active=True)
    with pytest.raises(ValidationError) as excinfo:
        job_submit(prompt="a fox", model_type="SDXL", templates=[template])
    assert "Template 'SDXL system' needs the variable lighting" in excinfo.value.message_dict["variables"][0]
    assert job_submit(prompt="a fox", model_type="SDXL", templates=[template], variables={"lighting": "rim"})


@pytest.mark.django_db
def test_api_and_command_take_variables(backends, client, superuser):
    from rest_framework.test import APIClient

    version = PromptVersionFactory(user_prompt="a {animal} in {style}")
    api = APIClient()
    api.force_authenticate(superuser)
    created = api.post("/api/jobs/", {"model": "SDXL", "prompt_version_id": str(version.pk),
                                      "variables": {"animal": "heron", "style": "ink"}}, format="json")
    assert created.status_code == 201 and created.json()["prompt"] == "a heron in ink"
    refused = api.post("/api/jobs/", {"model": "SDXL", "prompt_version_id": str(version.pk),
                                      "variables": {"animal": "heron"}}, format="json")
    assert refused.status_code == 400 and "needs the variable style" in refused.json()["variables"][0]
    out = StringIO()
    call_command("submit_prompts", "--model", "SDXL", "--prompt-version", str(version.pk), "--var", "animal=fox",
                 "--var", "style=oil", stdout=out)
    assert Job.objects.get(pk=out.getvalue().strip()).original_prompt == "a fox in oil"
    with pytest.raises(CommandError, match=r"^--var: Prompt version .* needs the variable style"):
        call_command("submit_prompts", "--model", "SDXL", "--prompt-version", str(version.pk), "--var", "animal=x")


@pytest.mark.django_db
def test_an_active_template_the_job_resolves_needs_its_variables_at_submission(backends):
    PromptTemplateFactory(name="Moody negative", template_type="negative", content="flat light, {avoid}",
                          is_active=True)
    with pytest.raises(ValidationError) as excinfo:
        job_submit(prompt="a fox", model_type="SDXL")
    assert "Template 'Moody negative' needs the variable avoid" in excinfo.value.message_dict["variables"][0]
    assert job_submit(prompt="a fox", model_type="WAN")  # a WAN job does not resolve it
    assert job_submit(prompt="a fox", model_type="SDXL", variables={"avoid": "fog"})
