"""Testing results, A/B tests, alerts, rollups, usage tracking, the prompt tracker and the guide's two views."""

from analytics.models.abtests import ABTestPair, PromptABTest
from analytics.models.alerts import Alert, AlertRule
from analytics.models.dbviews import EnhancementEffectiveness, JobEnhancementAnalysis
from analytics.models.progress import AdminDevelopmentProgress
from analytics.models.rollups import (
    JobStatsDaily,
    LiveJobTracking,
    LivePromptMetric,
    ModelPerformanceLog,
    PromptPerformanceDaily,
    UserEnhancementAdoption,
)
from analytics.models.testing import EnhancedPromptTest, PromptTestResult
from analytics.models.usage import PromptUsage, TrackedPrompt

__all__ = [
    "ABTestPair", "AdminDevelopmentProgress", "Alert", "AlertRule", "EnhancedPromptTest", "EnhancementEffectiveness",
    "JobEnhancementAnalysis", "JobStatsDaily", "LiveJobTracking", "LivePromptMetric", "ModelPerformanceLog",
    "PromptABTest", "PromptPerformanceDaily", "PromptTestResult", "PromptUsage", "TrackedPrompt",
    "UserEnhancementAdoption",
]
