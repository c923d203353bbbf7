"""/api/ab-tests/: create with nested per-field errors, plan, start, cancel, live results, blind pairs and rating."""

import io
import uuid

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image
from PIL.PngImagePlugin import PngInfo

from analytics.models import PromptABTest
from generations.models import Job
from tests.factories import ABTestPairFactory, CompelConfigFactory, JobFactory, OutputFactory, PromptABTestFactory

pytestmark = pytest.mark.django_db
SECRET = "SECRET-ENHANCED-REWRITE"
BODY = {
    "test_name": "Qwen vs plain", "test_series": "ab-api", "model_type": "sdxl",
    "baseline": {"enhancement_strategy": "none"}, "enhanced": {"enhancement_strategy": "qwen"},
    "prompts": ["a red fox in snow", "a lighthouse at dusk"], "target_lift": 1.0, "sd_difference": 1.0,
}


@pytest.fixture
def admin_api(role_client):
    return role_client("admin")


@pytest.fixture
def pair():
    test = PromptABTestFactory(status="running", planned_pairs=1)
    pair = ABTestPairFactory(ab_test=test, enhanced_first=False, prompt_text="a red fox in snow",
                             enhanced_job__enhanced_prompt=SECRET, enhanced_job__final_prompt=SECRET)
    info = PngInfo()
    info.add_text("parameters", f"{SECRET} Job id: {pair.enhanced_job.pk}")
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "blue").save(buffer, format="PNG", pnginfo=info)
    for job in (pair.baseline_job, pair.enhanced_job):
        name = default_storage.save(f"jobs/{job.pk}/a1-0.png", ContentFile(buffer.getvalue()))
        OutputFactory(job=job, url="", file=name, mime_type="image/png")
    return pair


def test_create_returns_the_draft_with_plan_arms_and_results(admin_api):
    response = admin_api.post("/api/ab-tests/", BODY)

    data = response.json()
    test = PromptABTest.objects.get()
    assert response.status_code == 201
    assert (data["id"], data["status"], data["planned_pairs"], data["model_type"]) == (str(test.pk), "draft", 10,
                                                                                      "SDXL")
    assert data["enhanced_config"] == {"prompt_version": None, "enhancement_strategy": "qwen", "compel_config": None,
                                       "model_config": None}
    assert data["results"]["pairs"] == 10 and data["results"]["message"].startswith("not enough ratings")
    assert (data["alpha"], data["power"]) == (0.05, 0.8)


def test_create_errors_are_nested_per_field(admin_api):
    compel, missing = CompelConfigFactory(), uuid.uuid4()

    service = admin_api.post("/api/ab-tests/", {
        **BODY, "alpha": 0.6, "baseline": {"compel_config": str(compel.pk)},
        "enhanced": {"enhancement_strategy": "qwen", "model_config": str(missing)}})
    shape = admin_api.post("/api/ab-tests/", {**BODY, "baseline": {"strategy": "qwen", "compel_config": "x"},
                                              "prompts": []})

    assert service.status_code == 400 and service.json() == {
        "alpha": ["alpha must be above 0 and below 0.5, got 0.600."],
        "baseline": {"compel_config": ["A Compel configuration applies only to the compel and hybrid strategies."]},
        "enhanced": {"model_config": [f"No model configuration with id {missing}."]},
    }
    assert shape.status_code == 400 and shape.json() == {
        "baseline": {"strategy": ["Unknown field."]}, "prompts": ["This list may not be empty."]}
    assert PromptABTest.objects.count() == 0


def test_arm_ids_are_stored_as_strings_and_the_arm_takes_only_its_four_settings(admin_api):
    from analytics.abtests.arms import ARM_KEYS
    from analytics.api.abtest_serializers import ArmSerializer

    compel = CompelConfigFactory()

    response = admin_api.post("/api/ab-tests/", {
        **BODY, "enhanced": {"enhancement_strategy": "compel", "compel_config": str(compel.pk)}})

    assert response.status_code == 201
    assert PromptABTest.objects.get().enhanced_config == {
        "prompt_version": None, "enhancement_strategy": "compel", "compel_config": str(compel.pk),
        "model_config": None}
    assert set(ArmSerializer().fields) == set(ARM_KEYS)


def test_identical_arms_are_refused_on_the_enhanced_arm(admin_api):
    response = admin_api.post("/api/ab-tests/", {**BODY, "enhanced": {}})

    assert response.json() == {"enhanced": ["The two arms are identical; change at least one setting."]}


