"""The A/B test admin: create with a power preview, start, refresh and cancel, and the blind rating pages."""

import io
import json
import uuid

import pytest
from django.contrib.admin.models import LogEntry
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse
from PIL import Image
from PIL.PngImagePlugin import PngInfo

from analytics.models import PromptABTest
from configs.services import model_backend_set
from generations.models import Job
from ourvidz_admin import db
from tests.factories import (
    ABTestPairFactory,
    CompelConfigFactory,
    JobFactory,
    OutputFactory,
    PromptABTestFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
SECRET = "SECRET-ENHANCED-REWRITE"
FORM = {
    "test_name": "Qwen vs plain", "test_series": "ab-admin", "description": "", "model_type": "SDXL",
    "baseline_enhancement_strategy": "none", "enhanced_enhancement_strategy": "qwen",
    "prompts": "a red fox in snow\na lighthouse at dusk", "target_lift": "1.00", "alpha": "0.050",
    "power": "0.80", "sd_difference": "1.00",
}


def _url(name, *args):
    return reverse(f"admin:analytics_promptabtest_{name}", args=args)


def _png(text: str) -> bytes:
    info = PngInfo()
    info.add_text("parameters", text)
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buffer, format="PNG", pnginfo=info)
    return buffer.getvalue()


@pytest.fixture
def pair():
    """A started pair whose enhanced job (shown first) has a stored PNG carrying the worker's infotext."""
    test = PromptABTestFactory(status="running", test_name="Hybrid vs plain")
    pair = ABTestPairFactory(ab_test=test, enhanced_first=True, prompt_text="a red fox in snow",
                             enhanced_job__enhanced_prompt=SECRET, enhanced_job__final_prompt=SECRET)
    for job in (pair.enhanced_job, pair.baseline_job):
        name = default_storage.save(f"jobs/{job.pk}/a1-0.png", ContentFile(_png(f"{SECRET} Job id: {job.pk}")))
        OutputFactory(job=job, url="", file=name, mime_type="image/png")
    return pair


def test_add_page_proposes_the_sample_size(admin_client):
    response = admin_client.get(_url("add"))

    assert response.status_code == 200
    assert response.context["plan"].planned_pairs == 34
    assert 'Proposed sample: <strong id="ab-planned">34</strong>' in response.content.decode()


def test_compute_button_recomputes_without_creating(admin_client):
    response = admin_client.post(_url("add"), {**FORM, "_plan": "1"})

    assert response.status_code == 200 and response.context["plan"].planned_pairs == 10
    assert PromptABTest.objects.count() == 0


def test_plan_endpoint_answers_the_live_preview(admin_client):
    good = admin_client.get(_url("plan"), {"target_lift": "1.00", "alpha": "0.05", "power": "0.8",
                                           "sd_difference": "1"})
    bad = admin_client.get(_url("plan"), {"target_lift": "9", "alpha": "0.05", "power": "0.8", "sd_difference": "1"})

    assert good.json() == {"planned_pairs": 10, "effect_size": 1.0}
    assert bad.status_code == 400 and bad.json() == {"errors": {"target_lift": [
        "target_lift must be from 0.01 to 4, got 9."]}}


def test_creating_a_test_makes_pairs_and_logs_it(admin_client, superuser):
    response = admin_client.post(_url("add"), FORM)

    test = PromptABTest.objects.get()
    assert response.status_code == 302 and response["Location"] == _url("change", test.pk)
    assert (test.created_by, test.planned_pairs, test.pairs.count(), test.status) == (superuser, 10, 10, "draft")
    assert LogEntry.objects.get().object_id == str(test.pk)


def test_service_errors_land_on_their_fields(admin_client):
    compel = CompelConfigFactory()

    response = admin_client.post(_url("add"), {**FORM, "enhanced_compel_config": str(compel.pk), "alpha": "0.6"})

    form = response.context["form"]
    assert form.errors["enhanced_compel_config"] == [
        "A Compel configuration applies only to the compel and hybrid strategies."]
    assert form.errors["alpha"] == ["alpha must be above 0 and below 0.5, got 0.6."]
    assert PromptABTest.objects.count() == 0


