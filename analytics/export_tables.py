"""What each analytics page offers as CSV: per table, the selector of that table and the columns it shows.

Headers follow the page's column headings, with the unit where the raw value is not what the page
prints (``mean time (ms)`` where the page shows seconds, ``success %`` where it shows ``75.00%``).
"""

from dataclasses import dataclass

from analytics.dashboards.adoption import adoption_days, adoption_learning, adoption_summary
from analytics.dashboards.common import STARS
from analytics.dashboards.effectiveness import strategy_effectiveness
from analytics.dashboards.enhanced_prompts import ab_test_results, compel_weight_analysis, qwen_tracking
from analytics.dashboards.model_analytics import model_days, model_summaries
from analytics.exports import Column as C
from analytics.exports import Table
from analytics.prompt_performance import get_top_performing_prompts, prompt_performance_table, prompt_usage_trend

_STAR_SHARES = tuple(C(f"{n} star{'s' if n > 1 else ''} %", f"quality_distribution.{n}") for n in STARS)


def _prompt_label(row: dict) -> str:
    return row["display_name"] or row["name"]


@dataclass(frozen=True)
class DashboardExport:
    """A dashboard page's CSV tables: ``url_name`` names the page whose permissions a download needs;
    ``default_days`` is its default range, None for a page without one."""

    name: str
    url_name: str
    default_days: int | None
    tables: dict[str, Table]


MODEL_ANALYTICS_TABLES = {
    "models": Table(lambda days: model_summaries(days=days), (
        C("model", "model_type"), C("success %", "success_rate"), C("mean time (ms)", "mean_time_ms"),
        C("jobs", "jobs"), C("completed", "completed"), C("failed", "failed"), C("cancelled", "cancelled"),
        C("rated", "rated"), C("mean quality", "mean_quality"), *_STAR_SHARES)),
    "days": Table(lambda days: model_days(days=days), (
        C("date", "date"), C("SDXL success %", "sdxl_success_rate"), C("WAN success %", "wan_success_rate"),
        C("mean quality", "mean_quality"), C("rated", "rated"), C("SDXL jobs", "sdxl_jobs"),
        C("WAN jobs", "wan_jobs"), C("total jobs", "total_jobs"))),
}

# The page shows 50 Qwen jobs; Compel and A/B tests at their selectors' defaults.
ENHANCED_PROMPTS_TABLES = {
    "qwen": Table(lambda: qwen_tracking(limit=50), (
        C("created", "created_at"), C("job", "id"), C("model", "model_type"), C("strategy", "enhancement_strategy"),
        C("original", "excerpt"), C("original length", "original_length"),
        C("enhanced length", "enhanced_length"), C("expansion %", "qwen_expansion_percentage"),
        C("enhancement time (ms)", "enhancement_time_ms"), C("stars", "quality_rating"),
        C("quality gain", "quality_improvement"))),
    "compel": Table(compel_weight_analysis, (
        C("configuration", "config_name"), C("weights", "weights"), C("mean quality", "avg_quality"),
        C("consistency %", "consistency_percent"), C("tests", "total_tests"), C("active", "is_active"))),
    "ab-tests": Table(ab_test_results, (
        C("test", "test_name"), C("series", "test_series"), C("model", "model_type"), C("status", "status"),
        C("pairs", "total_participants"), C("baseline", "baseline_avg_quality"),
        C("enhanced", "enhanced_avg_quality"), C("difference", "quality_improvement"),
        C("improvement %", "improvement_percent"), C("P(better) %", "confidence_percent"),
        C("complete", "is_complete"))),
}

EFFECTIVENESS_TABLES = {
    "strategies": Table(lambda days: strategy_effectiveness(days=days)["strategies"], (
        C("strategy", "label"), C("jobs", "jobs"), C("mean quality", "mean_quality"),
        C("mean improvement", "mean_improvement"), C("mean enhancement time (ms)", "mean_enhancement_time_ms"),
        C("completed % of jobs", "success_rate"), C("success %", "finished_success_rate"),
        C("4-5 stars % of jobs", "high_quality_rate"), C("rated", "rated"), *_STAR_SHARES)),
}

ADOPTION_TABLES = {
    "strategies": Table(lambda days: adoption_summary(days=days)["strategies"], (
        C("strategy", "label"), C("jobs", "jobs"), C("share of jobs %", "job_share"),
        C("users who used it", "users"))),
    "learning": Table(lambda days: adoption_learning(days=days), (
        C("week", "week"), C("user-days", "user_days"), C("jobs", "jobs"), C("adoption %", "adoption_rate"),
        C("quality with", "quality_with"), C("quality without", "quality_without"),
        C("gain within user-day", "quality_gain"))),
    "days": Table(lambda days: adoption_days(days=days), (
        C("date", "date"), C("active users", "users"), C("jobs", "jobs"), C("enhanced", "enhanced_jobs"),
        C("adoption %", "adoption_rate"))),
}

# Page slug (as in the page's URL) -> its tables.
DASHBOARD_EXPORTS = {
    "models": DashboardExport("model-analytics", "analytics_model_analytics", 7, MODEL_ANALYTICS_TABLES),
    "enhanced-prompts": DashboardExport("enhanced-prompts", "analytics_enhanced_prompts", None,
                                        ENHANCED_PROMPTS_TABLES),
    "effectiveness": DashboardExport("enhancement-effectiveness", "analytics_enhancement_effectiveness", 7,
                                     EFFECTIVENESS_TABLES),
    "adoption": DashboardExport("user-adoption", "analytics_user_adoption", 30, ADOPTION_TABLES),
}

PROMPT_PERFORMANCE_TABLES = {
    "prompts": Table(lambda period, now: prompt_performance_table(period, now=now), (
        C("prompt", _prompt_label), C("status", "status"), C("uses", "usage_count"),
        C("success %", "success_rate"), C("error %", "error_rate"), C("mean rating", "mean_rating"),
        C("mean response (ms)", "mean_response_time_ms"), C("tokens", "tokens_used"), C("cost ($)", "cost"))),
    "top": Table(lambda period, now: get_top_performing_prompts(period, 10, now=now), (
        C("#", "rank"), C("prompt", _prompt_label), C("uses", "usage_count"), C("success %", "success_rate"),
        C("mean rating", "mean_rating"), C("mean response (ms)", "mean_response_time_ms"), C("cost ($)", "cost"))),
    "days": Table(lambda period, now: prompt_usage_trend(period, now=now), (
        C("day", "date"), C("prompts used", "prompts"), C("uses", "uses"), C("success %", "success_rate"),
        C("mean rating", "mean_rating"), C("tokens", "tokens_used"), C("cost ($)", "cost"))),
}
