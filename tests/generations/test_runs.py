"""Experiment runs: the whole grid checked before anything is written, cells submitted, grids, comparisons."""

import io
import re

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from PIL import Image

from generations.contact_sheet import run_contact_sheet
from generations.models import ExperimentRun, Job, RunCell
from generations.run_grid import run_grid, runs_compare
from generations.runs import axis_parse, input_seed, run_create, run_plan
from generations.services import job_rate
from tests.factories import CompelConfigFactory, JobFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def backends(tmp_path):
    from configs.services import model_backend_set

    for family in ("qwen", "sdxl", "wan"):
        model_backend_set(family=family, path=str(tmp_path / family), model_name=family)


def _grid(**overrides):
    values = {"model_type": "SDXL", "prompts": ["a red fox in snow", "a lighthouse at dusk"],
              "axes": [axis_parse("strategy=none,qwen"), axis_parse("steps=10,20"), axis_parse("seed=1,2")]}
    return {**values, **overrides}


def test_the_plan_checks_every_cell_and_writes_and_queues_nothing(backends):
    plan = run_plan(**_grid())

    assert plan.job_count == 2 * 2 * 2 * 2 and plan.estimated_gpu_seconds == pytest.approx(16 * 8.0)
    assert plan.estimate_source.startswith("a default guess")
    assert Job.objects.count() == ExperimentRun.objects.count() == 0
    assert [cell["values"] for cell in plan.cells[:2]] == [{"strategy": "none", "steps": 10, "seed": 1},
                                                           {"strategy": "none", "steps": 10, "seed": 2}]


def test_creating_a_run_submits_one_job_per_cell_with_the_cells_settings(backends):
    user = UserFactory()

    run = run_create(name="fox grid", user=user, **_grid())

    cells = list(RunCell.objects.filter(run=run).select_related("job").order_by("position"))
    assert run.job_count == len(cells) == 16 and run.test_series == f"run:{run.pk.hex[-8:]}"
    for cell in cells:
        job = cell.job
        assert (job.enhancement_strategy, job.num_inference_steps, job.seed) == (
            cell.values["strategy"], cell.values["steps"], cell.values["seed"])
        assert job.test_series == run.test_series and job.user == user and job.status == "queued"
        assert job.original_prompt == run.inputs[cell.input_index]["prompt"]


def test_without_a_seed_axis_an_inputs_seed_is_derived_from_its_text(backends):
    run = run_create(**_grid(axes=[axis_parse("cfg=4,7.5")]))

    jobs = Job.objects.filter(test_series=run.test_series)
    assert {(job.original_prompt, job.seed) for job in jobs} == {
        (item["prompt"], input_seed(item)) for item in run.inputs}
    assert sorted({float(job.guidance_scale) for job in jobs}) == [4.0, 7.5]


@pytest.mark.parametrize(("axes", "key", "message"), [
    (["vibes=1,2"], "axes", "Unknown axis 'vibes'"),
    (["steps=10,999"], "axes.steps", "'999' is out of range: inference steps (1-150)."),
    (["seed=x"], "axes.seed", "'x' is not a valid seed"),
    (["strategy=none,sideways"], "axes.strategy", "'sideways' is not a strategy"),
    (["steps=10,10"], "axes.steps", "A value is listed twice."),
    (["steps=10", "cfg=5", "seed=1", "strategy=none"], "axes", "At most 3 axes"),
    (["compel_config=nope"], "axes.compel_config", "No Compel configuration (name or id; compel and hybrid "
                                                   "strategies) 'nope'."),
    (["lora_weight=0.5,1"], "lora", "A lora_weight axis needs the LoRA it weighs (lora)."),
    (["steps"], "axes", "write an axis as NAME=V1,V2"),
])
def test_bad_axes_are_named_and_nothing_is_written(backends, axes, key, message):
    with pytest.raises(ValidationError) as caught:
        run_create(**_grid(axes=[axis_parse(text) if "=" in text else text for text in axes]))

    assert message in " ".join(caught.value.message_dict[key])
    assert Job.objects.count() == ExperimentRun.objects.count() == 0