def test_change_page_shows_results_table_pairs_and_start(admin_client):
    test = PromptABTestFactory(status="draft")
    ABTestPairFactory(ab_test=test, baseline_job=None, enhanced_job=None, prompt_text="a lighthouse at dusk")

    response = admin_client.get(_url("change", test.pk))

    content = response.content.decode()
    assert response.status_code == 200
    assert "No results yet." in content and "a lighthouse at dusk" in content
    assert _url("start", test.pk) in content and "1 pairs, 1 distinct prompts" in content


def test_start_and_refresh_buttons_call_the_services(admin_client, tmp_path):
    for family in ("qwen", "sdxl", "wan"):
        model_backend_set(family=family, path=str(tmp_path / family))
    admin_client.post(_url("add"), FORM)
    test = PromptABTest.objects.get()

    started = admin_client.post(_url("start", test.pk))
    refreshed = admin_client.post(_url("refresh", test.pk))

    test.refresh_from_db()
    assert started.status_code == refreshed.status_code == 302
    assert (test.status, Job.objects.count(), test.results["pairs"]) == ("running", 20, 10)


def test_start_action_reports_tests_that_cannot_start(admin_client):
    test = PromptABTestFactory(status="complete", test_name="Old one")

    response = admin_client.post(reverse("admin:analytics_promptabtest_changelist"),
                                 {"action": "start_selected", "_selected_action": [str(test.pk)]}, follow=True)

    assert "Old one: Only a draft test can be started; this one is complete." in [
        str(m) for m in response.context["messages"]]


def test_blind_page_shows_prompt_and_labels_but_never_the_arms(client, role_user, pair):
    client.force_login(role_user("moderator"))

    response = client.get(_url("rate", pair.ab_test.pk))

    content = response.content.decode()
    cards = response.context["cards"]
    assert response.status_code == 200
    assert cards == [{"id": str(pair.pk), "position": pair.position, "prompt": "a red fox in snow", "sides": [
        {"label": label, "state": "completed", "ready": True, "is_video": False, "rating": None,
         "media": _url("media", pair.ab_test.pk, pair.pk, label)} for label in "AB"]}]
    for secret in (SECRET, str(pair.enhanced_job.pk), str(pair.baseline_job.pk), "jobs/", "hybrid", "Hybrid",
                   "couples-v1"):
        assert secret not in content


def test_blind_rating_saves_through_job_rate_by_label(client, role_user, pair):
    moderator = role_user("moderator")
    client.force_login(moderator)

    response = client.post(_url("rate_pair", pair.ab_test.pk, pair.pk), {"label": "A", "rating": "5"})

    pair.enhanced_job.refresh_from_db()
    assert response.status_code == 200
    assert (pair.enhanced_job.quality_rating, pair.enhanced_job.rated_by) == (5, moderator)
    assert [side["rating"] for side in response.json()["sides"]] == [5, None]
    assert str(pair.enhanced_job.pk) not in response.content.decode()
    assert LogEntry.objects.get().object_id == str(pair.enhanced_job.pk)


def test_blind_rating_rejects_bad_input(client, role_user, pair):
    client.force_login(role_user("moderator"))

    response = client.post(_url("rate_pair", pair.ab_test.pk, pair.pk), {"label": "A", "rating": "9"})

    assert response.status_code == 400 and response.json() == {"errors": {"quality_rating": [
        "A rating is 1 to 5 stars."]}}


def test_blind_media_is_served_by_label_without_the_workers_text(client, role_user, pair):
    client.force_login(role_user("moderator"))

    response = client.get(_url("media", pair.ab_test.pk, pair.pk, "A"))

    body = response.content
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert response["Content-Disposition"] == 'inline; filename="A.png"'
    assert SECRET.encode() not in body and b"tEXt" not in body
    assert Image.open(io.BytesIO(body)).size == (8, 8)


def test_blind_media_404s_for_a_bad_label_an_unknown_pair_or_an_output_not_ready(client, role_user, pair):
    client.force_login(role_user("moderator"))
    Job.objects.filter(pk=pair.baseline_job.pk).update(status="processing")

    codes = [client.get(_url("media", pair.ab_test.pk, pair_id, label)).status_code
             for pair_id, label in ((pair.pk, "C"), (pair.pk, "a"), (uuid.uuid4(), "A"), (pair.pk, "B"))]

    assert codes == [404, 404, 404, 404]
    assert client.get(_url("media", pair.ab_test.pk, pair.pk, "A")).status_code == 200


