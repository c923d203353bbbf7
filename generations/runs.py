"""Experiment runs: plan a grid (inputs × up to three axes), check every cell, submit it, read it back.

``run_plan`` turns what a person typed (axes as ``name=v1,v2``) into cells and checks each one with the
same ``job_submit`` that submits it, inside a transaction that is rolled back: the job count, the
estimated GPU time and every problem are known before anything is written or queued. ``run_create``
does the same and keeps it (all or nothing). Seeds: without a seed axis, an input's seed is the first 4
bytes of SHA-256 of its text (or its prompt version's id), so two runs over the same inputs use the same
seeds and line up cell by cell (``RunCell.key``).
"""

import hashlib
import itertools
import json
import statistics
import uuid
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from configs.models import CompelConfig, EnhancedModelConfig
from configs.selectors import preset_in_use
from generations.models import ExperimentRun, Job, RunCell
from generations.services import job_submit
from generations.validation import JOB_RANGES
from ourvidz_admin.choices import EnhancementStrategy, JobStatus, ModelType
from prompts.models import PromptTemplate, PromptVersion

MAX_AXES = 3
MAX_VALUES = 20
MAX_JOBS = 500
MAX_INPUTS = 100
# Seconds per job when no recent job of the model says better (an SDXL image, a WAN clip on one GPU).
DEFAULT_SECONDS = {ModelType.SDXL: 8.0, ModelType.WAN: 60.0}
AXES = {
    "strategy": "enhancement strategy (none, qwen, compel, hybrid)",
    "seed": "seed (0 to 4294967295)",
    "steps": f"inference steps ({JOB_RANGES['steps'][0]}-{JOB_RANGES['steps'][1]})",
    "cfg": f"guidance scale ({JOB_RANGES['guidance'][0]:g}-{JOB_RANGES['guidance'][1]:g})",
    "prompt_version": "prompt version id",
    "template": "prompt template id (an active template of the run's model)",
    "compel_config": "Compel configuration (name or id; compel and hybrid strategies)",
    "model_config": "enhanced model configuration (name or id)",
    "preset": "enhancement preset (name) a model configuration of the run's model has applied",
    "lora_weight": "weight of the run's LoRA (0-2)",
}


class _Rollback(Exception):
    """Raised to undo a checked plan."""


@dataclass
class Plan:
    """A checked grid: its cells, the job count and the estimated GPU time."""

    model_type: str
    inputs: list[dict]
    axes: list[dict]
    shared: dict
    cells: list[dict] = field(default_factory=list)
    estimated_gpu_seconds: float = 0.0
    estimate_source: str = ""

    @property
    def job_count(self) -> int:
        return len(self.cells)


def axis_parse(text: str) -> dict:
    """``"steps=20,30"`` → ``{"name": "steps", "values": ["20", "30"]}``; errors name the axis."""
    name, sep, values = str(text).partition("=")
    name = name.strip().lower().replace("-", "_")
    if not sep or not name:
        raise ValidationError({"axes": f"{text!r}: write an axis as NAME=V1,V2 (names: {', '.join(AXES)})."})
    return {"name": name, "values": [value.strip() for value in values.split(",") if value.strip()]}


def _number(axis: str, raw, kind, low, high):
    try:
        value = kind(str(raw).strip())
    except (TypeError, ValueError):
        raise ValidationError({f"axes.{axis}": f"{raw!r} is not a valid {AXES[axis]}."}) from None
    if not low <= value <= high:
        raise ValidationError({f"axes.{axis}": f"{raw!r} is out of range: {AXES[axis]}."})
    return value


def _row(model, raw, axis: str, *, by_name: str | None = None):
    text = str(raw).strip()
    try:
        row = model.objects.filter(pk=uuid.UUID(text)).first()
    except ValueError:
        row = model.objects.filter(**{by_name: text}).first() if by_name else None
    if row is None:
        raise ValidationError({f"axes.{axis}": f"No {AXES[axis]} {text!r}."})
    return row