def test_a_cell_that_job_submit_refuses_refuses_the_whole_run_naming_the_cell(backends):
    compel = CompelConfigFactory(config_name="strong")

    with pytest.raises(ValidationError) as caught:
        run_create(**_grid(axes=[axis_parse("strategy=none,compel"), axis_parse("compel_config=strong")]))

    cells = caught.value.message_dict["cells"]
    assert len(cells) == 2 and all("strategy=none, compel_config=strong" in line for line in cells)
    assert Job.objects.count() == ExperimentRun.objects.count() == 0
    assert compel.config_name == "strong"


def test_too_many_jobs_are_refused_before_any_is_checked(backends):
    with pytest.raises(ValidationError) as caught:
        run_plan(**_grid(prompts=[f"prompt {n}" for n in range(20)],
                         axes=[axis_parse("seed=" + ",".join(str(n) for n in range(20))),
                               axis_parse("steps=10,20")]))

    assert caught.value.message_dict["axes"] == ["20 inputs × 40 combinations = 800 jobs; the limit is 500."]


def _complete(run, stars_by_strategy, rater):
    for cell in RunCell.objects.filter(run=run).select_related("job"):
        Job.objects.filter(pk=cell.job_id).update(status="completed", inference_time_ms=1000)
        cell.job.status = "completed"
        job_rate(job=cell.job, by=rater, rating=stars_by_strategy[cell.values["strategy"]])


def test_the_grid_has_the_differing_settings_as_headers_and_row_and_column_means(backends):
    rater = UserFactory(is_staff=True)
    run = run_create(**_grid(axes=[axis_parse("strategy=none,qwen"), axis_parse("steps=10,20"),
                                   axis_parse("cfg=7")]))
    _complete(run, {"none": 3, "qwen": 5}, rater)

    grid = run_grid(run=run, rater=rater)

    assert (grid.column_axis, grid.row_axis, grid.z_axis, grid.columns) == ("strategy", "steps", None,
                                                                            ["none", "qwen"])
    assert grid.constant["cfg"] == 7.0 and len(grid.blocks) == 2
    assert [row.value for row in grid.blocks[0].rows] == [10, 20]
    assert [s.stars for s in grid.column_summaries] == [3.0, 5.0]
    assert [(row.value, row.summary.stars) for block in grid.blocks for row in block.rows] == [
        (10, 4.0), (20, 4.0), (10, 4.0), (20, 4.0)]
    assert grid.total.success == 1.0 and grid.blocks[0].rows[0].slots[1].cells[0].my_stars == 5


def test_the_contact_sheet_is_a_png_with_a_tile_per_cell(backends):
    run = run_create(**_grid(axes=[axis_parse("strategy=none,qwen")]))

    image = Image.open(io.BytesIO(run_contact_sheet(run=run)))

    assert image.format == "PNG" and image.width >= 150 + 2 * 198 and image.height > 2 * 192


def test_a_worse_run_over_the_same_inputs_regresses_and_compare_runs_exits_1(backends, capsys):
    rater = UserFactory(is_staff=True)
    first = run_create(**_grid(axes=[axis_parse("strategy=none,qwen")]))
    second = run_create(**_grid(axes=[axis_parse("strategy=none,qwen")]))
    _complete(first, {"none": 4, "qwen": 5}, rater)
    _complete(second, {"none": 4, "qwen": 3}, rater)

    comparison = runs_compare(baseline=first, new=second, max_drop=0.25)
    with pytest.raises(SystemExit) as exited:
        call_command("compare_runs", str(first.pk), str(second.pk))
    call_command("compare_runs", str(first.pk), str(first.pk))

    assert comparison.matched == 4 and comparison.regressed
    assert [row.stars_delta for row in comparison.rows] == [0.0, -2.0, 0.0, -2.0]
    assert [row.regressed for row in comparison.rows] == [False, True, False, True]
    assert comparison.problems == ["Mean stars fell by 1.00 over 4 cells rated in both runs (limit 0.25)."]
    assert exited.value.code == 1
    out = capsys.readouterr()
    assert "REGRESSION: Mean stars fell by 1.00" in out.err and "No regression." in out.out


