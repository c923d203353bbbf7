"""Every URL the admin site and the API expose, walked from the resolver, for each role.

Anonymous callers get the login page (admin) or 401/403 (API); viewers and
anonymous callers write nothing to the database or the queues, whatever they
send; moderators change no configuration, prompts or users and cannot touch
the queues; nothing answers a server error to anyone. URLs come from the URL
resolver, not a hand list, so a page added later is walked too.
"""

import re
import uuid

import django_rq
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver

from ourvidz_admin.api.throttling import PortalUserThrottle
from tests import factories as f

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

# Pages anyone may open: the login and password-reset forms, the API's token exchange, media files.
PUBLIC = ("admin/login/", "admin/logout/", "admin/password_reset", "api/auth/token/", "media/")
SKIPPED = ("admin/logout/",)  # it would end the walking user's session
WRITE_SQL = re.compile(r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)"?', re.I)
IGNORED_TABLES = {"django_session"}
# Tables a moderator may write (ratings, notes, retries, alert handling) or their writes touch.
MODERATOR_TABLES_PREFIXES = ("prompts_", "configs_", "auth_", "authtoken_", "prompt_", "model_", "characters",
                             "enhanced_model_configs", "enhancement_presets", "compel_configs", "config_change",
                             "alert_rules")
MODERATOR_ALLOWED = {"prompt_test_results", "prompt_usage", "enhanced_prompt_tests", "prompt_ab_tests"}


def _walk(resolver=None, prefix=""):
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), pattern


def _regex_parts(route: str) -> str:
    route = re.sub(r"\(\?P<app_label>([\w]+)\|[^)]*\)", r"\1", route)
    route = route.replace("(?P<token>[\\w]+)?", "").replace("(?P<url>.*)", "no-such-page/")
    route = route.replace("(?P<path>.+)", "jobs/no-such-file.png")
    return route.replace("^", "").replace("$", "").replace("/?", "/").replace("//", "/")


def _model_of(pattern: URLPattern):
    callback = pattern.callback
    admin = getattr(callback, "model_admin", None)
    if admin is not None:
        return admin.model
    view = getattr(callback, "cls", None) or getattr(callback, "view_class", None)
    queryset = getattr(view, "queryset", None)
    return queryset.model if queryset is not None else None


def _value(converter: str, name: str, model, objects):
    if converter == "int":
        return "0"
    if name in ("object_id", "pk", "id") and model is not None and model in objects:
        return str(objects[model])
    if name in objects:
        return str(objects[name])
    if converter in ("uuid", "path") and name in ("object_id", "pk", "id"):
        return str(uuid.uuid4())
    return str(uuid.uuid4()) if converter == "uuid" else "A" if name == "label" else "x"


def concrete_urls(objects) -> list[str]:
    urls = set()
    for route, pattern in _walk():
        model = _model_of(pattern)
        def fill(m, model=model):
            return _value(m.group(1) or "str", m.group(2), model, objects)

        path = re.sub(r"<(?:(\w+):)?(\w+)>", fill, _regex_parts(route))
        urls.add("/" + path)
    return sorted(urls)


@pytest.fixture
def objects():
    job = f.JobFactory(status="failed", failure_reason="timeout")
    done = f.JobFactory(status="completed", quality_rating=4)
    output = f.OutputFactory(job=done)
    pair = f.ABTestPairFactory()
    made = [job, done, output, f.InputFactory(job=job), f.ImageRatingFactory(output=output), f.PromptLogFactory(),
            f.PromptVersionFactory(), f.PromptTemplateFactory(), f.PromptRuleFactory(), f.CharacterFactory(),
            f.AgentPromptFactory(), f.ModelParametersFactory(user_tier=""), f.CompelConfigFactory(),
            f.EnhancementPresetFactory(), f.ConfigChangeHistoryFactory(), f.ModelConfigHistoryFactory(),
            f.PromptTestResultFactory(), f.EnhancedPromptTestFactory(), pair, f.LivePromptMetricFactory(),
            f.LiveJobTrackingFactory(job=done), f.UserEnhancementAdoptionFactory(), f.ModelPerformanceLogFactory(),
            f.JobStatsDailyFactory(), f.AdminDevelopmentProgressFactory(), f.PromptUsageFactory(),
            f.TrackedPromptFactory(), f.ModelBackendFactory(), f.WorkerHeartbeatFactory(),
            f.PromptPerformanceDailyFactory(), f.AlertFactory()]
    by_model = {type(obj): obj.pk for obj in made}
    by_model.update({"pair_id": pair.pk, "job_id": job.pk, "prompt_id": f.PromptFactory().pk})
    by_model[type(pair.ab_test)] = pair.ab_test.pk
    return by_model


@pytest.fixture
def unthrottled(monkeypatch):
    monkeypatch.setattr(PortalUserThrottle, "allow_request", lambda self, request, view: True)


