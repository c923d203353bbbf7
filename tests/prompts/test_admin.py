"""The "Update prompt cache" button broadcasts a refresh; only those who may edit templates can press it."""

import pytest
from django.urls import reverse

from generations.queueing import connection
from prompts.cache import REFRESH_CHANNEL

pytestmark = pytest.mark.django_db
URL = reverse("admin:prompts_prompt_cache_refresh")


def test_button_is_on_templates_and_rules_lists(admin_client):
    for name in ("prompttemplate", "promptrule"):
        body = admin_client.get(reverse(f"admin:prompts_{name}_changelist")).content.decode()

        assert URL in body and "Update prompt cache" in body


def test_pressing_it_publishes_a_refresh(admin_client):
    pubsub = connection().pubsub(ignore_subscribe_messages=True)
    pubsub.subscribe(REFRESH_CHANNEL)
    pubsub.get_message(timeout=1)

    response = admin_client.post(URL, {"next": "/admin/prompts/promptrule/"})

    message = pubsub.get_message(timeout=5)
    assert response.status_code == 302 and response["Location"] == "/admin/prompts/promptrule/"
    assert message is not None and message["channel"].decode() == REFRESH_CHANNEL


def test_viewer_cannot_refresh_and_get_is_refused(client, role_user, admin_client):
    client.force_login(role_user("viewer"))

    assert client.post(URL).status_code == 403
    assert admin_client.get(URL).status_code == 405
