"""Reads of experiment runs: the grid as pages and the contact sheet lay it out, and run-vs-run deltas.

The grid puts the first axis on the columns, the second on the rows and the third into separate grids,
one block per input (and third-axis value). Only axes with two values or more are headers ("the
settings that differ"); single-valued axes and the run's shared settings are listed once above. Means,
success rates and times of each row and column are over its cells. ``runs_compare`` matches two runs'
cells by ``RunCell.key`` (same input, same axis values): formulas in docs/metrics.md, "Experiment runs".
"""

import statistics
import uuid
from dataclasses import dataclass, field

from django.db.models import Prefetch

from generations.models import ExperimentRun, GenerationImageOutput, RunCell
from ourvidz_admin.choices import JobStatus

_NONE = object()


@dataclass
class CellView:
    """One cell as the grid shows it."""

    position: int
    input_index: int
    values: dict
    key: str
    job_id: str | None
    status: str
    stars: float | None
    my_stars: int | None
    clip_score: float | None
    time_ms: int | None
    output: GenerationImageOutput | None

    @property
    def finished(self) -> bool:
        return self.status in (JobStatus.COMPLETED, JobStatus.FAILED)


@dataclass
class Summary:
    """Mean stars, success and mean time over a set of cells."""

    cells: int
    rated: int
    stars: float | None
    success: float | None
    time_ms: float | None
    clip_score: float | None


@dataclass
class Slot:
    """One place of the grid: its cell, or with a seed axis one cell per seed and their spread."""

    cells: list[CellView]

    @property
    def stars(self) -> list[float]:
        return [cell.stars for cell in self.cells if cell.stars is not None]

    @property
    def mean(self) -> float | None:
        return statistics.fmean(self.stars) if self.stars else None

    @property
    def spread(self) -> float | None:
        """Highest minus lowest stars over the seeds (None under two rated seeds)."""
        return max(self.stars) - min(self.stars) if len(self.stars) >= 2 else None

    @property
    def sd(self) -> float | None:
        return statistics.stdev(self.stars) if len(self.stars) >= 2 else None


@dataclass
class Row:
    """One row of a grid: its value of the row axis, a slot (or None) per column, and the row's summary
    over every block (all inputs and third-axis values), as the grid's "row" column shows it."""

    value: object
    slots: list
    summary: Summary


@dataclass
class Block:
    """One grid: an input (and a third-axis value), rows × columns of slots."""

    title: str
    z_value: object
    rows: list[Row]


@dataclass
class Grid:
    run: ExperimentRun
    columns: list
    column_axis: str | None
    row_axis: str | None
    z_axis: str | None
    constant: dict
    seeds: list = field(default_factory=list)  # a seed axis' values: replicates inside each slot
    blocks: list[Block] = field(default_factory=list)
    column_summaries: list[Summary] = field(default_factory=list)
    total: Summary | None = None


def summarize(cells: list[CellView]) -> Summary:
    """Mean stars of the rated cells, completed among finished, mean time and CLIP of the completed ones."""
    rated = [cell.stars for cell in cells if cell.stars is not None]
    finished = [cell for cell in cells if cell.finished]
    done = [cell for cell in finished if cell.status == JobStatus.COMPLETED]
    times = [cell.time_ms for cell in done if cell.time_ms is not None]
    clips = [cell.clip_score for cell in done if cell.clip_score is not None]
    return Summary(
        cells=len(cells), rated=len(rated), stars=statistics.fmean(rated) if rated else None,
        success=len(done) / len(finished) if finished else None, time_ms=statistics.fmean(times) if times else None,
        clip_score=statistics.fmean(clips) if clips else None)


def run_cells(*, run: ExperimentRun, rater=None) -> list[CellView]:
    """Every cell of a run with its job's status, stars (the raters' mean), CLIP, time and first output.

    Three queries (four with ``rater``, whose own stars come as ``my_stars``).
    """
    from generations.models import JobRating

    outputs = GenerationImageOutput.objects.order_by("order_index")
    cells = list(RunCell.objects.filter(run=run).order_by("position").select_related("job").only(
        "position", "input_index", "values", "key", "job__id", "job__status", "job__rating_mean",
        "job__clip_score", "job__inference_time_ms", "job__enhancement_time_ms")
        .prefetch_related(Prefetch("job__outputs", queryset=outputs)))
    mine = {}
    if rater is not None:
        mine = dict(JobRating.objects.filter(rater=rater, job_id__in=[c.job_id for c in cells if c.job_id],
                                             stars__isnull=False).values_list("job_id", "stars"))
    views = []
    for cell in cells:
        job = cell.job
        time_ms = None if job is None or job.inference_time_ms is None else (
            job.inference_time_ms + (job.enhancement_time_ms or 0))
        views.append(CellView(
            position=cell.position, input_index=cell.input_index, values=cell.values, key=cell.key,
            job_id=str(job.pk) if job else None, status=job.status if job else "missing",
            stars=float(job.rating_mean) if job is not None and job.rating_mean is not None else None,
            my_stars=mine.get(job.pk) if job else None, clip_score=job.clip_score if job else None,
            time_ms=time_ms, output=next(iter(job.outputs.all()), None) if job else None))
    return views


def run_id_parse(text) -> uuid.UUID | None:
    """The run id ``text`` spells (a UUID, any of its written forms), or None when it is not one.

    Admin pages, the API and the commands read run ids from people; a malformed one is "no such run",
    never a database error.
    """
    try:
        return uuid.UUID(str(text))
    except ValueError:
        return None


