"""The admin, moderator and viewer groups grant what the guide's roles allow."""

import pytest
from django.contrib.auth.models import Group

pytestmark = pytest.mark.django_db


def _codenames(role):
    return {f"{p.content_type.app_label}.{p.codename}" for p in Group.objects.get(name=role).permissions.all()}


def test_viewer_only_views():
    perms = _codenames("viewer")

    assert "generations.view_job" in perms
    assert "configs.view_enhancedmodelconfig" in perms
    assert all(name.split(".")[1].startswith("view_") for name in perms)
    assert not any(name.startswith("auth.") for name in perms)


def test_moderator_rates_retries_cancels_but_cannot_configure():
    perms = _codenames("moderator")

    assert {"generations.rate_job", "generations.retry_job", "generations.cancel_job"} <= perms
    assert "configs.change_enhancedmodelconfig" not in perms
    assert "auth.change_user" not in perms
    assert "generations.delete_job" not in perms


def test_admin_has_everything_including_users():
    perms = _codenames("admin")

    assert {"configs.change_enhancedmodelconfig", "auth.change_user", "generations.delete_job"} <= perms


def test_viewer_sees_jobs_but_cannot_open_add_page(client, role_user):
    client.force_login(role_user("viewer"))

    assert client.get("/admin/generations/job/").status_code == 200
    assert client.get("/admin/generations/job/add/").status_code == 403
    assert client.get("/admin/configs/enhancedmodelconfig/add/").status_code == 403


def test_moderator_cannot_change_configuration(client, role_user):
    client.force_login(role_user("moderator"))

    assert client.get("/admin/configs/enhancedmodelconfig/").status_code == 200
    assert client.get("/admin/configs/enhancedmodelconfig/add/").status_code == 403
    assert client.get("/admin/auth/user/").status_code == 403
