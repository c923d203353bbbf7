"""Testing results, A/B tests, rollups, usage tracking, the prompt tracker and the guide's two views."""

from analytics.models.dbviews import EnhancementEffectiveness, JobEnhancementAnalysis
from analytics.models.progress import AdminDevelopmentProgress
from analytics.models.rollups import LiveJobTracking, LivePromptMetric, ModelPerformanceLog, UserEnhancementAdoption
from analytics.models.testing import EnhancedPromptTest, PromptABTest, PromptTestResult
from analytics.models.usage import PromptUsage, TrackedPrompt

__all__ = [
    "AdminDevelopmentProgress", "EnhancedPromptTest", "EnhancementEffectiveness", "JobEnhancementAnalysis",
    "LiveJobTracking", "LivePromptMetric", "ModelPerformanceLog", "PromptABTest", "PromptTestResult",
    "PromptUsage", "TrackedPrompt", "UserEnhancementAdoption",
]