def input_label(run: ExperimentRun, index: int) -> str:
    item = run.inputs[index]
    return item["prompt"] or f"prompt version {item['prompt_version'][-8:]}"


def run_grid(*, run: ExperimentRun, rater=None) -> Grid:
    """The run laid out as grids, with per-row and per-column summaries."""
    cells = run_cells(run=run, rater=rater)
    seeds = next((axis["values"] for axis in run.axes if axis["name"] == "seed" and len(axis["values"]) > 1), [])
    varying = [axis for axis in run.axes if len(axis["values"]) > 1 and not (seeds and axis["name"] == "seed")]
    constant = {axis["name"]: axis["values"][0] for axis in run.axes if len(axis["values"]) == 1}
    shared = dict(run.shared or {})
    if not shared.get("lora"):
        shared.pop("lora_weight", None)
    named = {axis["name"] for axis in run.axes} | ({"strategy"} if "strategy" in constant else set())
    constant |= {key: value for key, value in shared.items() if value not in ("", None, {}, [])
                 and key not in named and not (key == "lora_weight" and "lora_weight" in named)}
    x, y, z = (varying + [None, None, None])[:3]
    columns = x["values"] if x else [_NONE]
    rows = y["values"] if y else [_NONE]
    zs = z["values"] if z else [_NONE]

    def value(cell, axis):
        return cell.values.get(axis["name"]) if axis else _NONE

    index: dict = {}
    for cell in cells:
        index.setdefault((cell.input_index, value(cell, z), value(cell, y), value(cell, x)), []).append(cell)
    grid = Grid(run=run, columns=[None if c is _NONE else c for c in columns], column_axis=x and x["name"],
                row_axis=y and y["name"], z_axis=z and z["name"], constant=constant, seeds=seeds)
    row_summaries = [summarize([c for c in cells if value(c, y) == row]) for row in rows]
    for input_index in range(len(run.inputs)):
        for z_value in zs:
            title = input_label(run, input_index) + ("" if z_value is _NONE else f" · {z['name']} = {z_value}")
            grid.blocks.append(Block(title, None if z_value is _NONE else z_value, [
                Row(None if row is _NONE else row, [Slot(index[key]) if (key := (input_index, z_value, row, column))
                                                    in index else None for column in columns], summary)
                for row, summary in zip(rows, row_summaries, strict=True)]))
    grid.column_summaries = [summarize([c for c in cells if value(c, x) == column]) for column in columns]
    grid.total = summarize(cells)
    return grid


@dataclass
class CellDelta:
    key: str
    label: str
    baseline: CellView | None
    new: CellView | None
    stars_delta: float | None
    clip_delta: float | None
    time_delta_ms: float | None
    regressed: bool


@dataclass
class Comparison:
    baseline: ExperimentRun
    new: ExperimentRun
    rows: list[CellDelta]
    baseline_summary: Summary
    new_summary: Summary
    matched: int
    max_drop: float
    problems: list[str]

    @property
    def regressed(self) -> bool:
        return bool(self.problems)


def _delta(a, b):
    return None if a is None or b is None else b - a


def runs_compare(*, baseline: ExperimentRun, new: ExperimentRun, max_drop: float = 0.25,
                 max_success_drop: float = 0.0) -> Comparison:
    """``new`` against ``baseline`` cell by cell (same key). A cell regresses when its stars fall by more
    than ``max_drop`` or it failed where the baseline completed; the run regresses when the mean stars
    over the matched rated cells fall by more than ``max_drop`` or the success rate over the matched
    finished cells falls by more than ``max_success_drop`` (a share, 0-1)."""
    old_cells = {cell.key: cell for cell in run_cells(run=baseline)}
    new_cells = run_cells(run=new)
    rows, matched_old, matched_new = [], [], []
    for cell in new_cells:
        before = old_cells.get(cell.key)
        if before is not None:
            matched_old.append(before)
            matched_new.append(cell)
        stars = _delta(before.stars if before else None, cell.stars)
        failed_now = before is not None and before.status == JobStatus.COMPLETED and cell.status == JobStatus.FAILED
        label = input_label(new, cell.input_index) + "".join(f" · {k}={v}" for k, v in cell.values.items())
        rows.append(CellDelta(
            key=cell.key, label=label, baseline=before, new=cell, stars_delta=stars,
            clip_delta=_delta(before.clip_score if before else None, cell.clip_score),
            time_delta_ms=_delta(before.time_ms if before else None, cell.time_ms),
            regressed=failed_now or (stars is not None and stars < -max_drop)))
    both_rated = [(a, b) for a, b in zip(matched_old, matched_new, strict=True) if a.stars is not None
                  and b.stars is not None]
    before_summary, after_summary = summarize(matched_old), summarize(matched_new)
    problems = []
    if both_rated:
        drop = statistics.fmean(a.stars for a, _b in both_rated) - statistics.fmean(b.stars for _a, b in both_rated)
        if drop > max_drop:
            problems.append(f"Mean stars fell by {drop:.2f} over {len(both_rated)} cells rated in both runs "
                            f"(limit {max_drop:.2f}).")
    if before_summary.success is not None and after_summary.success is not None and \
            before_summary.success - after_summary.success > max_success_drop:
        problems.append(f"Success fell from {before_summary.success:.1%} to {after_summary.success:.1%} "
                        f"(limit {max_success_drop:.1%}).")
    return Comparison(baseline=baseline, new=new, rows=rows, baseline_summary=before_summary,
                      new_summary=after_summary, matched=len(matched_new), max_drop=max_drop, problems=problems)
