"""User tiers: each user's tier (or the default) picks the model_parameters rows by tier; admins can test as one."""

from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from rest_framework.test import APIClient

from configs.services import model_backend_set
from generations.models import Job
from generations.prompting import prompt_request
from generations.services import job_submit
from prompts.cache import PROMPT_CACHE
from prompts.models import ModelParameters
from prompts.resolution import resolve_parameters
from tests.factories import UserFactory, UserTierAssignmentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def backends(tmp_path):
    for family in ("qwen", "sdxl", "wan"):
        model_backend_set(family=family, path=str(tmp_path / family), model_name=family)
    ModelParameters.objects.create(model_family="sdxl", user_tier="", num_inference_steps=20)
    ModelParameters.objects.create(model_family="sdxl", user_tier="pro", num_inference_steps=40)
    PROMPT_CACHE.invalidate()


def _steps(job) -> int:
    values, _rows = resolve_parameters(PROMPT_CACHE.get(), prompt_request(job), None)
    return values["num_inference_steps"]


def test_a_users_tier_picks_its_parameter_rows_and_others_get_the_default(settings):
    pro = UserTierAssignmentFactory(tier="pro").user
    job = job_submit(prompt="a cat", model_type="SDXL", user=pro)
    plain = job_submit(prompt="a cat", model_type="SDXL", user=UserFactory())
    assert (job.metadata["user_tier"], job.metadata["tier_source"], _steps(job)) == ("pro", "user", 40)
    assert (plain.metadata["user_tier"], plain.metadata["tier_source"], _steps(plain)) == ("free", "default", 20)
    settings.DEFAULT_USER_TIER = "pro"
    assert job_submit(prompt="a cat", model_type="SDXL").metadata["user_tier"] == "pro"


def test_an_admin_tests_as_a_tier_and_an_unknown_tier_is_refused(superuser, role_user):
    job = job_submit(prompt="a cat", model_type="SDXL", tier="pro")
    assert (job.metadata["tier_source"], _steps(job)) == ("requested", 40)
    with pytest.raises(ValidationError) as excinfo:
        job_submit(prompt="a cat", model_type="SDXL", tier="gold")
    assert excinfo.value.message_dict["tier"] == ["Unknown tier 'gold'; use one of: free, starter, pro, premium, "
                                                  "admin."]
    api = APIClient()
    api.force_authenticate(superuser)
    assert api.post("/api/jobs/", {"prompt": "x", "model": "SDXL", "tier": "pro"}, format="json").status_code == 201
    api.force_authenticate(role_user("moderator"))
    refused = api.post("/api/jobs/", {"prompt": "x", "model": "SDXL", "tier": "pro"}, format="json")
    assert refused.status_code in (400, 403)
    out = StringIO()
    call_command("submit_prompts", "--model", "SDXL", "--tier", "premium", "a dog", stdout=out)
    assert Job.objects.get(pk=out.getvalue().strip()).metadata["user_tier"] == "premium"


def test_the_tier_is_edited_on_the_users_admin_page(admin_client, superuser):
    user = UserFactory(username="tiered")
    UserTierAssignmentFactory(user=user, tier="starter")
    listing = admin_client.get(reverse("admin:auth_user_changelist")).content.decode()
    page = admin_client.get(reverse("admin:auth_user_change", args=[user.pk])).content.decode()
    assert "Starter" in listing
    assert 'name="tier_assignment-0-tier"' in page
