"""Schemathesis over every operation of the published schema, on the seeded demo database.

Checks: no server error, and every response conforms to the schema (status
documented where the schema lists it, body valid against its response
schema). Path parameters are drawn from random values and from ids that exist
in the demo data, so handlers run past their 404; bodies and queries are
valid (positive) or invalid (negative) for the schema. A stateful run follows the
links Schemathesis infers between operations. Deterministic
(``derandomize``); ``FUZZ_EXAMPLES`` sets the examples per operation.
"""

import os
from contextlib import contextmanager
from io import StringIO

import pytest
from django.core.management import call_command
from schemathesis.core.failures import FailureGroup

pytestmark = [pytest.mark.django_db, pytest.mark.slow]
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "40"))
STATEFUL_EXAMPLES = int(os.environ.get("FUZZ_STATEFUL_EXAMPLES", "40"))


def _known_ids(api, paths) -> dict[str, list[str]]:
    """For each collection (``/api/characters/``), up to 3 ids of its rows from its list endpoint."""
    known = {}
    for path in paths:
        if "{" in path or not path.endswith("/"):
            continue
        response = api.get(path, {"page_size": 3})
        if response.status_code == 200:
            rows = response.json().get("results", [])
            known[path] = [str(row["id"]) for row in rows if "id" in row][:3]
    return known


def _extra_ids() -> dict[str, dict[str, list[str]]]:
    """Path parameters beyond ``{id}`` that need real rows: A/B pairs and a library prompt."""
    from analytics.models import PromptABTest
    from prompts.models import Prompt

    extra: dict[str, dict[str, list[str]]] = {}
    test = PromptABTest.objects.filter(pairs__isnull=False).order_by("created_at").first()
    if test is not None:
        pair = test.pairs.order_by("position").first()
        extra["/api/ab-tests/{id}/pairs/{pair_id}"] = {"id": [str(test.pk)], "pair_id": [str(pair.pk)],
                                                        "label": ["A", "B"]}
    extra["/api/analytics/prompts/{prompt_id}"] = {
        "prompt_id": [str(pk) for pk in Prompt.objects.values_list("pk", flat=True)[:3]]}
    return extra


def _strategy(operation, known, extra):
    from hypothesis import strategies as st
    from schemathesis import GenerationMode

    strategies = [operation.as_strategy(), operation.as_strategy(generation_mode=GenerationMode.NEGATIVE)]
    for prefix, values in extra.items():
        if operation.path.startswith(prefix):
            strategies += [operation.as_strategy(path_parameters={name: pick[i % len(pick)]
                                                                  for name, pick in values.items()})
                           for i in range(2)]
    collection = operation.path.split("{id}")[0]
    if "{id}" in operation.path and known.get(collection):
        strategies += [operation.as_strategy(path_parameters={"id": pk}) for pk in known[collection]]
    return st.one_of(strategies)


