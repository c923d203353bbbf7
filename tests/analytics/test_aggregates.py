"""Figures on compel_configs and enhancement_presets: one row at a time equals the full rebuild."""

from decimal import Decimal

import pytest

from analytics.rollups.aggregates import compel_config_refresh, preset_refresh, rebuild_aggregates
from configs.models import CompelConfig, EnhancementPreset
from configs.services import preset_apply
from generations.services import job_submit
from ourvidz_admin.choices import EnhancementStrategy as S
from tests.factories import (
    CompelConfigFactory,
    EnhancedModelConfigFactory,
    EnhancementPresetFactory,
    JobFactory,
    ModelBackendFactory,
)

pytestmark = pytest.mark.django_db


def test_compel_config_figures_count_jobs_rate_and_consistency():
    config, other = CompelConfigFactory(), CompelConfigFactory()
    for prompt, stars in [("fox", 5), ("fox", 3), ("owl", 4), ("owl", 4), ("owl", None)]:
        JobFactory(compel_config=config, enhancement_strategy=S.COMPEL, original_prompt=prompt, quality_rating=stars)
    JobFactory(compel_config=other, enhancement_strategy=S.COMPEL, quality_rating=1)

    changed = compel_config_refresh(config.pk)
    unchanged = compel_config_refresh(config.pk)

    config.refresh_from_db()
    assert (changed, unchanged) == (True, False)
    assert (config.total_tests, config.avg_quality, config.avg_consistency) == (5, Decimal("4.00"), Decimal("0.75"))
    # fox: σ = 1 → 0.50; owl: σ = 0 → 1.00; mean 0.75


def test_rebuild_equals_refreshing_each_row():
    configs = [CompelConfigFactory() for _ in range(3)]
    for n, config in enumerate(configs):
        for stars in range(1, n + 3):
            JobFactory(compel_config=config, original_prompt=f"p{stars % 2}", quality_rating=stars)
    for config in configs:
        compel_config_refresh(config.pk)
    one_by_one = list(CompelConfig.objects.order_by("pk").values_list("total_tests", "avg_quality", "avg_consistency"))
    CompelConfig.objects.update(total_tests=0, avg_quality=None, avg_consistency=None)

    changed = rebuild_aggregates()

    assert changed["compel_configs"] == 3
    assert list(CompelConfig.objects.order_by("pk").values_list(
        "total_tests", "avg_quality", "avg_consistency")) == one_by_one


def test_jobs_submitted_under_a_config_holding_a_preset_count_for_it(tmp_path):
    ModelBackendFactory(family="sdxl")
    preset = EnhancementPresetFactory(preset_name="Crisp", enable_qwen=False, enable_compel=True,
                                      auto_enhancement=True, compel_weights={"quality": 1.5})
    config = EnhancedModelConfigFactory(is_active=True)
    before = job_submit(prompt="a lighthouse", model_type="SDXL")
    preset_apply(preset=preset, config=config, changed_by=None)
    from configs.selectors import clear_cache

    clear_cache()
    during = [job_submit(prompt="a lighthouse at dusk", model_type="SDXL") for _ in range(2)]
    during[0].quality_rating = 4
    during[0].save()

    preset_refresh("Crisp")

    preset.refresh_from_db()
    assert before.metadata["preset"] == "Quality Focus"  # the built-in preset holds the default values
    assert [job.metadata["preset"] for job in during] == ["Crisp", "Crisp"]
    assert (preset.usage_count, preset.avg_quality_with_preset) == (2, Decimal("4.00"))
    assert EnhancementPreset.objects.get(preset_name="Disabled").usage_count == 0
    assert preset_refresh("Quality Focus") is True
    assert EnhancementPreset.objects.get(preset_name="Quality Focus").usage_count == 1