@pytest.mark.parametrize("role,add,start,rate,rate_post", [
    ("viewer", 403, 403, 403, 403),
    ("moderator", 403, 403, 200, 200),
    ("admin", 200, 302, 200, 200),
])
def test_who_may_create_start_and_rate(client, role_user, pair, role, add, start, rate, rate_post):
    client.force_login(role_user(role))
    draft = PromptABTestFactory(status="draft", test_name="Draft")

    assert client.get(_url("add")).status_code == add
    assert client.post(_url("start", draft.pk)).status_code == start
    assert client.get(_url("rate", pair.ab_test.pk)).status_code == rate
    assert client.post(_url("rate_pair", pair.ab_test.pk, pair.pk), {"label": "B", "rating": "3"}).status_code \
        == rate_post


def test_index_lists_the_blind_rating_page_for_raters(client, role_user):
    client.force_login(role_user("moderator"))
    running = PromptABTestFactory(status="running", test_name="Now running")

    index = client.get(reverse("admin:index"))
    listing = client.get(_url("rate_index"))

    links = [m["admin_url"] for s in index.context["app_list"] for m in s["models"]]
    assert _url("rate_index") in links
    content = listing.content.decode()
    assert db.short_id(running.pk) in content and "Now running" not in content
    assert json.loads(client.get(_url("plan"), {"target_lift": "1", "alpha": "0.05", "power": "0.8",
                                                "sd_difference": "1"}).content)["planned_pairs"] == 10


def _running_with_a_queued_job(name="Running one"):
    test = PromptABTestFactory(status="running", test_name=name)
    return ABTestPairFactory(ab_test=test, enhanced_job=JobFactory(status="queued", completed_at=None))


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def test_cancel_button_asks_to_confirm_then_cancels_and_logs(admin_client):
    pair = _running_with_a_queued_job()
    test = pair.ab_test

    page = admin_client.get(_url("change", test.pk))
    confirm = admin_client.get(_url("cancel", test.pk))
    unconfirmed = admin_client.post(_url("cancel", test.pk))
    test.refresh_from_db()
    assert (test.status, LogEntry.objects.count()) == ("running", 0)
    done = admin_client.post(_url("cancel", test.pk), {"confirm": "yes"}, follow=True)

    assert _url("cancel", test.pk) in page.content.decode()
    assert confirm.status_code == unconfirmed.status_code == 200
    assert [(row[0], row[1], row[2]) for row in confirm.context["rows"]] == [(test, True, 1)]
    assert 'value="Yes, cancel 1 test(s)"' in confirm.content.decode()
    assert done.redirect_chain == [(_url("change", test.pk), 302)]
    assert _messages(done) == ["Cancelled 'Running one'."]
    test.refresh_from_db()
    assert (test.status, test.is_complete) == ("cancelled", False)
    assert Job.objects.get(pk=pair.enhanced_job.pk).status == "cancelled"
    assert Job.objects.get(pk=pair.baseline_job.pk).status == "completed"
    entry = LogEntry.objects.get()
    assert (entry.object_id, entry.get_change_message()) == (str(test.pk), "Cancelled the test.")
    assert _url("cancel", test.pk) not in done.content.decode()  # no button on a cancelled test
    assert _url("rate", test.pk) not in done.content.decode()


def test_cancel_action_confirms_then_reports_tests_that_cannot_be_cancelled(admin_client):
    pair = _running_with_a_queued_job()
    old = PromptABTestFactory(status="complete", test_name="Old one")
    changelist = reverse("admin:analytics_promptabtest_changelist")
    selection = {"action": "cancel_selected", "_selected_action": [str(pair.ab_test.pk), str(old.pk)]}

    confirm = admin_client.post(changelist, selection)
    assert {t.test_name: (ok, jobs) for t, ok, jobs in confirm.context["rows"]} == {
        "Running one": (True, 1), "Old one": (False, 0)}
    assert PromptABTest.objects.filter(status="cancelled").count() == 0
    done = admin_client.post(changelist, {**selection, "confirm": "yes"}, follow=True)

    assert confirm.status_code == 200 and 'value="Yes, cancel 1 test(s)"' in confirm.content.decode()
    assert sorted(_messages(done)) == [
        "Cancelled 'Running one'.", "Old one: Only a draft or running test can be cancelled; this one is complete."]
    assert dict(PromptABTest.objects.values_list("test_name", "status")) == {
        "Running one": "cancelled", "Old one": "complete"}
    assert Job.objects.get(pk=pair.enhanced_job.pk).status == "cancelled"
    assert LogEntry.objects.get().object_id == str(pair.ab_test.pk)