def test_plan_previews_the_power_calculation(api):
    good = api.get("/api/ab-tests/plan", {"target_lift": "0.5", "sd_difference": "1"})
    bad = api.get("/api/ab-tests/plan", {"target_lift": "0.05"})

    assert good.json() == {"target_lift": 0.5, "alpha": 0.05, "power": 0.8, "sd_difference": 1.0,
                           "effect_size": 0.5, "planned_pairs": 34}
    assert bad.status_code == 400 and "the limit is 1,000" in bad.json()["target_lift"][0]


def test_start_submits_paired_jobs(admin_api, backends):
    test_id = admin_api.post("/api/ab-tests/", BODY).json()["id"]

    response = admin_api.post(f"/api/ab-tests/{test_id}/start", {})
    again = admin_api.post(f"/api/ab-tests/{test_id}/start", {})

    assert response.status_code == 200 and response.json()["status"] == "running"
    jobs = Job.objects.filter(test_series="ab-api")
    assert jobs.count() == 20
    assert {(j.original_prompt, j.seed) for j in jobs if j.enhancement_strategy == "none"} == {
        (j.original_prompt, j.seed) for j in jobs if j.enhancement_strategy == "qwen"}
    assert again.status_code == 400 and again.json() == {
        "status": ["Only a draft test can be started; this one is running."]}


def test_list_and_detail_show_live_results(api, pair):
    pair.baseline_job.quality_rating, pair.enhanced_job.quality_rating = 3, 5
    for job in (pair.baseline_job, pair.enhanced_job):
        job.save()

    listed = api.get("/api/ab-tests/", {"status": "running"})
    detail = api.get(f"/api/ab-tests/{pair.ab_test.pk}/")

    assert [row["id"] for row in listed.json()["results"]] == [str(pair.ab_test.pk)]
    results = detail.json()["results"]
    assert (results["rated_pairs"], results["complete"], results["baseline"]["mean"]) == (1, True, 3.0)
    assert api.get("/api/ab-tests/", {"status": "draft"}).json()["results"] == []


def test_pairs_are_blind(role_client, pair):
    response = role_client("moderator").get(f"/api/ab-tests/{pair.ab_test.pk}/pairs")

    content = response.content.decode()
    assert response.status_code == 200
    media = f"http://testserver/api/ab-tests/{pair.ab_test.pk}/pairs/{pair.pk}/{{}}/media"
    assert response.json() == [{"id": str(pair.pk), "position": pair.position, "prompt": "a red fox in snow",
                                "rated": False, "outputs": [
        {"label": label, "state": "completed", "ready": True, "is_video": False, "rating": None,
         "media_url": media.format(label)} for label in "AB"]}]
    for secret in (SECRET, str(pair.enhanced_job.pk), str(pair.baseline_job.pk), "hybrid", "baseline", "enhanced",
                   "jobs/"):
        assert secret not in content


def test_rating_by_label_and_blind_media(role_client, pair):
    moderator = role_client("moderator")

    rated = moderator.post(f"/api/ab-tests/{pair.ab_test.pk}/pairs/{pair.pk}/rating", {"label": "b", "rating": "GOOD"})
    media = moderator.get(f"/api/ab-tests/{pair.ab_test.pk}/pairs/{pair.pk}/B/media")
    wrong = moderator.get(f"/api/ab-tests/{pair.ab_test.pk}/pairs/{pair.pk}/Z/media")
    no_arm = moderator.get(f"/api/ab-tests/{pair.ab_test.pk}/pairs/{pair.pk}/C/media")

    pair.enhanced_job.refresh_from_db()
    assert rated.status_code == 200 and pair.enhanced_job.quality_rating == 4
    assert [o["rating"] for o in rated.json()["outputs"]] == [None, 4]
    body = b"".join(media.streaming_content) if media.streaming else media.content
    assert media.status_code == 200 and SECRET.encode() not in body and b"tEXt" not in body
    assert media["Content-Disposition"] == 'inline; filename="B.png"'
    assert wrong.status_code == 404 and wrong.json() == {"detail": "The label is a letter from A to F."}
    assert no_arm.status_code == 404 and no_arm.json() == {"detail": "No output to show."}


def test_media_404s_for_an_unknown_pair_or_an_output_not_ready(role_client, pair):
    moderator = role_client("moderator")
    Job.objects.filter(pk=pair.baseline_job.pk).update(status="processing")

    unknown = moderator.get(f"/api/ab-tests/{pair.ab_test.pk}/pairs/{uuid.uuid4()}/A/media")
    not_ready = moderator.get(f"/api/ab-tests/{pair.ab_test.pk}/pairs/{pair.pk}/A/media")
    ready = moderator.get(f"/api/ab-tests/{pair.ab_test.pk}/pairs/{pair.pk}/B/media")

    assert (unknown.status_code, unknown.json()) == (404, {"detail": "No output to show."})
    assert (not_ready.status_code, not_ready.json()) == (404, {"detail": "No output to show."})
    assert ready.status_code == 200


