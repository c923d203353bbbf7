"""The active configuration's switches decide what a submission may run (enable_qwen, enable_compel, auto)."""

import pytest
from django.core.exceptions import ValidationError

from configs.models import EnhancementPreset
from configs.selectors import clear_cache
from configs.services import model_backend_set
from configs.services.model_config import preset_apply
from generations.models import Job
from generations.services import job_submit
from gpu.stages import FOCUS_INSTRUCTIONS, rewrite_token_budget
from tests.factories import EnhancedModelConfigFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def backends(tmp_path):
    for family in ("qwen", "sdxl", "wan"):
        model_backend_set(family=family, path=str(tmp_path / family), model_name=family)


def _active(**switches):
    config = EnhancedModelConfigFactory(config_name="Prod", is_active=True, **switches)
    clear_cache()
    return config


def _refused(strategy: str, model_type: str = "SDXL") -> str:
    with pytest.raises(ValidationError) as excinfo:
        job_submit(prompt="a cat", model_type=model_type, strategy=strategy)
    assert not Job.objects.exists()
    return excinfo.value.message_dict["strategy"][0]


def test_a_strategy_the_configuration_turns_off_is_refused_naming_the_switch():
    _active(enable_qwen=False)
    assert _refused("qwen") == ("The active SDXL configuration 'Prod' has enable_qwen off: the qwen and hybrid "
                                "strategies are disabled.")
    assert "enable_qwen off" in _refused("hybrid")
    assert job_submit(prompt="a cat", model_type="SDXL", strategy="compel")


def test_the_disabled_preset_stops_qwen_and_compel(superuser):
    config = _active()
    preset_apply(preset=EnhancementPreset.objects.get(preset_name="Disabled"), config=config, changed_by=superuser)
    clear_cache()
    assert "enable_qwen off" in _refused("qwen")
    assert "enable_compel off" in _refused("compel")
    assert job_submit(prompt="a cat", model_type="SDXL", strategy="none")


@pytest.mark.parametrize("switches,model_type,expected", [
    ({}, "SDXL", "hybrid"),
    ({}, "WAN", "qwen"),
    ({"qwen_auto_enable": False}, "SDXL", "compel"),
    ({"enable_qwen": False}, "WAN", "none"),
    ({"enable_qwen": False, "enable_compel": False}, "SDXL", "none"),
])
def test_auto_takes_the_strategy_the_switches_allow(switches, model_type, expected):
    EnhancedModelConfigFactory(config_name="Prod", model_type=model_type, is_active=True, frame_count=33,
                               motion_bucket=127, **switches)
    clear_cache()
    job = job_submit(prompt="a cat", model_type=model_type, strategy="auto")
    assert (job.enhancement_strategy, job.metadata["strategy_source"]) == (expected, "auto")


def test_auto_is_refused_when_auto_enhancement_is_off():
    _active(auto_enhancement=False)
    assert _refused("auto") == "The active SDXL configuration 'Prod' has auto_enhancement off: choose a strategy."


def test_the_rewrite_budget_follows_the_expansion_target_under_a_layered_ceiling():
    config = EnhancedModelConfigFactory(qwen_expansion_target=2500)
    assert rewrite_token_budget(config, {}) == 625
    assert rewrite_token_budget(config, {"max_new_tokens": 300}) == 300
    assert rewrite_token_budget(None, {}) == 625
    assert set(FOCUS_INSTRUCTIONS) == {"high", "medium", "low"}


def test_api_and_command_accept_auto(superuser):
    from io import StringIO

    from django.core.management import call_command
    from rest_framework.test import APIClient

    _active()
    api = APIClient()
    api.force_authenticate(superuser)
    created = api.post("/api/jobs/", {"prompt": "a cat", "model": "SDXL", "strategy": "auto"}, format="json")
    assert created.status_code == 201 and created.json()["strategy"] == "hybrid"
    out = StringIO()
    call_command("submit_prompts", "--model", "SDXL", "--strategy", "auto", "a dog", stdout=out)
    assert Job.objects.get(pk=out.getvalue().strip()).enhancement_strategy == "hybrid"
