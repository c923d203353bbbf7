"""Enhanced Prompt Analytics (document 000 §1.5): Qwen tracking, Compel weights, A/B results."""

from decimal import Decimal

from django.db.models import F
from django.db.models.functions import Length, Substr

from analytics.models import PromptABTest
from analytics.rollups.buckets import mean
from configs.models import CompelConfig
from generations.models import Job
from ourvidz_admin.choices import EnhancementStrategy

QWEN_STRATEGIES = (EnhancementStrategy.QWEN, EnhancementStrategy.HYBRID)
EXCERPT_CHARS = 80
MAX_LIMIT = 200
_JOB_FIELDS = ("id", "created_at", "model_type", "enhancement_strategy", "status", "qwen_expansion_percentage",
               "enhancement_time_ms", "quality_rating", "quality_improvement")


def qwen_tracking(*, limit: int = 50) -> list[dict]:
    """The newest ``limit`` jobs Qwen rewrote (strategy qwen or hybrid, with an enhanced prompt), newest first.

    Per job: an excerpt of the original prompt, both lengths in characters, ``qwen_expansion_percentage``
    and ``quality_improvement`` (the quality gain). One query per strategy, each a walk down the
    ``(enhancement_strategy, -created_at, -id)`` index that stops after ``limit`` rows; long texts are
    never fetched, only their lengths.
    """
    rows = []
    for strategy in QWEN_STRATEGIES:
        rows += (
            Job.objects.filter(enhancement_strategy=strategy).exclude(enhanced_prompt="")
            .order_by("-created_at", "-id")
            .values(*_JOB_FIELDS, excerpt=Substr("original_prompt", 1, EXCERPT_CHARS),
                    original_length=Length("original_prompt"), enhanced_length=Length("enhanced_prompt"))[:limit]
        )
    rows.sort(key=lambda row: (row["created_at"], row["id"]), reverse=True)
    return rows[:limit]


def compel_weight_analysis(*, limit: int = 100) -> list[dict]:
    """Compel configurations (SDXL only), best mean quality first, then most tested; unrated last.

    ``consistency_percent`` = ``avg_consistency`` (a 0-1 fraction) × 100.
    """
    rows = (CompelConfig.objects.order_by(F("avg_quality").desc(nulls_last=True), "-total_tests", "config_name")
            .values("id", "config_name", "weights", "avg_quality", "avg_consistency", "total_tests",
                    "is_active")[:limit])
    return [_with_consistency_percent(row) for row in rows]


def ab_test_results(*, limit: int = 50) -> list[dict]:
    """The newest ``limit`` A/B tests with their headline figures.

    ``improvement_percent`` = (enhanced mean − baseline mean) × 100 / baseline mean, of the stored
    2-place means; ``confidence_percent`` = ``confidence_level`` × 100.
    """
    rows = PromptABTest.objects.order_by("-created_at", "-id").values(
        "id", "test_name", "test_series", "model_type", "status", "total_participants", "baseline_avg_quality",
        "enhanced_avg_quality", "quality_improvement", "confidence_level", "is_complete")[:limit]
    return [{**row, "improvement_percent": _relative(row["enhanced_avg_quality"], row["baseline_avg_quality"]),
             "confidence_percent": _hundredfold(row["confidence_level"])} for row in rows]


def enhanced_prompt_analytics(*, limit: int = 50) -> dict:
    """The three tables of the page: ``qwen``, ``compel`` and ``ab_tests`` (four queries)."""
    return {"qwen": qwen_tracking(limit=limit), "compel": compel_weight_analysis(),
            "ab_tests": ab_test_results()}


def _with_consistency_percent(row: dict) -> dict:
    fraction = row.pop("avg_consistency")
    return {**row, "consistency_percent": _hundredfold(fraction)}


def _hundredfold(fraction: Decimal | None) -> Decimal | None:
    return None if fraction is None else mean(fraction * 100, 1)


def _relative(value: Decimal | None, base: Decimal | None) -> Decimal | None:
    if value is None or not base:
        return None
    return mean((value - base) * 100, base)
