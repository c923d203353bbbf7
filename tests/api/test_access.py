"""Who may call what: anonymous and viewer on every endpoint, moderator actions, token auth, throttling."""

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.factories import (
    CharacterFactory,
    JobFactory,
    ModelParametersFactory,
    OutputFactory,
    PromptRuleFactory,
    PromptTemplateFactory,
    PromptVersionFactory,
)

pytestmark = pytest.mark.django_db

READS = [
    "/api/generations/", "/api/generations/{job}/", "/api/jobs/", "/api/jobs/{job}/", "/api/prompt-versions/",
    "/api/prompt-versions/{version}/", "/api/prompt-templates/", "/api/prompt-templates/{template}/",
    "/api/prompt-rules/", "/api/prompt-rules/{rule}/", "/api/characters/", "/api/characters/{character}/",
    "/api/model-parameters/", "/api/model-parameters/{parameters}/", "/api/analytics/ratings",
    "/api/analytics/prompt-performance", "/api/prompts/resolve?model=sdxl&type=system", "/api/schema/",
]
WRITES = [
    ("post", "/api/generations/"), ("post", "/api/jobs/"), ("patch", "/api/generations/{job}/rating"),
    ("post", "/api/generations/{job}/inputs"), ("post", "/api/generations/{job}/outputs"),
    ("delete", "/api/images/{image}"), ("post", "/api/jobs/{job}/retry"), ("post", "/api/jobs/{job}/cancel"),
    ("post", "/api/prompt-versions/"), ("put", "/api/prompt-versions/{version}/"),
    ("delete", "/api/prompt-versions/{version}/"), ("post", "/api/prompt-templates/"),
    ("put", "/api/prompt-templates/{template}/"), ("delete", "/api/prompt-templates/{template}/"),
    ("post", "/api/prompt-rules/"), ("delete", "/api/prompt-rules/{rule}/"), ("post", "/api/characters/"),
    ("delete", "/api/characters/{character}/"), ("post", "/api/model-parameters/"),
    ("delete", "/api/model-parameters/{parameters}/"), ("post", "/api/prompt-cache/refresh"),
]


@pytest.fixture
def rows():
    job = JobFactory(status="failed", failure_reason="timeout")
    return {
        "job": job.pk, "version": PromptVersionFactory().pk,
        "template": PromptTemplateFactory(is_active=True).pk, "rule": PromptRuleFactory().pk,
        "character": CharacterFactory().pk, "parameters": ModelParametersFactory(user_tier="").pk,
        "image": OutputFactory(job=job).pk,
    }


@pytest.mark.parametrize("url", READS)
def test_anonymous_reads_are_refused(anon, rows, url):
    assert anon.get(url.format(**rows)).status_code == 401


@pytest.mark.parametrize("method, url", WRITES)
def test_anonymous_writes_are_refused(anon, rows, method, url):
    assert getattr(anon, method)(url.format(**rows), {}, format="json").status_code == 401


@pytest.mark.parametrize("url", READS)
def test_viewer_reads_everything(role_client, rows, url):
    assert role_client("viewer").get(url.format(**rows)).status_code == 200


@pytest.mark.parametrize("method, url", WRITES)
def test_viewer_writes_nothing(role_client, rows, method, url):
    assert getattr(role_client("viewer"), method)(url.format(**rows), {}, format="json").status_code == 403


def test_non_staff_account_is_refused(rows):
    from tests.factories import UserFactory

    client = APIClient()
    client.force_authenticate(UserFactory(username="customer", is_staff=False, is_superuser=True))

    assert client.get("/api/jobs/").status_code == 403


def test_moderator_rates_retries_and_cancels(role_client, rows):
    moderator = role_client("moderator")
    queued = JobFactory(status="queued", completed_at=None)

    rated = moderator.patch(f"/api/generations/{rows['job']}/rating", {"rating": "GOOD"}, format="json")
    assert rated.status_code == 200
    assert moderator.post(f"/api/jobs/{rows['job']}/retry").status_code == 200
    assert moderator.post(f"/api/jobs/{queued.pk}/cancel").status_code == 200


@pytest.mark.parametrize("method, url", [("post", "/api/prompt-templates/"), ("post", "/api/generations/"),
                                         ("post", "/api/prompt-cache/refresh"), ("delete", "/api/images/{image}")])
def test_moderator_cannot_edit_prompts_or_submit(role_client, rows, method, url):
    assert getattr(role_client("moderator"), method)(url.format(**rows), {}, format="json").status_code == 403


def test_token_authentication(superuser):
    token = Token.objects.create(user=superuser)
    client = APIClient()

    with_token = client.get("/api/jobs/", HTTP_AUTHORIZATION=f"Token {token.key}")
    wrong_token = client.get("/api/jobs/", HTTP_AUTHORIZATION="Token nope")

    assert with_token.status_code == 200 and wrong_token.status_code == 401


def test_token_endpoint_issues_the_token(superuser):
    response = APIClient().post("/api/auth/token/", {"username": "root", "password": "pw"}, format="json")

    assert response.status_code == 200 and response.json() == {"token": Token.objects.get(user=superuser).key}


def test_session_authentication(admin_client):
    assert admin_client.get("/api/jobs/").status_code == 200


def test_throttling(api, settings):
    settings.API_THROTTLE_RATE = "2/min"

    statuses = [api.get("/api/jobs/").status_code for _ in range(3)]

    assert statuses == [200, 200, 429]
