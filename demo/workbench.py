"""The comparison workbench's demo rows: an experiment run over demo jobs, and prompt labels.

The run is made of jobs that really ran one prompt and seed on both arms (the first demo A/B test's
pairs), laid out as a strategy grid; the labels are placed through ``prompts.labels`` so each has its
history row, exactly as a person moving them in the admin would leave them.
"""

from analytics.models import ABTestPair
from demo.keys import demo_uuid
from generations.models import ExperimentRun, RunCell
from generations.runs import cell_key
from prompts.labels import label_move
from prompts.models import PromptTemplate

RUN_NAME = "Qwen rewrite vs plain, demo portraits"


def seed_demo_run(ab_test_name: str) -> dict[str, int]:
    """A run over the pairs of demo A/B test ``ab_test_name`` (one input per distinct prompt); once."""
    run_id = demo_uuid("run", RUN_NAME)
    if ExperimentRun.objects.filter(pk=run_id).exists():
        return {"runs": 0}
    pairs, seen = [], set()
    for pair in ABTestPair.objects.filter(ab_test_id=demo_uuid("ab-test", ab_test_name), baseline_job__isnull=False,
                                          enhanced_job__isnull=False).order_by("position"):
        if pair.prompt_text not in seen:
            seen.add(pair.prompt_text)
            pairs.append(pair)
    pairs = pairs[:6]
    if not pairs:
        return {"runs": 0}
    inputs = [{"prompt": pair.prompt_text, "prompt_version": None} for pair in pairs]
    run = ExperimentRun.objects.create(
        id=run_id, name=RUN_NAME, model_type="SDXL", inputs=inputs, shared={"strategy": "none"},
        axes=[{"name": "strategy", "values": ["none", "qwen"]}], test_series=f"run:{run_id.hex[-8:]}",
        job_count=2 * len(pairs))
    RunCell.objects.bulk_create([
        RunCell(run=run, position=2 * index + offset + 1, input_index=index, values={"strategy": value},
                key=cell_key(item, {"strategy": value}), job_id=job)
        for index, (pair, item) in enumerate(zip(pairs, inputs, strict=True))
        for offset, (value, job) in enumerate((("none", pair.baseline_job_id), ("qwen", pair.enhanced_job_id)))])
    return {"runs": 1}


def seed_demo_labels() -> dict[str, int]:
    """``production`` on the active SDXL system template (a no-op when it is there already)."""
    template = PromptTemplate.objects.active().filter(model_family="sdxl", template_type="system").order_by(
        "use_case", "content_mode").first()
    if template is None:
        return {"label_moves": 0}
    _label, move = label_move(target=template, name="production", reason="Demo: the template in use.")
    return {"label_moves": int(move is not None)}
