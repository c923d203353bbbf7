"""The OpenAPI schema validates without warnings, the docs page serves offline, and fuzzing finds no 5xx."""

import re

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_schema_validates_without_warnings(tmp_path):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yml"))

    assert "/api/generations/{id}/rating" in (tmp_path / "schema.yml").read_text()


def test_schema_and_docs_are_served(api):
    schema = api.get("/api/schema/?format=json")
    docs = api.get("/api/docs/")

    assert schema.status_code == 200 and schema.json()["openapi"].startswith("3.")
    assert docs.status_code == 200
    assert b"drf_spectacular_sidecar/swagger-ui-dist" in docs.content and b"cdn" not in docs.content.lower()


@pytest.mark.parametrize("page", ["/api/docs/", "/api/redoc/"])
def test_api_docs_load_nothing_from_outside(api, page):
    """Scripts, styles and fonts of both docs pages are the portal's own (a fresh install is offline)."""
    html = api.get(page).content.decode()
    references = re.findall(r'(?:src|href)="([^"]+)"', html)

    assert references and all(ref.startswith("/") and not ref.startswith("//") for ref in references), references
    assert "fonts.googleapis" not in html and "fonts.gstatic" not in html


FUZZED_WRITES = {("POST", "/api/generations/"), ("POST", "/api/prompt-versions/"),
                 ("PATCH", "/api/generations/{id}/rating"), ("POST", "/api/prompt-templates/")}


def test_fuzzing_finds_no_server_errors(api, superuser, backends):
    """Schemathesis generates requests from the schema and sends them through the WSGI app."""
    schemathesis = pytest.importorskip("schemathesis")
    from django.core.signals import request_finished, request_started
    from django.core.wsgi import get_wsgi_application
    from django.db import close_old_connections
    from hypothesis import HealthCheck, Phase, given, settings
    from rest_framework.authtoken.models import Token

    from tests.factories import JobFactory

    JobFactory()
    schema = schemathesis.openapi.from_dict(api.get("/api/schema/?format=json").json())
    app, headers = get_wsgi_application(), {"Authorization": f"Token {Token.objects.create(user=superuser).key}"}
    failures, calls = [], []
    # Like Django's test client: keep the test's transaction open across requests.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        for result in schema.get_all_operations():
            operation = result.ok()
            if operation.method.upper() != "GET" and (operation.method.upper(), operation.path) not in FUZZED_WRITES:
                continue

            @settings(max_examples=8, deadline=None, database=None, phases=[Phase.explicit, Phase.generate],
                      suppress_health_check=list(HealthCheck))
            @given(case=operation.as_strategy())
            def check(case):
                response = case.call(app=app, headers=headers)
                calls.append(response.status_code)
                if response.status_code >= 500:
                    failures.append((case.method, case.formatted_path, case.query, case.body, response.status_code))

            check()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)

    assert failures == []
    assert len(calls) >= 50 and 200 in calls and 400 in calls  # it really sent requests, good and bad


def test_schema_documents_errors_and_read_only_fields_as_stored(api):
    schema = api.get("/api/schema/?format=json").json()
    job = schema["components"]["schemas"]["JobList"]["properties"]
    create = schema["paths"]["/api/jobs/"]["post"]["responses"]

    assert {"$ref": "#/components/schemas/BlankEnum"} in job["failure_reason"]["oneOf"]  # "" until a job fails
    assert job["rating"]["nullable"] is True  # null until rated
    assert {"201", "400", "401", "403", "404", "409", "429", "503"} <= set(create)
    assert "409" not in schema["paths"]["/api/jobs/"]["get"]["responses"]
    assert create["503"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/ErrorDetail"}


def test_unmatched_api_urls_answer_json_404_and_pages_keep_html(api, admin_client):
    api_404 = api.get("/api/prompt-versions/not-a-uuid/")
    page_404 = admin_client.get("/no-such-page/")

    assert (api_404.status_code, api_404["Content-Type"], api_404.json()) == (404, "application/json",
                                                                             {"detail": "Not found."})
    assert page_404.status_code == 404 and page_404["Content-Type"].startswith("text/html")


def test_a_crash_under_api_is_a_json_500_without_internals(rf):
    from ourvidz_admin.api.errors import server_error

    response = server_error(rf.get("/api/jobs/"))

    assert (response.status_code, response["Content-Type"]) == (500, "application/json")
    assert b"Traceback" not in response.content and b"/work" not in response.content