@pytest.mark.parametrize("role,page,post", [("viewer", 403, 403), ("moderator", 403, 403), ("admin", 200, 302)])
def test_only_admins_may_cancel(client, role_user, role, page, post):
    client.force_login(role_user(role))
    pair = _running_with_a_queued_job()
    changelist = reverse("admin:analytics_promptabtest_changelist")

    listing = client.get(changelist)
    confirm = client.get(_url("cancel", pair.ab_test.pk))
    cancel = client.post(_url("cancel", pair.ab_test.pk), {"confirm": "yes"})

    form = listing.context["action_form"]
    offered = [name for name, _label in form.fields["action"].choices] if form else []
    assert ("cancel_selected" in offered) is (role == "admin")
    assert (confirm.status_code, cancel.status_code) == (page, post)
    assert PromptABTest.objects.get().status == ("cancelled" if role == "admin" else "running")
    assert Job.objects.get(pk=pair.enhanced_job.pk).status == ("cancelled" if role == "admin" else "queued")


def test_the_cancel_action_is_refused_to_moderators(client, role_user):
    client.force_login(role_user("moderator"))
    pair = _running_with_a_queued_job()

    client.post(reverse("admin:analytics_promptabtest_changelist"), {
        "action": "cancel_selected", "_selected_action": [str(pair.ab_test.pk)], "confirm": "yes"})

    assert PromptABTest.objects.get().status == "running" and LogEntry.objects.count() == 0


def test_a_cancelled_test_cannot_be_rated_blind(client, role_user, pair):
    client.force_login(role_user("moderator"))
    running = PromptABTestFactory(status="running")
    PromptABTest.objects.filter(pk=pair.ab_test.pk).update(status="cancelled")

    index = client.get(_url("rate_index"))
    page = client.get(_url("rate", pair.ab_test.pk), follow=True)
    rating = client.post(_url("rate_pair", pair.ab_test.pk, pair.pk), {"label": "A", "rating": "5"})

    assert [t.pk for t in index.context["tests"]] == [running.pk]
    assert page.redirect_chain == [(_url("rate_index"), 302)]
    assert _messages(page) == [f"Test {db.short_id(pair.ab_test.pk)} is cancelled; its outputs can no longer be rated."]
    assert rating.status_code == 400 and rating.json() == {"errors": {"status": [
        "This test is cancelled; its outputs can no longer be rated."]}}
    assert Job.objects.filter(quality_rating__isnull=False).count() == 0


def test_the_add_page_takes_an_input_image_for_both_arms(admin_client, settings, tmp_path):
    from io import BytesIO

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    settings.MEDIA_ROOT = str(tmp_path)
    page = admin_client.get(_url("add")).content.decode()
    assert 'enctype="multipart/form-data"' in page and 'name="input_image"' in page
    buffer = BytesIO()
    Image.new("RGB", (32, 32), "navy").save(buffer, format="PNG")
    response = admin_client.post(_url("add"), {**FORM, "input_image": SimpleUploadedFile("in.png", buffer.getvalue())})
    assert response.status_code == 302
    test = PromptABTest.objects.get()
    assert all(pair.input_image for pair in test.pairs.all())


def test_each_rater_sees_only_their_own_stars_on_the_blind_page(client, role_user, pair):
    from django.contrib.auth.models import Group

    from tests.factories import UserFactory

    first, second = role_user("moderator"), UserFactory(username="second-moderator")
    second.groups.add(Group.objects.get(name="moderator"))
    client.force_login(first)
    client.post(_url("rate_pair", pair.ab_test.pk, pair.pk), {"label": "A", "rating": "5"})

    client.force_login(second)
    before = client.get(_url("rate", pair.ab_test.pk)).context["cards"][0]["sides"][0]["rating"]
    answered = client.post(_url("rate_pair", pair.ab_test.pk, pair.pk), {"label": "A", "rating": "3"}).json()
    client.force_login(first)
    mine = client.get(_url("rate", pair.ab_test.pk)).context["cards"][0]["sides"][0]["rating"]

    pair.enhanced_job.refresh_from_db()
    assert (before, answered["sides"][0]["rating"], mine) == (None, 3, 5)  # never the other rater's stars
    assert (pair.enhanced_job.rating_count, pair.enhanced_job.quality_rating) == (2, 4)  # their mean


