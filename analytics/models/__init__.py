"""Testing results, A/B tests, alerts, rollups and the two SQL views of the enhancement analysis."""

from analytics.models.abtests import ABTestArmJob, ABTestOutcome, ABTestPair, PromptABTest
from analytics.models.alerts import Alert, AlertRule
from analytics.models.dbviews import EnhancementEffectiveness, JobEnhancementAnalysis
from analytics.models.operations import (
    FailureReasonDaily,
    JobOpsDaily,
    JobStatsFiveMinutes,
    JobStatsHourly,
    JobTimeHistogramDaily,
    PromptCostDaily,
    PromptVersionStats,
    UserCostDaily,
)
from analytics.models.progress import AdminDevelopmentProgress
from analytics.models.rollups import (
    JobStatsDaily,
    LivePromptMetric,
    ModelPerformanceLog,
    PromptPerformanceDaily,
    UserEnhancementAdoption,
)
from analytics.models.testing import EnhancedPromptTest, PromptTestResult

__all__ = [
    "ABTestArmJob", "ABTestOutcome", "ABTestPair",
    "AdminDevelopmentProgress", "Alert", "AlertRule", "EnhancedPromptTest", "EnhancementEffectiveness",
    "FailureReasonDaily", "JobOpsDaily", "JobStatsFiveMinutes", "JobStatsHourly", "JobTimeHistogramDaily",
    "PromptCostDaily", "PromptVersionStats", "UserCostDaily",
    "JobEnhancementAnalysis", "JobStatsDaily", "LivePromptMetric", "ModelPerformanceLog",
    "PromptABTest", "PromptPerformanceDaily", "PromptTestResult", "UserEnhancementAdoption",
]