def _axis_value(axis: str, raw, model_type: str):
    """The stored value of one axis value (a number or a string) and the ``job_submit`` arguments it sets."""
    if axis == "strategy":
        if str(raw) not in EnhancementStrategy.values:
            raise ValidationError({f"axes.{axis}": f"{raw!r} is not a strategy: {', '.join(EnhancementStrategy)}."})
        return str(raw), {"strategy": str(raw)}
    if axis == "seed":
        value = _number(axis, raw, int, 0, 2**32 - 1)
        return value, {"seed": value}
    if axis == "steps":
        value = _number(axis, raw, int, *JOB_RANGES["steps"])
        return value, {"steps": value}
    if axis == "cfg":
        value = _number(axis, raw, float, *JOB_RANGES["guidance"])
        return value, {"guidance": value}
    if axis == "lora_weight":
        value = _number(axis, raw, float, 0.0, 2.0)
        return value, {"lora_weight": value}
    if axis == "prompt_version":
        version = _row(PromptVersion, raw, axis)
        return str(version.pk), {"prompt_version": version}
    if axis == "template":
        template = _row(PromptTemplate, raw, axis)
        return str(template.pk), {"templates": [template]}
    if axis == "compel_config":
        config = _row(CompelConfig, raw, axis, by_name="config_name")
        return config.config_name, {"compel_config": config}
    if axis == "model_config":
        config = _row(EnhancedModelConfig, raw, axis, by_name="config_name")
        return config.config_name, {"model_config": config}
    if axis == "preset":
        configs = [c for c in EnhancedModelConfig.objects.filter(model_type=model_type).order_by("config_name")
                   if preset_in_use(c) == str(raw).strip()]
        if not configs:
            raise ValidationError({f"axes.{axis}": f"No {model_type} model configuration has preset {raw!r} "
                                                   "applied: apply it to one first, or use a model_config axis."})
        return str(raw).strip(), {"model_config": configs[0]}
    raise ValidationError({"axes": f"Unknown axis {axis!r}; use one of: {', '.join(AXES)}."})


def _axes_check(axes, model_type: str) -> tuple[list[dict], list[list[tuple]]]:
    """The axes as stored and, per axis, its (value, job arguments) list; all problems at once."""
    if len(axes) > MAX_AXES:
        raise ValidationError({"axes": f"At most {MAX_AXES} axes (columns, rows, grids); got {len(axes)}."})
    errors, stored, choices = {}, [], []
    for axis in axes:
        name, values = axis.get("name", ""), list(axis.get("values") or [])
        if name not in AXES:
            errors.setdefault("axes", []).append(f"Unknown axis {name!r}; use one of: {', '.join(AXES)}.")
            continue
        if name in {row["name"] for row in stored}:
            errors.setdefault("axes", []).append(f"Axis {name!r} is given twice; list its values once.")
            continue
        if not values or len(values) > MAX_VALUES:
            errors.setdefault(f"axes.{name}", []).append(f"Give 1 to {MAX_VALUES} values.")
            continue
        parsed = []
        for raw in values:
            try:
                parsed.append(_axis_value(name, raw, model_type))
            except ValidationError as exc:
                for key, messages in exc.message_dict.items():
                    errors.setdefault(key, []).extend(messages)
        if len({json.dumps(value) for value, _kwargs in parsed}) < len(parsed):
            errors.setdefault(f"axes.{name}", []).append("A value is listed twice.")
        stored.append({"name": name, "values": [value for value, _kwargs in parsed]})
        choices.append(parsed)
    if errors:
        raise ValidationError(errors)
    return stored, choices


def _inputs_check(prompts, tag: str) -> list[dict]:
    """Pasted prompts and the active prompt versions tagged ``tag`` (a suite), in that order."""
    inputs = [{"prompt": str(text).strip(), "prompt_version": None} for text in prompts or [] if str(text).strip()]
    if tag:
        versions = list(PromptVersion.objects.active().filter(tags__name=tag).order_by("created_at", "id")
                        .distinct())
        if not versions:
            raise ValidationError({"tag": f"No active prompt version is tagged {tag!r}."})
        inputs += [{"prompt": "", "prompt_version": str(version.pk)} for version in versions]
    if not inputs:
        raise ValidationError({"prompts": "Give at least one prompt, or a tag whose versions are the inputs."})
    if len(inputs) > MAX_INPUTS:
        raise ValidationError({"prompts": f"{len(inputs)} inputs; the limit is {MAX_INPUTS}."})
    return inputs