def test_media_of_an_output_whose_file_is_gone_is_a_404_in_the_api_and_the_admin(role_client, role_user, client,
                                                                                  pair):
    moderator = role_client("moderator")
    client.force_login(role_user("moderator"))
    output = pair.enhanced_job.outputs.get()
    default_storage.delete(output.file.name)

    api = moderator.get(f"/api/ab-tests/{pair.ab_test.pk}/pairs/{pair.pk}/B/media")
    page = client.get(f"/admin/analytics/promptabtest/{pair.ab_test.pk}/rate/{pair.pk}/B/")

    assert (api.status_code, api.json()) == (404, {"detail": "This output's file is missing."})
    assert page.status_code == 404


def test_rating_errors(role_client, pair):
    moderator = role_client("moderator")
    url = f"/api/ab-tests/{pair.ab_test.pk}/pairs/{pair.pk}/rating"

    assert moderator.post(url, {"label": "Z", "rating": 3}).json() == {"label": ['"Z" is not a valid choice.']}
    assert moderator.post(url, {"label": "C", "rating": 3}).json() == {"label": ["label is A or B."]}
    assert moderator.post(url, {"label": "A", "rating": 3, "arm": "x"}).json() == {"arm": ["Unknown field."]}
    assert moderator.post(f"/api/ab-tests/{pair.ab_test.pk}/pairs/{uuid.uuid4()}/rating",
                          {"label": "A", "rating": 3}).status_code == 404


@pytest.mark.parametrize("role,create,start,pairs,rate,listing", [
    ("viewer", 403, 403, 403, 403, 200),
    ("moderator", 403, 403, 200, 200, 200),
    ("admin", 201, 400, 200, 200, 200),
])
def test_roles(role_client, pair, role, create, start, pairs, rate, listing):
    client = role_client(role)
    base = f"/api/ab-tests/{pair.ab_test.pk}"

    assert client.post("/api/ab-tests/", BODY).status_code == create
    assert client.post(f"{base}/start", {}).status_code == start
    assert client.get(f"{base}/pairs").status_code == pairs
    assert client.post(f"{base}/pairs/{pair.pk}/rating", {"label": "A", "rating": 4}).status_code == rate
    assert client.get("/api/ab-tests/").status_code == listing


def test_anonymous_gets_401(anon, pair):
    assert anon.get(f"/api/ab-tests/{pair.ab_test.pk}/pairs").status_code == 401


def test_cancel_stops_unfinished_jobs_and_keeps_the_rest(admin_api):
    test = PromptABTestFactory(status="running")
    pair = ABTestPairFactory(ab_test=test, baseline_job__quality_rating=4,
                             enhanced_job=JobFactory(status="queued", completed_at=None))

    response = admin_api.post(f"/api/ab-tests/{test.pk}/cancel", {})
    again = admin_api.post(f"/api/ab-tests/{test.pk}/cancel", {})

    data = response.json()
    assert response.status_code == 200
    assert (data["status"], data["is_complete"], data["results"]["baseline"]["mean"]) == ("cancelled", False, 4.0)
    assert dict(Job.objects.values_list("pk", "status")) == {pair.baseline_job.pk: "completed",
                                                             pair.enhanced_job.pk: "cancelled"}
    assert again.status_code == 400 and again.json() == {"status": ["This test is already cancelled."]}


def test_cancel_refuses_a_complete_test(admin_api):
    test = PromptABTestFactory(status="complete")

    response = admin_api.post(f"/api/ab-tests/{test.pk}/cancel", {})

    assert response.status_code == 400 and response.json() == {
        "status": ["Only a draft or running test can be cancelled; this one is complete."]}
    assert PromptABTest.objects.get().status == "complete"


def test_cancel_takes_no_body_and_404s_on_unknown_tests(admin_api):
    test = PromptABTestFactory(status="draft")

    extra = admin_api.post(f"/api/ab-tests/{test.pk}/cancel", {"force": True})
    missing = admin_api.post(f"/api/ab-tests/{uuid.uuid4()}/cancel", {})

    assert extra.status_code == 400 and extra.json() == {"force": ["Unknown field."]}
    assert missing.status_code == 404 and PromptABTest.objects.get().status == "draft"