@pytest.fixture
def wan_queue():
    queue = django_rq.get_queue("wan", commit_mode="auto")  # on the queue now, not after the test's transaction
    queue.empty()
    queue.enqueue("gpu.jobs.run_job", "walk", "generate", job_id="walk_probe")
    yield queue
    queue.empty()


def _queues_state():
    return {name: django_rq.get_queue(name).count for name in ("enhance", "sdxl", "wan", "default")}


def _request(client, method: str, url: str):
    with CaptureQueriesContext(connection) as queries:
        response = getattr(client, method)(url, {}) if method != "get" else client.get(url)
    written = {match.group(1).lower() for query in queries.captured_queries
               if (match := WRITE_SQL.match(query["sql"]))} - IGNORED_TABLES
    return response, written


def _walk_as(client, urls, methods):
    client.raise_request_exception = False  # a server error is a 500 to record, not the end of the walk
    for url in urls:
        if url.lstrip("/").startswith(SKIPPED):
            continue
        for method in methods(url):
            before = _queues_state()
            response, written = _request(client, method, url)
            yield url, method, response, written, _queues_state() != before


def _methods(url: str) -> tuple[str, ...]:
    return ("get", "post", "put", "patch", "delete") if url.startswith("/api/") else ("get", "post")


def test_anonymous_callers_reach_only_public_pages_and_write_nothing(client, objects, unthrottled, wan_queue):
    wrong = []
    for url, method, response, written, queues_moved in _walk_as(client, concrete_urls(objects), _methods):
        public = url == "/" or url.lstrip("/").startswith(PUBLIC)  # "/" only redirects to the admin
        refused = (response.status_code in (401, 403, 405) if url.startswith("/api/")
                   else response.status_code == 302 and "/admin/login/" in response["Location"])
        if response.status_code >= 500 or written or queues_moved or not (refused or public):
            wrong.append((method, url, response.status_code, sorted(written), queues_moved))

    assert wrong == [], "\n".join(map(str, wrong))


@pytest.mark.parametrize("role", ["viewer", "moderator", "admin"])
def test_each_role_gets_no_server_error_and_writes_only_what_it_may(client, role_user, role, objects, unthrottled,
                                                                    wan_queue):
    client.force_login(role_user(role))
    wrong, all_written = [], set()
    for url, method, response, written, queues_moved in _walk_as(client, concrete_urls(objects), _methods):
        all_written |= written
        if role == "viewer":
            forbidden = written
        elif role == "moderator":
            forbidden = {t for t in written if t.startswith(MODERATOR_TABLES_PREFIXES) and t not in MODERATOR_ALLOWED}
        else:
            forbidden = set()
        rq_action = url.startswith(("/admin/rq/queues/", "/admin/django_rq/dashboard/queues/"))
        queue_refused = role == "admin" or not rq_action or response.status_code == 403
        if response.status_code >= 500 or forbidden or (queues_moved and role != "admin") or not queue_refused:
            wrong.append((method, url, response.status_code, sorted(forbidden), queues_moved))

    assert wrong == [], "\n".join(map(str, wrong))
    if role == "moderator":  # the walk does reach writes: a moderator's admin actions are logged
        assert "django_admin_log" in all_written


def test_an_admin_can_empty_a_queue_a_moderator_cannot(client, role_user, wan_queue):
    from django_rq.settings import QUEUES_LIST

    index = [i for i, queue in enumerate(QUEUES_LIST) if queue["name"] == "wan"][0]
    client.force_login(role_user("moderator"))
    refused = client.post(f"/admin/rq/queues/{index}/empty/", {"post": "yes"})
    kept = wan_queue.count
    client.force_login(role_user("admin"))
    emptied = client.post(f"/admin/rq/queues/{index}/empty/", {"post": "yes"})

    assert (refused.status_code, kept) == (403, 1)
    assert (emptied.status_code, wan_queue.count) == (302, 0)


@pytest.mark.parametrize("sql, table", [('INSERT INTO "jobs" ("id") VALUES (%s)', "jobs"),
                                        ('UPDATE "alerts" SET "status" = %s', "alerts"),
                                        ('DELETE FROM "prompt_rules" WHERE 1', "prompt_rules"),
                                        ('SELECT * FROM "jobs"', None)])
def test_the_write_detector_names_the_table(sql, table):
    match = WRITE_SQL.match(sql)

    assert (match.group(1) if match else None) == table


def test_the_walk_covers_the_admin_the_api_and_the_queue_pages(objects):
    urls = concrete_urls(objects)

    assert len(urls) > 300
    assert any(u.startswith("/admin/rq/queues/0/") for u in urls)
    assert any(u.startswith("/api/ab-tests/") for u in urls)
    assert any(u.startswith("/admin/generations/job/") and u.endswith("/change/") for u in urls)