def test_run_grid_prints_the_run_id_and_names_a_bad_option(backends, capsys):
    call_command("run_grid", "--model", "SDXL", "--prompt", "a red fox", "--prompt", "a blue fox",
                 "--axis", "strategy=none,qwen", "--axis", "seed=1,2", "--axis", "steps=8,12")
    out = capsys.readouterr()
    run = ExperimentRun.objects.get()

    assert out.out.strip() == str(run.pk) and run.job_count == 16
    assert "16 jobs (2 inputs × 8 combinations); estimated GPU time" in out.err
    from django.core.management.base import CommandError

    with pytest.raises(CommandError) as caught:
        call_command("run_grid", "--model", "SDXL", "--prompt", "x", "--axis", "steps=0")
    assert str(caught.value) == "--axis steps: '0' is out of range: inference steps (1-150)."


def test_the_estimate_comes_from_recent_jobs_and_scales_with_steps(backends):
    JobFactory.create_batch(3, model_type="SDXL", status="completed", inference_time_ms=4000,
                            enhancement_time_ms=0, num_inference_steps=20)

    plan = run_plan(**_grid(prompts=["a red fox"], axes=[axis_parse("steps=10,40")]))

    assert plan.estimated_gpu_seconds == pytest.approx(4 * 0.5 + 4 * 2)
    assert plan.estimate_source == "median of the last 3 completed SDXL jobs"


def test_the_admin_checks_then_submits_a_run_and_shows_its_grid(admin_client, backends):
    form = {"model_type": "SDXL", "prompts": "a red fox\na blue heron", "axes": "strategy=none,qwen\nsteps=8,12",
            "strategy": "none", "name": "admin grid"}

    checked = admin_client.post("/admin/generations/experimentrun/add/", {**form, "_check": "1"})
    assert checked.status_code == 200 and checked.context["plan"].job_count == 8
    assert ExperimentRun.objects.count() == 0 and "Submit 8 jobs" in checked.content.decode()
    made = admin_client.post("/admin/generations/experimentrun/add/", {**form, "confirmed": "True"})

    run = ExperimentRun.objects.get()
    assert made.status_code == 302 and made["Location"] == f"/admin/generations/experimentrun/{run.pk}/grid/"
    page = admin_client.get(made["Location"])
    assert page.status_code == 200 and page.context["grid"].columns == ["none", "qwen"]
    assert page.content.decode().count('class="cell"') == 8
    assert admin_client.get(f"/admin/generations/experimentrun/{run.pk}/sheet.png")["Content-Type"] == "image/png"
    assert admin_client.get(f"/admin/generations/experimentrun/{run.pk}/change/").context["grid"].run == run


def test_the_grid_page_shows_each_rows_own_summary_in_its_row(admin_client, backends, superuser):
    run = run_create(**_grid(prompts=["a red fox"], axes=[axis_parse("strategy=none,qwen"), axis_parse("steps=10,20")]))
    for cell in RunCell.objects.filter(run=run).select_related("job"):
        Job.objects.filter(pk=cell.job_id).update(status="completed", inference_time_ms=1000)
        cell.job.status = "completed"
        job_rate(job=cell.job, by=superuser, rating=2 if cell.values["steps"] == 10 else 4)

    page = admin_client.get(f"/admin/generations/experimentrun/{run.pk}/grid/").content.decode()

    rows = re.findall(r'<tr><th>(\d+)</th>.*?<td class="summary">(.*?)</td>', page, re.DOTALL)
    assert rows == [("10", "2.00★<br>100.0% ok<br>1,000 ms"), ("20", "4.00★<br>100.0% ok<br>1,000 ms")]


def test_the_admin_puts_a_bad_axis_on_the_axes_field(admin_client, backends):
    response = admin_client.post("/admin/generations/experimentrun/add/", {
        "model_type": "SDXL", "prompts": "a fox", "axes": "steps=0", "strategy": "none", "_check": "1"})

    assert response.context["form"].errors["axes"] == ["'0' is out of range: inference steps (1-150)."]
    assert ExperimentRun.objects.count() == 0