@pytest.mark.parametrize("role,code,status", [("viewer", 403, "running"), ("moderator", 403, "running"),
                                              ("admin", 200, "cancelled")])
def test_only_admins_may_cancel(role_client, role, code, status):
    test = PromptABTestFactory(status="running")

    response = role_client(role).post(f"/api/ab-tests/{test.pk}/cancel", {})

    assert response.status_code == code and PromptABTest.objects.get().status == status


def test_rating_a_cancelled_test_is_refused(role_client, pair):
    PromptABTest.objects.filter(pk=pair.ab_test.pk).update(status="cancelled")

    response = role_client("moderator").post(f"/api/ab-tests/{pair.ab_test.pk}/pairs/{pair.pk}/rating",
                                             {"label": "A", "rating": 4})

    assert response.status_code == 400 and response.json() == {
        "status": ["This test is cancelled; its outputs can no longer be rated."]}
    assert Job.objects.filter(quality_rating__isnull=False).count() == 0


def test_create_with_an_existing_output_as_the_input_image(admin_api, settings, tmp_path):
    from io import BytesIO

    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage
    from PIL import Image

    from analytics.models import ABTestPair
    from tests.factories import OutputFactory

    settings.MEDIA_ROOT = str(tmp_path)
    buffer = BytesIO()
    Image.new("RGB", (40, 40), "olive").save(buffer, format="PNG")
    output = OutputFactory(url="", file=default_storage.save("jobs/o/out.png", ContentFile(buffer.getvalue())))

    created = admin_api.post("/api/ab-tests/", {**BODY, "input_output_id": str(output.pk)})
    unknown = admin_api.post("/api/ab-tests/", {**BODY, "input_output_id": "00000000-0000-0000-0000-000000000000"})

    assert created.status_code == 201, created.json()
    assert all(ABTestPair.objects.filter(ab_test_id=created.json()["id"]).values_list("input_image", flat=True))
    assert unknown.status_code == 400 and "input_output_id" in unknown.json()


def test_a_three_arm_test_through_the_api_rates_blind_and_reports_holm(admin_api, backends):
    from analytics.abtests.results import ab_test_results

    body = {**BODY, "target_lift": 1.5, "variants": [{"name": "compel", "enhancement_strategy": "compel"}]}
    created = admin_api.post("/api/ab-tests/", body, format="json")
    test_id = created.json()["id"]
    admin_api.post(f"/api/ab-tests/{test_id}/start", {})
    Job.objects.filter(test_series="ab-api").update(status="completed")
    pairs = admin_api.get(f"/api/ab-tests/{test_id}/pairs").json()
    for pair in pairs:
        for output, stars in zip(pair["outputs"], (2, 3, 4), strict=True):
            rated = admin_api.post(f"/api/ab-tests/{test_id}/pairs/{pair['id']}/rating",
                                   {"label": output["label"], "rating": stars}, format="json")
            assert rated.status_code == 200, rated.json()
    detail = admin_api.get(f"/api/ab-tests/{test_id}/").json()

    assert created.status_code == 201 and created.json()["variants"] == [
        {"name": "compel", "prompt_version": None, "enhancement_strategy": "compel", "compel_config": None,
         "model_config": None}]
    assert Job.objects.filter(test_series="ab-api").count() == 3 * len(pairs)
    assert all([o["label"] for o in pair["outputs"]] == ["A", "B", "C"] for pair in pairs)
    variants = detail["results"]["variants"]
    assert [(row["arm"], row["name"], row["rated_pairs"]) for row in variants] == [
        (1, "enhanced", len(pairs)), (2, "compel", len(pairs))]
    expected = ab_test_results(PromptABTest.objects.get(pk=test_id)).as_json()["variants"]
    assert [row.get("paired_p_holm") for row in variants] == [row.get("paired_p_holm") for row in expected]


def test_variant_errors_are_nested_by_position_and_field(admin_api):
    body = {**BODY, "variants": [{"name": "ok", "enhancement_strategy": "compel"},
                                 {"name": "bad", "enhancement_strategy": "compel", "compel_config": "x"}]}

    response = admin_api.post("/api/ab-tests/", body, format="json")

    assert response.status_code == 400
    assert response.json() == {"variants": {"1": {"compel_config": ["Must be a valid UUID."]}}}
    assert PromptABTest.objects.count() == 0
    duplicate = admin_api.post("/api/ab-tests/", {**BODY, "variants": [{"name": "baseline"}]}, format="json")
    assert duplicate.json() == {"variants": {"0": {"name": [
        "Another arm is already called 'baseline'; give each arm its own name."]}}}
