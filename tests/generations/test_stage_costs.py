"""Each stage's cost, priced by the lifecycle at the rates in force when it completed, on the job and its usage row."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from configs.services import cost_rate_create
from generations import lifecycle
from generations.lifecycle import StageRecord
from generations.models import Job, PromptUsage
from tests.factories import JobFactory, PromptFactory, PromptVersionFactory

pytestmark = pytest.mark.django_db


def _enhance_record(tokens_in=12, tokens_out=40, ms=850) -> StageRecord:
    return StageRecord(model_family="qwen_base", use_case="enhancement", input_prompt="a cat",
                       output_prompt="a fluffy cat on a sofa, soft light", response_time_ms=ms, tokens_in=tokens_in,
                       tokens_out=tokens_out)


def _generate_record(ms=3600, family="sdxl", clip_ms=0) -> StageRecord:
    return StageRecord(model_family=family, use_case="text_to_image", input_prompt="a fluffy cat",
                       output_prompt="a fluffy cat, best quality", response_time_ms=ms, clip_time_ms=clip_ms)


def _run(job: Job, *, enhance: StageRecord | None, generate: StageRecord) -> Job:
    """Both stages as the worker records them: ``job_start`` has set the job processing before each."""
    if enhance is not None:
        Job.objects.filter(pk=job.pk).update(status="processing")
        job.refresh_from_db()
        lifecycle.job_enhanced(job=job, enhanced_prompt=enhance.output_prompt, record=enhance,
                               expansion=Decimal("10.00"))
    Job.objects.filter(pk=job.pk).update(status="processing")
    job.refresh_from_db()
    lifecycle.job_complete(job=job, outputs=[], record=generate, fields={})
    return Job.objects.get(pk=job.pk)


def _usage_costs(job: Job) -> dict:
    return dict(PromptUsage.objects.filter(job=job).values_list("stage", "cost"))


def test_both_stages_are_priced_at_the_seeded_rates_on_the_job_and_its_usage_rows():
    job = JobFactory(enhancement_strategy="qwen", status="queued")

    job = _run(job, enhance=_enhance_record(tokens_in=12, tokens_out=40), generate=_generate_record(ms=3600))

    # 52 tokens × $0.40 / 1,000,000 = $0.0000208 → 0.000021; 3,600 ms × $2.50 / 3,600,000 ms = $0.0025.
    assert (job.enhancement_cost, job.generation_cost) == (Decimal("0.000021"), Decimal("0.002500"))
    assert job.cost == Decimal("0.002521")
    assert Job.objects.with_cost().get(pk=job.pk).total_cost == Decimal("0.002521")
    assert _usage_costs(job) == {"enhance": Decimal("0.000021"), "generate": Decimal("0.002500")}


def test_a_job_without_enhancement_costs_its_generation_only():
    job = _run(JobFactory(model_type="WAN", job_type="text_to_video", status="queued"), enhance=None,
               generate=_generate_record(ms=90_000, family="wan"))

    assert (job.enhancement_cost, job.generation_cost, job.cost) == (None, Decimal("0.062500"), Decimal("0.062500"))
    assert JobFactory(status="queued").cost is None


def test_a_new_rate_changes_the_costs_of_later_stages_only():
    earlier = _run(JobFactory(enhancement_strategy="qwen", status="queued"), enhance=_enhance_record(),
                   generate=_generate_record(ms=7200))
    cost_rate_create(backend="sdxl", unit="per_gpu_hour", rate=Decimal("4.00"))
    cost_rate_create(backend="qwen", unit="per_million_tokens", rate=Decimal("1.00"))
    cost_rate_create(backend="sdxl", unit="per_gpu_hour", rate=Decimal("99"),
                     effective_from=timezone.now() + timedelta(days=1))  # not in force yet

    later = _run(JobFactory(enhancement_strategy="qwen", status="queued"), enhance=_enhance_record(),
                 generate=_generate_record(ms=7200))

    earlier.refresh_from_db()
    assert (earlier.enhancement_cost, earlier.generation_cost) == (Decimal("0.000021"), Decimal("0.005000"))
    assert _usage_costs(earlier) == {"enhance": Decimal("0.000021"), "generate": Decimal("0.005000")}
    # 52 tokens × $1 / 1M = 0.000052; 7,200 ms × $4 / 3.6M = 0.008.
    assert (later.enhancement_cost, later.generation_cost) == (Decimal("0.000052"), Decimal("0.008000"))
    assert _usage_costs(later) == {"enhance": Decimal("0.000052"), "generate": Decimal("0.008000")}


def test_clip_scoring_time_is_priced_at_the_clip_rate_once_there_is_one():
    unpriced = _run(JobFactory(status="queued"), enhance=None, generate=_generate_record(ms=3600, clip_ms=2000))
    cost_rate_create(backend="clip", unit="per_gpu_hour", rate=Decimal("1.80"))

    priced = _run(JobFactory(status="queued"), enhance=None, generate=_generate_record(ms=3600, clip_ms=2000))

    assert unpriced.generation_cost == Decimal("0.002500")  # no clip rate: scoring was never priced before
    assert priced.generation_cost == Decimal("0.003500")  # + 2,000 ms × $1.80 / 3.6M = 0.001


def test_qwen_priced_by_gpu_time_uses_the_rewrite_time():
    cost_rate_create(backend="qwen", unit="per_gpu_hour", rate=Decimal("3.60"))

    job = _run(JobFactory(enhancement_strategy="qwen", status="queued"), enhance=_enhance_record(ms=850),
               generate=_generate_record())

    assert job.enhancement_cost == Decimal("0.000850")  # 850 ms × $3.60 / 3.6M


def test_a_redelivered_stage_is_priced_once():
    job = JobFactory(enhancement_strategy="qwen", status="queued")
    _run(job, enhance=_enhance_record(), generate=_generate_record())

    job = _run(job, enhance=_enhance_record(tokens_in=100, tokens_out=150), generate=_generate_record(ms=1800))

    assert (job.enhancement_cost, job.generation_cost) == (Decimal("0.000100"), Decimal("0.001250"))
    assert _usage_costs(job) == {"enhance": Decimal("0.000100"), "generate": Decimal("0.001250")}


def test_usage_rows_carry_the_prompt_user_and_job_each_cost_is_attributed_by():
    PromptFactory(name="sdxl-prompt-enhancer")
    library_prompt = PromptFactory(name="portrait-lighting-guide")
    version = PromptVersionFactory(prompt=library_prompt, system_prompt="Add studio lighting.")
    job = _run(JobFactory(prompt_version=version, enhancement_strategy="qwen", status="queued"),
               enhance=_enhance_record(), generate=_generate_record())

    rows = sorted(PromptUsage.objects.filter(job=job).values_list("stage", "prompt", "job__prompt_version__prompt",
                                                                  "user", "job__model_type"))

    assert rows == [("enhance", library_prompt.pk, library_prompt.pk, job.user_id, "SDXL"),
                    ("generate", None, library_prompt.pk, job.user_id, "SDXL")]


@pytest.mark.slow
@pytest.mark.skipif(connection.vendor == "sqlite", reason=(
    "Migrating back past 0018 remakes the jobs table, which SQLite refuses while the analytics views read it; "
    "CI runs this on PostgreSQL."))
@pytest.mark.django_db(transaction=True)
def test_the_migration_fills_the_costs_of_earlier_jobs_from_their_usage_rows():
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes()
    executor.migrate([("generations", "0017_experiment_runs")])
    old = MigrationExecutor(connection).loader.project_state([("generations", "0017_experiment_runs")]).apps
    job_model, usage_model = old.get_model("generations", "Job"), old.get_model("generations", "PromptUsage")
    both = job_model.objects.create(job_type="text_to_image", model_type="SDXL", original_prompt="a cat")
    generated = job_model.objects.create(job_type="text_to_image", model_type="SDXL", original_prompt="a dog")
    untouched = job_model.objects.create(job_type="text_to_image", model_type="SDXL", original_prompt="a fox")
    for job, stage, cost in ((both, "enhance", "0.000021"), (both, "generate", "0.002500"),
                             (generated, "generate", "0.062500")):
        usage_model.objects.create(job=job, stage=stage, cost=Decimal(cost), user_prompt="x")

    MigrationExecutor(connection).migrate(latest)

    assert {job.original_prompt: (job.enhancement_cost, job.generation_cost)
            for job in Job.objects.filter(pk__in=[both.pk, generated.pk, untouched.pk])} == {
        "a cat": (Decimal("0.000021"), Decimal("0.002500")), "a dog": (None, Decimal("0.062500")),
        "a fox": (None, None)}