def test_the_admin_pins_a_baseline_and_compares(admin_client, backends, superuser):
    first = run_create(**_grid(axes=[axis_parse("strategy=none,qwen")]))
    second = run_create(**_grid(axes=[axis_parse("strategy=none,qwen")]))
    _complete(first, {"none": 4, "qwen": 5}, superuser)
    _complete(second, {"none": 4, "qwen": 3}, superuser)

    admin_client.post(f"/admin/generations/experimentrun/{second.pk}/baseline/", {"baseline": str(first.pk)})
    page = admin_client.get(f"/admin/generations/experimentrun/{second.pk}/compare/")

    second.refresh_from_db()
    assert second.baseline == first
    assert page.status_code == 200 and page.context["comparison"].regressed
    assert page.content.decode().count('class="regressed"') == 2


def test_a_seed_axis_gives_each_slot_its_seeds_and_their_spread(backends, superuser):
    run = run_create(**_grid(prompts=["a red fox"], axes=[axis_parse("strategy=none,qwen"), axis_parse("seed=1,2,3")]))
    for cell in RunCell.objects.filter(run=run).select_related("job"):
        Job.objects.filter(pk=cell.job_id).update(status="completed")
        cell.job.status = "completed"
        job_rate(job=cell.job, by=superuser, rating=cell.values["seed"] + (2 if cell.values["strategy"] == "qwen"
                                                                           else 0))

    grid = run_grid(run=run)

    assert (grid.column_axis, grid.row_axis, grid.seeds) == ("strategy", None, [1, 2, 3])
    (plain, qwen), = [row.slots for row in grid.blocks[0].rows]
    assert [c.values["seed"] for c in plain.cells] == [1, 2, 3]
    assert (plain.mean, plain.spread, qwen.mean, qwen.spread) == (2.0, 2.0, 4.0, 2.0)
    assert qwen.sd == pytest.approx(1.0)
    assert Image.open(io.BytesIO(run_contact_sheet(run=run))).format == "PNG"


def test_promoting_a_runs_prompt_version_moves_production_and_records_the_run(admin_client, backends):
    from prompts.models import PromptLabel, PromptLabelMove
    from tests.factories import PromptFactory, PromptVersionFactory

    prompt = PromptFactory()
    old, new = (PromptVersionFactory(prompt=prompt, user_prompt="a {prompt}, " + style) for style in ("ink", "oil"))
    run = run_create(**_grid(prompts=["red fox"], axes=[axis_parse(f"prompt_version={old.pk},{new.pk}")]))

    page = admin_client.get(f"/admin/generations/experimentrun/{run.pk}/grid/")
    admin_client.post(f"/admin/generations/experimentrun/{run.pk}/promote/", {"version": str(new.pk)})
    refused = admin_client.post(f"/admin/generations/experimentrun/{run.pk}/promote/", {"version": "x"},
                                follow=True)

    label = PromptLabel.objects.get(name="production")
    move = PromptLabelMove.objects.get(to_version=new)
    assert len(page.context["promotable"]) == 2
    assert label.prompt_version == new
    assert (move.justification_kind, move.justification_id) == ("run", str(run.pk))
    assert "Pick one of this run" in refused.content.decode()


def test_a_template_axis_compares_the_active_template_with_a_labelled_candidate(backends):
    from prompts.labels import label_move
    from tests.factories import PromptTemplateFactory

    active = PromptTemplateFactory(is_active=True, content="masterpiece")
    candidate = PromptTemplateFactory(is_active=False, content="award-winning photo")
    retired = PromptTemplateFactory(is_active=False, content="old")
    label_move(target=candidate, name="staging")

    run = run_create(**_grid(prompts=["a red fox"], axes=[axis_parse(f"template={active.pk},{candidate.pk}")]))
    with pytest.raises(ValidationError) as caught:
        run_plan(**_grid(prompts=["a red fox"], axes=[axis_parse(f"template={retired.pk}")]))

    picked = sorted(job.metadata["template_ids"][0] for job in Job.objects.filter(test_series=run.test_series))
    assert picked == sorted([str(active.pk), str(candidate.pk)])
    assert "is not an active or labelled SDXL template" in caught.value.message_dict["cells"][0]
