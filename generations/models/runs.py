"""Experiment runs: a set of inputs crossed with up to three axes of variants, one job per cell.

A run is the prompt engineer's grid (A1111's X/Y/Z plot, MLflow's run comparison): every input (a
pasted prompt or a prompt version) runs once per combination of the axes' values (strategy, seed,
steps, CFG, prompt version, template, Compel configuration, model configuration or preset, LoRA
weight). ``RunCell.key`` names a cell by its input and axis values, so two runs over the same inputs
and axes line up cell by cell (``generations.runs.runs_compare``).
"""

from django.conf import settings
from django.db import models
from django.db.models import F
from django.utils import timezone

from ourvidz_admin.choices import ModelType
from ourvidz_admin.db import UUIDModel, one_of


class ExperimentRun(UUIDModel):
    """A grid of jobs (``experiment_runs``): inputs × axes, submitted together on the normal queues."""

    name = models.CharField(max_length=120)
    model_type = models.CharField(max_length=20, choices=ModelType.choices)
    inputs = models.JSONField(help_text="The inputs, in order: [{prompt, prompt_version}], one row per grid row "
                                        "group.")
    axes = models.JSONField(default=list, blank=True,
                            help_text="Up to three axes, [{name, values}]: the first is the grid's columns, the "
                                      "second its rows, the third splits it into several grids.")
    shared = models.JSONField(default=dict, blank=True,
                                help_text="What every cell shares (strategy, LoRA name, tier, …) unless an axis "
                                          "sets it.")
    test_series = models.CharField(max_length=100, unique=True, help_text="Set on every job of the run.")
    baseline = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                 help_text="The run this one is compared with, cell by cell.")
    job_count = models.PositiveIntegerField(default=0)
    estimated_gpu_seconds = models.FloatField(null=True, blank=True,
                                              help_text="Estimated before submission, from recent jobs' times.")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "experiment_runs"
        ordering = ("-created_at",)
        indexes = [models.Index(F("created_at").desc(), "id", name="experiment_runs_created_idx")]
        constraints = [one_of("model_type", ModelType, "experiment_runs_model_type_valid")]

    def __str__(self):
        return self.name


class RunCell(models.Model):
    """One cell of a run: an input, one value per axis, and the job that ran it (``experiment_run_cells``)."""

    run = models.ForeignKey(ExperimentRun, on_delete=models.CASCADE, related_name="cells")
    position = models.PositiveIntegerField()
    input_index = models.PositiveIntegerField()
    values = models.JSONField(default=dict, blank=True, help_text="{axis name: value} of this cell.")
    key = models.CharField(max_length=500, help_text="The input and the axis values, to match runs cell by cell.")
    job = models.OneToOneField("generations.Job", null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="run_cell")

    class Meta:
        db_table = "experiment_run_cells"
        ordering = ("run", "position")
        constraints = [models.UniqueConstraint("run", "position", name="experiment_run_cells_unique_position"),
                       models.UniqueConstraint("run", "key", name="experiment_run_cells_unique_key")]

    def __str__(self):
        return f"{self.run} #{self.position}"