@pytest.fixture
def demo(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    settings.API_THROTTLE_RATE = "1000000/min"  # thousands of requests in a minute, from one user
    call_command("seed_demo", "--jobs", "300", "--no-progress", stdout=StringIO())


@contextmanager
def _wsgi(user):
    """The WSGI app with a token, kept inside the test's transaction (as Django's test client does).

    Enter it after the last test-client request: the test client reconnects
    ``close_old_connections`` after each of its requests.
    """
    from django.core.signals import request_finished, request_started
    from django.core.wsgi import get_wsgi_application
    from django.db import close_old_connections
    from rest_framework.authtoken.models import Token

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield get_wsgi_application(), {"Authorization": f"Token {Token.objects.create(user=user).key}"}
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def _checks():
    from schemathesis.checks import not_a_server_error
    from schemathesis.specs.openapi.checks import (
        content_type_conformance,
        response_schema_conformance,
        status_code_conformance,
    )

    return [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


def _describe(case, response, exc) -> tuple[str, str]:
    """(operation and failure kind, one example): failures are reported once per kind, with an example."""
    body = case.body if not isinstance(case.body, bytes) else f"<{len(case.body)} bytes>"
    found = getattr(exc, "exceptions", [exc])
    kinds = ", ".join(sorted({getattr(f, "title", type(f).__name__) for f in found}))
    reasons = "; ".join(sorted({" ".join(str(getattr(f, "message", f)).split())[:300] for f in found}))
    example = (f"{case.formatted_path} query={case.query} body={str(body)[:200]} -> {response.status_code}: "
               f"{reasons}")
    return f"{case.method} {case.path}: {kinds}", example


def _report(failures) -> str:
    first = {}
    for kind, example in failures:
        first.setdefault(kind, example)
    return "\n".join(f"{kind}\n    e.g. {example}" for kind, example in sorted(first.items()))


def test_every_operation_on_demo_data_has_no_server_error_and_conforms(api, demo, superuser):
    import schemathesis

    raw = api.get("/api/schema/?format=json").json()
    known, extra = _known_ids(api, raw["paths"]), _extra_ids()
    with _wsgi(superuser) as (app, headers):
        failures, calls, operations = _fuzz_operations(schemathesis.openapi.from_dict(raw), app, headers, known, extra)

    assert not failures, _report(failures)
    assert operations == len([m for ops in raw["paths"].values() for m in ops if m != "parameters"])
    assert len(calls) >= operations * EXAMPLES // 2 and {200, 201, 400, 404} <= set(calls)


def _fuzz_operations(schema, app, headers, known, extra):
    from hypothesis import HealthCheck, Phase, given, settings

    failures, calls, operations = [], [], 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1

        @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
                  phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
        @given(case=_strategy(operation, known, extra))
        def check(case):
            response = case.call(app=app, headers=headers)
            calls.append(response.status_code)
            if os.environ.get("FUZZ_TRACE"):
                print("TRACE", case.method, case.formatted_path, response.status_code, flush=True)
            try:
                case.validate_response(response, checks=_checks(), headers=headers, transport_kwargs={"app": app})
            except (AssertionError, FailureGroup) as exc:  # every failure is collected and reported together
                failures.append(_describe(case, response, exc))

        check()
    return failures, calls, operations


def test_stateful_links_on_demo_data_have_no_server_error_and_conform(api, demo, superuser):
    import schemathesis

    schema = schemathesis.openapi.from_dict(api.get("/api/schema/?format=json").json())
    with _wsgi(superuser) as (app, headers):
        failures, calls = _fuzz_stateful(schema, app, headers)

    assert not failures, _report(failures)
    assert len(calls) >= STATEFUL_EXAMPLES


def _fuzz_stateful(schema, app, headers):
    from django.core.cache import cache
    from django.db import transaction
    from hypothesis import HealthCheck, settings

    machine = schema.as_state_machine()
    failures, calls = [], []

    class Fuzz(machine):
        # Every run starts from the same database: a savepoint taken here is rolled back in teardown,
        # so what one run created or deleted cannot change which links the next run can follow
        # (Hypothesis replays runs and requires the same draws from the same choices).
        def setup(self):
            self._savepoint = transaction.savepoint()

        def teardown(self):
            transaction.savepoint_rollback(self._savepoint)
            cache.clear()
            super().teardown()

        def call(self, case, **kwargs):
            response = case.call(app=app, headers=headers)
            calls.append(response.status_code)
            if os.environ.get("FUZZ_TRACE"):
                print("TRACE", case.method, case.path, response.status_code, flush=True)
            return response

        def validate_response(self, response, case, **kwargs):
            try:
                case.validate_response(response, checks=_checks(), headers=headers, transport_kwargs={"app": app})
            except (AssertionError, FailureGroup) as exc:  # collected and reported together
                failures.append(_describe(case, response, exc))

    Fuzz.run(settings=settings(max_examples=STATEFUL_EXAMPLES, stateful_step_count=8, deadline=None,
                               database=None, derandomize=True, suppress_health_check=list(HealthCheck)))
    return failures, calls
