"""The figures kept on ``compel_configs`` and ``enhancement_presets``, computed from jobs.

Each figure is recomputed from scratch for one row (the incremental path,
queued after a job that used the row finishes or is rated) or for every row
(``rollup_metrics``); both run the same function, so they always agree.

* ``compel_configs.total_tests`` = jobs with this ``compel_config`` (any status);
  ``avg_quality`` = sum / count of their ``quality_rating`` over rated jobs, half-up to 2 places;
  ``avg_consistency`` = ``analytics.rollups.quality.prompt_consistency`` of those jobs.
* ``enhancement_presets.usage_count`` = jobs run with the preset (``metadata["preset"]``, stamped at
  submit when the active configuration holds every value the preset sets);
  ``avg_quality_with_preset`` = sum / count of their ``quality_rating``, half-up to 2 places.
"""

from django.db.models import Count, Sum

from analytics.rollups.buckets import mean
from analytics.rollups.quality import prompt_consistency
from configs.models import CompelConfig, EnhancementPreset
from generations.models import Job


def compel_config_refresh(config_id) -> bool:
    """Recompute one Compel configuration's figures; True when they changed."""
    config = CompelConfig.objects.filter(pk=config_id).first()
    if config is None:
        return False
    jobs = Job.objects.filter(compel_config=config_id)
    row = jobs.aggregate(n=Count("pk"), total=Sum("quality_rating"), rated=Count("quality_rating"))
    figures = (row["n"], mean(row["total"], row["rated"]), prompt_consistency(jobs))
    if figures == (config.total_tests, config.avg_quality, config.avg_consistency):
        return False
    CompelConfig.objects.filter(pk=config_id).update(
        total_tests=figures[0], avg_quality=figures[1], avg_consistency=figures[2]
    )
    return True


def preset_refresh(preset_name: str) -> bool:
    """Recompute one preset's ``usage_count`` and ``avg_quality_with_preset``; True when they changed."""
    preset = EnhancementPreset.objects.filter(preset_name=preset_name).first()
    if preset is None:
        return False
    row = (Job.objects.filter(metadata__preset=preset_name)
           .aggregate(n=Count("pk"), total=Sum("quality_rating"), rated=Count("quality_rating")))
    figures = (row["n"], mean(row["total"], row["rated"]))
    if figures == (preset.usage_count, preset.avg_quality_with_preset):
        return False
    EnhancementPreset.objects.filter(pk=preset.pk).update(usage_count=figures[0], avg_quality_with_preset=figures[1])
    return True


def rebuild_aggregates() -> dict[str, int]:
    """Recompute every Compel configuration and preset; returns how many rows changed of each."""
    return {
        "compel_configs": sum(compel_config_refresh(pk) for pk in CompelConfig.objects.values_list("pk", flat=True)),
        "enhancement_presets": sum(
            preset_refresh(name) for name in EnhancementPreset.objects.values_list("preset_name", flat=True)
        ),
    }
