"""LoRAs at submission: the character's, the prompt's <lora:NAME:WEIGHT> tags and those asked for, checked."""

from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from rest_framework.test import APIClient

from configs.services import model_backend_set
from generations.loras import inline_loras, parse_lora_option
from generations.models import Job
from generations.services import job_submit
from tests.factories import CharacterFactory, LoRAFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def backends(tmp_path):
    for family in ("qwen", "sdxl", "wan"):
        model_backend_set(family=family, path=str(tmp_path / family), model_name=family)
    LoRAFactory(name="ink", default_weight=0.7)
    LoRAFactory(name="film_grain")
    LoRAFactory(name="retired", is_active=False)


def test_inline_tags_are_read_and_removed_from_the_prompt():
    text, tags = inline_loras("a heron, <lora:ink:0.5>, misty lake <LORA:film_grain>")
    assert text == "a heron, misty lake" and tags == [("ink", "0.5"), ("film_grain", "")]
    assert parse_lora_option("ink:0.4") == ("ink", "0.4") and parse_lora_option("ink") == ("ink", None)


def test_sources_merge_by_name_with_the_request_last_and_defaults_filled():
    character = CharacterFactory(loras=[{"name": "ink", "path": "/x", "weight": 0.2}])
    job = job_submit(prompt="a heron <lora:film_grain>", model_type="SDXL", character=character,
                     loras=[("ink", 1.2)])
    assert job.original_prompt == "a heron"
    assert job.metadata["loras"] == [{"name": "ink", "weight": 1.2, "source": "requested"},
                                     {"name": "film_grain", "weight": 1.0, "source": "prompt"}]
    default = job_submit(prompt="a heron <lora:ink>", model_type="SDXL")
    assert default.metadata["loras"] == [{"name": "ink", "weight": 0.7, "source": "prompt"}]


@pytest.mark.parametrize("kwargs,message", [
    ({"prompt": "a cat <lora:nope:1>"}, "LoRA 'nope' (from the prompt) is not registered or not active"),
    ({"loras": [("retired", 1)]}, "LoRA 'retired' (from the request) is not registered or not active"),
    ({"loras": [("ink", 3)]}, "LoRA ink: weight 3 is outside -2 to 2."),
    ({"loras": [("ink", "lots")]}, "LoRA ink: weight 'lots' is not a number."),
    ({"loras": [("ink", 1)], "model_type": "WAN"}, "LoRA 'ink' is for SDXL, not WAN."),
])
def test_a_lora_no_worker_could_load_is_refused(kwargs, message):
    with pytest.raises(ValidationError) as excinfo:
        job_submit(**{"prompt": "a cat", "model_type": "SDXL", **kwargs})
    assert message in excinfo.value.message_dict["loras"][0]
    assert not Job.objects.exists()


def test_a_characters_loras_apply_where_they_can_and_the_job_says_which_did_not():
    character = CharacterFactory(name="Mara", loras=[{"name": "mara_face", "weight": 0.8},
                                                     {"name": "ink", "weight": 0.5}])
    sdxl = job_submit(prompt="a portrait", model_type="SDXL", character=character)
    wan = job_submit(prompt="a portrait", model_type="WAN", character=character)
    assert sdxl.metadata["loras"] == [{"name": "ink", "weight": 0.5, "source": "character"}]
    assert sdxl.metadata["loras_skipped"] == [{"name": "mara_face", "reason": "not registered or not active"}]
    assert "loras" not in wan.metadata
    assert wan.metadata["loras_skipped"][1] == {"name": "ink", "reason": "for SDXL, not WAN"}


def test_api_and_command_take_loras(superuser):
    api = APIClient()
    api.force_authenticate(superuser)
    created = api.post("/api/jobs/", {"prompt": "a cat", "model": "SDXL", "loras": [{"name": "ink", "weight": 0.3}]},
                       format="json")
    assert created.status_code == 201
    assert Job.objects.get(pk=created.json()["id"]).metadata["loras"][0] == {"name": "ink", "weight": 0.3,
                                                                             "source": "requested"}
    bad = api.post("/api/jobs/", {"prompt": "a cat", "model": "SDXL", "loras": [{"name": 5}]}, format="json")
    assert bad.status_code == 400 and "loras" in bad.json()
    out = StringIO()
    call_command("submit_prompts", "--model", "SDXL", "--lora", "ink:0.9", "--lora", "film_grain", "a dog",
                 stdout=out)
    assert [e["name"] for e in Job.objects.get(pk=out.getvalue().strip()).metadata["loras"]] == ["ink", "film_grain"]
    with pytest.raises(CommandError, match=r"^--lora: LoRA 'nope'"):
        call_command("submit_prompts", "--model", "SDXL", "--lora", "nope", "a dog")
