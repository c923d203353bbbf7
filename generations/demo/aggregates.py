"""Usage figures kept on Compel configurations and enhancement presets, recomputed from jobs."""

from django.db.models import Count, Q, Sum

from analytics.models import EnhancedPromptTest
from analytics.rollups import mean
from configs.models import CompelConfig, EnhancementPreset
from generations.models import Job


def refresh_compel_stats() -> int:
    """Set every Compel configuration's figures from the rows that used it.

    ``total_tests`` = jobs with this ``compel_config``; ``avg_quality`` = sum / count of their
    ``quality_rating`` (rated jobs), 2 places; ``avg_consistency`` = mean ``consistency_score`` of the
    enhanced prompt tests with its ``weight_config_hash``, 2 places. Returns the rows changed.
    """
    jobs = {row["compel_config"]: row for row in Job.objects.filter(compel_config__isnull=False)
            .values("compel_config").annotate(n=Count("pk"), total=Sum("quality_rating"),
                                              rated=Count("quality_rating")).order_by()}
    tests = {row["weight_config_hash"]: row for row in EnhancedPromptTest.objects.exclude(weight_config_hash="")
             .values("weight_config_hash").annotate(total=Sum("consistency_score"),
                                                    n=Count("consistency_score")).order_by()}
    changed = []
    for config in CompelConfig.objects.all():
        used, tested = jobs.get(config.pk, {}), tests.get(config.config_hash, {})
        figures = (used.get("n", 0), mean(used.get("total"), used.get("rated")),
                   mean(tested.get("total"), tested.get("n")))
        if figures != (config.total_tests, config.avg_quality, config.avg_consistency):
            config.total_tests, config.avg_quality, config.avg_consistency = figures
            changed.append(config)
    CompelConfig.objects.bulk_update(changed, ["total_tests", "avg_quality", "avg_consistency"])
    return len(changed)


def refresh_preset_stats() -> int:
    """Set each preset's ``usage_count`` (jobs whose ``metadata["preset"]`` names it) and
    ``avg_quality_with_preset`` (sum / count of their ``quality_rating``, 2 places), in one scan of jobs.
    Returns the rows changed.
    """
    presets = list(EnhancementPreset.objects.all())
    aggregates = {}
    for n, preset in enumerate(presets):
        used = Q(metadata__preset=preset.preset_name)
        aggregates |= {f"n{n}": Count("pk", filter=used), f"s{n}": Sum("quality_rating", filter=used),
                       f"r{n}": Count("quality_rating", filter=used)}
    figures = Job.objects.aggregate(**aggregates) if aggregates else {}
    changed = []
    for n, preset in enumerate(presets):
        new = (figures[f"n{n}"], mean(figures[f"s{n}"], figures[f"r{n}"]))
        if new != (preset.usage_count, preset.avg_quality_with_preset):
            preset.usage_count, preset.avg_quality_with_preset = new
            changed.append(preset)
    EnhancementPreset.objects.bulk_update(changed, ["usage_count", "avg_quality_with_preset"])
    return len(changed)
