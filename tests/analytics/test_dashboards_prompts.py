"""Enhanced Prompt Analytics: Qwen tracking, Compel weight analysis and A/B results, page and figures."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from analytics.dashboards.enhanced_prompts import ab_test_results, compel_weight_analysis, qwen_tracking
from tests.factories import CompelConfigFactory, JobFactory, PromptABTestFactory

pytestmark = pytest.mark.django_db
URL = reverse("admin:analytics_enhanced_prompts")


def _qwen_job(minutes_ago: int, strategy: str = "qwen", **fields):
    return JobFactory(created_at=timezone.now() - timedelta(minutes=minutes_ago), enhancement_strategy=strategy,
                      original_prompt="woman", enhanced_prompt="a woman in a sunlit field, " * 4, **fields)


@pytest.fixture
def dataset():
    jobs = {
        "old_qwen": _qwen_job(30, qwen_expansion_percentage=Decimal("2000.00"), quality_rating=4,
                              quality_improvement=Decimal("0.80"), enhancement_time_ms=12_300),
        "hybrid": _qwen_job(20, "hybrid", qwen_expansion_percentage=Decimal("2020.00"),
                            quality_improvement=Decimal("-0.10")),
        "new_qwen": _qwen_job(10, qwen_expansion_percentage=Decimal("2000.00")),
    }
    JobFactory(enhancement_strategy="qwen", enhanced_prompt="")  # queued, not rewritten yet: left out
    JobFactory(enhancement_strategy="compel", enhanced_prompt="a compel prompt")  # not Qwen: left out
    configs = {
        "best": CompelConfigFactory(config_name="Quality 1.2x", weights={"quality": 1.2}, avg_quality=Decimal("4.80"),
                                    avg_consistency=Decimal("0.85"), total_tests=12),
        "good": CompelConfigFactory(config_name="Detail 1.5x", weights={"detail": 1.5}, avg_quality=Decimal("4.10"),
                                    avg_consistency=Decimal("0.72"), total_tests=30),
        "new": CompelConfigFactory(config_name="Untested", weights={"quality": 1.1}),
    }
    tests = {
        "couples": PromptABTestFactory(test_name="Couples", baseline_avg_quality=Decimal("3.20"),
                                       enhanced_avg_quality=Decimal("4.10"), quality_improvement=Decimal("0.90"),
                                       confidence_level=Decimal("0.97"), is_complete=True, status="complete",
                                       created_at=timezone.now() - timedelta(days=2)),
        "draft": PromptABTestFactory(test_name="Shower", status="draft"),
    }
    return jobs, configs, tests


def test_qwen_tracking_newest_rewritten_jobs(dataset):
    jobs, _configs, _tests = dataset

    rows = qwen_tracking(limit=2)

    assert [row["id"] for row in rows] == [jobs["new_qwen"].pk, jobs["hybrid"].pk]
    assert qwen_tracking(limit=10)[2] | {"created_at": None} == {
        "id": jobs["old_qwen"].pk, "created_at": None, "model_type": "SDXL", "enhancement_strategy": "qwen",
        "status": "completed", "qwen_expansion_percentage": Decimal("2000.00"), "enhancement_time_ms": 12_300,
        "quality_rating": 4, "quality_improvement": Decimal("0.80"), "excerpt": "woman", "original_length": 5,
        "enhanced_length": 108,
    }


def test_qwen_tracking_is_one_query_per_strategy(dataset, django_assert_num_queries):
    with django_assert_num_queries(2):
        qwen_tracking()


def test_compel_weight_analysis_best_first(dataset):
    _jobs, configs, _tests = dataset

    rows = compel_weight_analysis()

    assert [row["config_name"] for row in rows] == ["Quality 1.2x", "Detail 1.5x", "Untested"]
    assert rows[0] == {"id": configs["best"].pk, "config_name": "Quality 1.2x", "weights": {"quality": 1.2},
                       "avg_quality": Decimal("4.80"), "total_tests": 12, "is_active": False,
                       "consistency_percent": Decimal("85.00")}
    assert rows[2]["consistency_percent"] is None


def test_ab_test_results(dataset):
    _jobs, _configs, tests = dataset

    shower, couples = ab_test_results()

    assert couples["improvement_percent"] == Decimal("28.13")  # (4.10 - 3.20) * 100 / 3.20 = 28.125
    assert couples["confidence_percent"] == Decimal("97.00") and couples["is_complete"] is True
    assert shower["id"] == tests["draft"].pk and shower["improvement_percent"] is None


@pytest.mark.parametrize("role", ["viewer", "moderator", "admin"])
def test_page_renders_for_every_role(client, role_user, dataset, role):
    client.force_login(role_user(role))

    response = client.get(URL)

    html = response.content.decode()
    assert response.status_code == 200
    assert "2,000.0%" in html and "+0.80" in html and "108 ch" in html and "12.3 s" in html
    assert "quality:1.2x" in html and "85.0%" in html
    assert "3.20/5" in html and "4.10/5" in html and "+28.1%" in html and "97.0%" in html


def test_page_query_count(admin_client, dataset, django_assert_num_queries):
    admin_client.get(URL)

    with django_assert_num_queries(6):  # session, user, Qwen (2 strategies), Compel, A/B
        admin_client.get(URL)
