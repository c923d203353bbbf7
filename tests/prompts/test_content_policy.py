"""The content policy: blocked terms per content mode refuse a submission, whole words, any case."""

import pytest
from django.core.exceptions import ValidationError

from configs.services import model_backend_set
from generations.models import Job
from generations.services import job_submit
from prompts.models import BlockedTerm
from prompts.policy import blocked_term_in, blocked_terms

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def backends(tmp_path):
    for family in ("qwen", "sdxl", "wan"):
        model_backend_set(family=family, path=str(tmp_path / family), model_name=family)
    BlockedTerm.objects.create(term="gore", content_mode="sfw")
    BlockedTerm.objects.create(term="real person", content_mode="any")
    BlockedTerm.objects.create(term="retired", content_mode="sfw", is_active=False)


def test_terms_apply_to_their_mode_and_any_and_match_whole_words():
    assert blocked_terms("sfw") == ["gore", "real person"] and blocked_terms("nsfw") == ["real person"]
    assert blocked_term_in("A scene of GORE.", ["gore"]) == "gore"
    assert blocked_term_in("a mountain gorge", ["gore"]) is None
    assert blocked_term_in("a Real  person", ["real person"]) is None  # the phrase as written
    assert blocked_term_in("a real person, smiling", ["real person"]) == "real person"


def test_an_sfw_submission_with_a_blocked_term_is_refused_and_nsfw_follows_its_own_terms():
    with pytest.raises(ValidationError) as excinfo:
        job_submit(prompt="a battle, gore everywhere", model_type="SDXL")
    assert excinfo.value.message_dict["prompt"] == [
        "The prompt contains “gore”, which the content policy blocks for SFW submissions."]
    assert not Job.objects.exists()
    assert job_submit(prompt="a battle, gore everywhere", model_type="SDXL", content_mode="nsfw")
    with pytest.raises(ValidationError):
        job_submit(prompt="a real person", model_type="SDXL", content_mode="nsfw")
    assert job_submit(prompt="retired sailor", model_type="SDXL")


def test_the_admin_lists_edits_and_exports_terms(admin_client):
    from django.urls import reverse

    page = admin_client.get(reverse("admin:prompts_blockedterm_changelist")).content.decode()
    assert "gore" in page and reverse("admin:prompts_blockedterm_import") in page
    assert admin_client.get(reverse("admin:prompts_blockedterm_export")).status_code == 200


def test_terms_move_through_import_and_export(tmp_path):
    from django.core.management import call_command

    path = tmp_path / "terms.csv"
    call_command("export_prompts", str(path), "--model", "blocked-terms")
    BlockedTerm.objects.all().delete()
    call_command("import_prompts", str(path), "--model", "blocked-terms")
    assert sorted(BlockedTerm.objects.values_list("term", "content_mode", "is_active")) == [
        ("gore", "sfw", True), ("real person", "any", True), ("retired", "sfw", False)]