def input_seed(item: dict) -> int:
    """The seed of an input when no seed axis is given: 32 bits of SHA-256 of its text or version id."""
    basis = item["prompt_version"] or item["prompt"]
    return int.from_bytes(hashlib.sha256(basis.encode()).digest()[:4], "big")


def cell_key(item: dict, values: dict) -> str:
    """The cell's identity across runs: a digest of the input, then the axis values in name order."""
    basis = item["prompt_version"] or item["prompt"]
    parts = [f"input={hashlib.sha256(basis.encode()).hexdigest()[:16]}"]
    parts += [f"{name}={json.dumps(values[name])}" for name in sorted(values)]
    return "|".join(parts)[:500]


def _estimate(model_type: str, cells: list[dict]) -> tuple[float, str]:
    """GPU seconds for the cells: the median time of the model's last 200 completed jobs, scaled by steps."""
    recent = list(Job.objects.filter(model_type=model_type, status=JobStatus.COMPLETED,
                                     inference_time_ms__isnull=False).order_by("-created_at")
                  .values_list("inference_time_ms", "enhancement_time_ms", "num_inference_steps")[:200])
    if recent:
        per_job = statistics.median((inference + (enhance or 0)) / 1000 for inference, enhance, _steps in recent)
        steps = statistics.median(steps for *_times, steps in recent if steps) if any(r[2] for r in recent) else None
        source = f"median of the last {len(recent)} completed {model_type} jobs"
    else:
        per_job, steps, source = DEFAULT_SECONDS[model_type], None, "a default guess (no completed job yet)"
    total = 0.0
    for cell in cells:
        scale = cell["values"].get("steps", steps) / steps if steps and "steps" in cell["values"] else 1.0
        total += per_job * scale
    return total, source


def _submit_cell(plan: Plan, cell: dict, user, series: str) -> Job:
    item = plan.inputs[cell["input_index"]]
    kwargs = {"strategy": plan.shared.get("strategy", EnhancementStrategy.NONE), "seed": input_seed(item),
              **{key: value for key, value in cell["kwargs"].items() if key != "lora_weight"}}
    if "lora_weight" in cell["kwargs"]:
        kwargs["loras"] = [(plan.shared["lora"], cell["kwargs"]["lora_weight"])]
    elif plan.shared.get("lora"):
        kwargs["loras"] = [(plan.shared["lora"], plan.shared.get("lora_weight", 1.0))]
    version = kwargs.pop("prompt_version", None) or (
        PromptVersion.objects.get(pk=item["prompt_version"]) if item["prompt_version"] else None)
    return job_submit(prompt=item["prompt"], model_type=plan.model_type, prompt_version=version, user=user,
                      test_series=series, variables=plan.shared.get("variables") or None,
                      tier=plan.shared.get("tier") or None, **kwargs)


def _describe(plan: Plan, cell: dict) -> str:
    item = plan.inputs[cell["input_index"]]
    name = item["prompt"][:40] or f"version {item['prompt_version']}"
    values = ", ".join(f"{key}={value}" for key, value in cell["values"].items())
    return f"Cell {cell['position']} ({name!r}{', ' + values if values else ''})"


def _submit_all(plan: Plan, user, series: str) -> list[Job]:
    """Submit every cell in its own savepoint, collecting each cell's problems; raise them all at the end."""
    jobs, problems = [], []
    for cell in plan.cells:
        try:
            with transaction.atomic():
                jobs.append(_submit_cell(plan, cell, user, series))
        except ValidationError as exc:
            problems.append(f"{_describe(plan, cell)}: {' '.join(exc.messages)}")
    if problems:
        shown = problems[:20] + ([f"… and {len(problems) - 20} more."] if len(problems) > 20 else [])
        raise ValidationError({"cells": shown})
    return jobs


