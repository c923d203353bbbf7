"""API fixtures: DRF clients per role, configured model backends, a fresh throttle cache."""

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient


@pytest.fixture(autouse=True)
def _fresh_throttle_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def anon():
    return APIClient()


@pytest.fixture
def role_client(role_user):
    """``role_client("viewer")``: an APIClient logged in as a member of that role's group."""

    def make(role: str):
        client = APIClient()
        client.force_authenticate(role_user(role))
        return client

    return make


@pytest.fixture
def backends(db):
    """job_submit refuses models without a configured directory."""
    from configs.services import model_backend_set

    for family in ("qwen", "sdxl", "wan"):
        model_backend_set(family=family, path=f"/models/{family}")