def test_the_add_page_takes_named_variants_and_puts_their_errors_on_their_fields(admin_client):
    made = admin_client.post(_url("add"), {**FORM, "variants_0_name": "compel only",
                                           "variants_0_enhancement_strategy": "compel"})
    bad = admin_client.post(_url("add"), {**FORM, "variants_1_name": "baseline",
                                          "variants_1_enhancement_strategy": "compel"})

    test = PromptABTest.objects.get()
    assert made.status_code == 302 and [v["name"] for v in test.variants] == ["compel only"]
    assert test.pairs.exclude(arm_order=None).count() == test.pairs.count()
    assert bad.context["form"].errors["variants_1_name"] == [
        "Another arm is already called 'baseline'; give each arm its own name."]
    page = admin_client.get(_url("change", test.pk)).content.decode()
    assert "compel only: strategy compel" in page and "Every arm against the baseline" not in page


def test_the_blind_page_of_a_three_arm_test_shows_three_outputs(client, role_user):
    test = PromptABTestFactory(status="running", variants=[{"name": "v", "enhancement_strategy": "compel"}])
    ABTestPairFactory(ab_test=test, arm_order=[2, 0, 1], enhanced_first=False)
    client.force_login(role_user("moderator"))

    page = client.get(_url("rate", test.pk))

    assert page.status_code == 200 and page.context["labels"] == ("A", "B", "C")
    assert [side["label"] for side in page.context["cards"][0]["sides"]] == ["A", "B", "C"]
    assert page.context["cards"][0]["sides"][0]["state"] == "not_started"  # the variant's job is not made yet


def test_a_rating_queue_over_every_arm_of_a_test_from_its_page(admin_client, superuser):
    from generations.models import RatingQueue

    reviewer = UserFactory(is_staff=True)
    pairs = ABTestPairFactory.create_batch(3, ab_test=PromptABTestFactory(status="running"),
                                           baseline_job__status="completed", enhanced_job__status="completed")
    test = pairs[0].ab_test

    form = admin_client.get(_url("queue", test.pk))
    made = admin_client.post(_url("queue", test.pk), {"name": "ab queue", "overlap": "0.5",
                                                       "raters": [str(superuser.pk), str(reviewer.pk)]})
    refused = admin_client.post(_url("queue", test.pk), {"name": "solo", "overlap": "0.5",
                                                          "raters": [str(superuser.pk)]})

    queue = RatingQueue.objects.get(name="ab queue")
    assert form.status_code == 200 and made.status_code == 302
    assert made["Location"] == reverse("admin:generations_ratingqueue_change", args=(queue.pk,))
    assert queue.source == f"A/B test {test.test_name}" and queue.assignments.values("job").distinct().count() == 6
    assert "Overlap needs two raters or more." in refused.content.decode()
    assert not RatingQueue.objects.filter(name="solo").exists()


def test_promoting_the_winning_arms_version_records_the_test(admin_client):
    from prompts.models import PromptLabel, PromptLabelMove
    from tests.factories import PromptFactory, PromptVersionFactory

    prompt = PromptFactory()
    plain, better = PromptVersionFactory(prompt=prompt), PromptVersionFactory(prompt=prompt)
    test = PromptABTestFactory(
        status="complete", started_at="2026-12-01T00:00:00Z",
        baseline_config={"prompt_version": str(plain.pk), "enhancement_strategy": "none", "compel_config": None,
                         "model_config": None},
        enhanced_config={"prompt_version": str(better.pk), "enhancement_strategy": "none", "compel_config": None,
                         "model_config": None})

    page = admin_client.get(_url("change", test.pk))
    admin_client.post(_url("promote", test.pk), {"arm": "1"})

    assert "Promote enhanced" in page.content.decode()
    assert PromptLabel.objects.get(name="production").prompt_version == better
    move = PromptLabelMove.objects.get(to_version=better)
    assert (move.justification_kind, move.justification_id) == ("ab_test", str(test.pk))
