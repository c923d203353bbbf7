"""/api/runs/: check or submit a grid, its cells, contact sheet, CSV, baseline and comparison."""

import csv
import io

import pytest
from PIL import Image

from generations.models import ExperimentRun, Job, RunCell
from generations.services import job_rate

pytestmark = pytest.mark.django_db
BODY = {"model_type": "sdxl", "prompts": ["a red fox", "a blue heron"],
        "axes": ["strategy=none,qwen", {"name": "seed", "values": [1, 2]}, "steps=8,12"]}


def test_a_dry_run_answers_the_count_and_estimate_and_submits_nothing(api, backends):
    response = api.post("/api/runs/", {**BODY, "dry_run": True}, format="json")

    assert response.status_code == 200
    assert response.json()["job_count"] == 16 and response.json()["estimated_gpu_seconds"] == 128.0
    assert Job.objects.count() == ExperimentRun.objects.count() == 0


def test_a_run_is_submitted_and_lists_its_cells(api, backends):
    made = api.post("/api/runs/", {**BODY, "name": "fox grid"}, format="json")
    run_id = made.json()["id"]
    detail = api.get(f"/api/runs/{run_id}/").json()
    listing = api.get("/api/runs/").json()

    assert made.status_code == 201 and made.json()["job_count"] == 16
    assert len(detail["cells"]) == 16 and detail["cells"][0]["values"] == {"strategy": "none", "seed": 1, "steps": 8}
    assert {cell["status"] for cell in detail["cells"]} == {"queued"}
    assert listing["results"][0]["id"] == run_id


def test_errors_name_the_field_and_write_nothing(api, backends):
    bad_axis = api.post("/api/runs/", {**BODY, "axes": ["steps=0"]}, format="json")
    bad_model = api.post("/api/runs/", {**BODY, "model_type": "dalle"}, format="json")
    bad_shape = api.post("/api/runs/", {**BODY, "axes": [5]}, format="json")
    no_input = api.post("/api/runs/", {"model_type": "SDXL"}, format="json")

    assert bad_axis.status_code == 400 and bad_axis.json() == {
        "axes.steps": ["'0' is out of range: inference steps (1-150)."]}
    assert bad_model.status_code == 400 and "model_type" in bad_model.json()
    assert bad_shape.status_code == 400 and "axes" in bad_shape.json()
    assert no_input.status_code == 400 and "prompts" in no_input.json()
    assert Job.objects.count() == ExperimentRun.objects.count() == 0


def test_an_axis_value_that_is_not_a_string_or_number_is_refused_by_axis(api, backends):
    response = api.post("/api/runs/", {**BODY, "axes": [{"name": "seed", "values": [1, [2, 3]]}]}, format="json")
    empty = api.post("/api/runs/", {**BODY, "axes": [{"name": "steps", "values": [8, None]}]}, format="json")

    assert response.status_code == empty.status_code == 400
    assert response.json() == {"axes": ["Axis 'seed': [2, 3] is not a string or a number."]}
    assert empty.json() == {"axes": ["Axis 'steps': null is not a string or a number."]}
    assert Job.objects.count() == ExperimentRun.objects.count() == 0


def test_the_csv_keeps_prompts_a_spreadsheet_would_run_as_text(api, backends):
    run_id = api.post("/api/runs/", {**BODY, "prompts": ["=HYPERLINK(\"x\")", "-2+3"], "axes": ["steps=8"]},
                      format="json").json()["id"]

    rows = list(csv.reader(io.StringIO(api.get(f"/api/runs/{run_id}/cells.csv").content.decode())))

    assert [row[:3] for row in rows] == [["position", "input", "steps"], ["1", "'=HYPERLINK(\"x\")", "8"],
                                         ["2", "'-2+3", "8"]]
    assert [row[4:] for row in rows[1:]] == [["queued", "", "", ""]] * 2


def test_sheet_csv_baseline_and_compare(api, backends, superuser):
    first = api.post("/api/runs/", {**BODY, "axes": ["strategy=none,qwen"]}, format="json").json()["id"]
    second = api.post("/api/runs/", {**BODY, "axes": ["strategy=none,qwen"]}, format="json").json()["id"]
    for run_id, stars in ((first, 4), (second, 2)):
        for cell in RunCell.objects.filter(run_id=run_id).select_related("job"):
            Job.objects.filter(pk=cell.job_id).update(status="completed")
            cell.job.status = "completed"
            job_rate(job=cell.job, by=superuser, rating=stars)

    sheet = api.get(f"/api/runs/{second}/sheet.png")
    table = api.get(f"/api/runs/{second}/cells.csv")
    unpinned = api.get(f"/api/runs/{second}/compare")
    pinned = api.post(f"/api/runs/{second}/baseline", {"baseline": first}, format="json")
    compared = api.get(f"/api/runs/{second}/compare").json()

    assert sheet.status_code == 200 and Image.open(io.BytesIO(sheet.content)).format == "PNG"
    lines = table.content.decode().splitlines()
    assert lines[0] == "position,input,strategy,job_id,status,stars,clip_score,time_ms" and len(lines) == 5
    assert unpinned.status_code == 400 and "baseline" in unpinned.json()
    assert pinned.status_code == 200 and pinned.json()["baseline"] == first
    assert compared["matched"] == 4 and compared["regressed"] is True
    assert [row["stars_delta"] for row in compared["rows"]] == [-2.0] * 4


def test_viewers_read_runs_but_cannot_submit(role_client, backends):
    viewer = role_client("viewer")

    assert viewer.get("/api/runs/").status_code == 200
    assert viewer.post("/api/runs/", BODY, format="json").status_code == 403
