"""Shared fixtures: users per role and logged-in clients."""

import pytest
from django.contrib.auth.models import Group

from tests.factories import UserFactory


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_superuser=True)


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client


@pytest.fixture
def api(superuser):
    """A DRF client authenticated as the superuser."""
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(superuser)
    return client


@pytest.fixture
def role_user(db):
    """Make a staff user in one of the role groups: ``role_user("viewer")``."""

    def make(role: str):
        user = UserFactory(username=f"{role}-user")
        user.groups.add(Group.objects.get(name=role))
        return user

    return make


@pytest.fixture(autouse=True)
def _fresh_process_caches():
    """Per-process configuration and prompt caches must not leak rows between tests."""
    from configs.selectors import clear_cache
    from prompts.cache import PROMPT_CACHE

    clear_cache()
    PROMPT_CACHE.invalidate()
    yield
    clear_cache()