def _plan(*, model_type: str, prompts=(), tag: str = "", axes=(), strategy: str = EnhancementStrategy.NONE,
          lora: str = "", lora_weight: float = 1.0, variables=None, tier: str = "") -> Plan:
    errors = {}
    if model_type not in ModelType.values:
        raise ValidationError({"model_type": f"Unknown model {model_type!r}; use {' or '.join(ModelType.values)}."})
    try:
        inputs = _inputs_check(prompts, tag)
    except ValidationError as exc:
        errors.update(exc.message_dict)
        inputs = []
    parsed = [axis_parse(axis) if isinstance(axis, str) else axis for axis in axes or []]
    try:
        stored, choices = _axes_check(parsed, model_type)
    except ValidationError as exc:
        errors.update(exc.message_dict)
        stored, choices = [], []
    if strategy not in EnhancementStrategy.values:
        errors["strategy"] = [f"Unknown strategy {strategy!r}; use one of: {', '.join(EnhancementStrategy)}."]
    if any(axis["name"] == "lora_weight" for axis in stored) and not lora:
        errors["lora"] = ["A lora_weight axis needs the LoRA it weighs (lora)."]
    if errors:
        raise ValidationError(errors)
    shared = {"strategy": strategy, "lora": lora, "lora_weight": lora_weight, "variables": variables or {},
              "tier": tier}
    plan = Plan(model_type=model_type, inputs=inputs, axes=stored, shared=shared)
    combos = list(itertools.product(*choices)) if choices else [()]
    if len(inputs) * len(combos) > MAX_JOBS:
        raise ValidationError({"axes": f"{len(inputs)} inputs × {len(combos)} combinations = "
                                       f"{len(inputs) * len(combos):,} jobs; the limit is {MAX_JOBS}."})
    for index, item in enumerate(inputs):
        for combo in combos:
            values = {axis["name"]: value for axis, (value, _kwargs) in zip(stored, combo, strict=True)}
            kwargs = {key: value for _value, part in combo for key, value in part.items()}
            plan.cells.append({"position": len(plan.cells) + 1, "input_index": index, "values": values,
                               "kwargs": kwargs, "key": cell_key(item, values)})
    plan.estimated_gpu_seconds, plan.estimate_source = _estimate(model_type, plan.cells)
    return plan


def run_plan(**values) -> Plan:
    """Check a grid without writing or queueing anything: every cell goes through ``job_submit`` in a
    transaction that is then rolled back. Raises ``ValidationError`` naming each problem."""
    plan = _plan(**values)
    try:
        with transaction.atomic():
            _submit_all(plan, None, f"run-check:{uuid.uuid4().hex[:8]}")
            raise _Rollback
    except _Rollback:
        pass
    return plan


@transaction.atomic
def run_create(*, name: str = "", user=None, baseline: ExperimentRun | None = None, **values) -> ExperimentRun:
    """Check and submit a grid, all or nothing: the run, its cells and one queued job per cell."""
    plan = _plan(**values)
    run = ExperimentRun(name=(name or "").strip()[:120] or f"{plan.model_type} grid {timezone.now():%Y-%m-%d %H:%M}",
                        model_type=plan.model_type, inputs=plan.inputs, axes=plan.axes, shared=plan.shared,
                        job_count=plan.job_count, estimated_gpu_seconds=plan.estimated_gpu_seconds,
                        created_by=user, baseline=baseline)
    run.test_series = f"run:{run.pk.hex[-8:]}"
    run.full_clean()
    run.save()
    jobs = _submit_all(plan, user, run.test_series)
    RunCell.objects.bulk_create([
        RunCell(run=run, position=cell["position"], input_index=cell["input_index"], values=cell["values"],
                key=cell["key"], job=job) for cell, job in zip(plan.cells, jobs, strict=True)], batch_size=500)
    return run


@transaction.atomic
def run_set_baseline(*, run: ExperimentRun, baseline: ExperimentRun | None) -> ExperimentRun:
    """Pin ``baseline`` as the run ``run`` is compared with (None unpins); a run is not its own baseline."""
    if baseline is not None and baseline.pk == run.pk:
        raise ValidationError({"baseline": "A run cannot be its own baseline."})
    if baseline is not None and baseline.model_type != run.model_type:
        raise ValidationError({"baseline": f"The baseline ran {baseline.model_type}; this run {run.model_type}."})
    run.baseline = baseline
    run.save(update_fields=["baseline"])
    return run
