"""/api/analytics/..."""

from django.urls import path

from analytics.api import abtests, costs, dashboards, forecasts, operations, performance, views

urlpatterns = [
    path("analytics/ratings", views.RatingDistributionApi.as_view(), name="analytics-ratings"),
    path("analytics/prompt-performance", views.PromptPerformanceApi.as_view(), name="analytics-prompt-performance"),
    path("analytics/agreement", views.AgreementApi.as_view(), name="analytics-agreement"),
    path("analytics/clip-correlation", views.ClipCorrelationApi.as_view(), name="analytics-clip-correlation"),
    path("rating-queues/", views.RatingQueueCreateApi.as_view(), name="rating-queue-create"),
    path("rating-queues/<uuid:pk>/", views.RatingQueueDetailApi.as_view(), name="rating-queue-detail"),
    # Dashboards (document 000 §1.5, §2, §2.5): the admin pages' figures.
    path("analytics/model-performance", dashboards.ModelAnalyticsApi.as_view(), name="analytics-model-performance"),
    path("analytics/enhanced-prompts", dashboards.EnhancedPromptAnalyticsApi.as_view(),
         name="analytics-enhanced-prompts"),
    path("analytics/live", dashboards.LivePromptPerformanceApi.as_view(), name="analytics-live"),
    path("analytics/enhancement-effectiveness", dashboards.EnhancementEffectivenessApi.as_view(),
         name="analytics-enhancement-effectiveness"),
    path("analytics/user-adoption", dashboards.UserAdoptionApi.as_view(), name="analytics-user-adoption"),
    path("analytics/operations", operations.OperationsApi.as_view(), name="analytics-operations"),
    path("analytics/costs", costs.CostsApi.as_view(), name="analytics-costs"),
    path("analytics/forecast", forecasts.ForecastApi.as_view(), name="analytics-forecast"),
    # A/B tests (document 000 §1.5): create, plan, start, cancel; blind pairs for rating.
    path("ab-tests/", abtests.ABTestListCreateApi.as_view(), name="ab-test-list"),
    path("ab-tests/plan", abtests.ABTestPlanApi.as_view(), name="ab-test-plan"),
    path("ab-tests/<uuid:pk>/", abtests.ABTestDetailApi.as_view(), name="ab-test-detail"),
    path("ab-tests/<uuid:pk>/start", abtests.ABTestStartApi.as_view(), name="ab-test-start"),
    path("ab-tests/<uuid:pk>/cancel", abtests.ABTestCancelApi.as_view(), name="ab-test-cancel"),
    path("ab-tests/<uuid:pk>/pairs", abtests.ABTestPairsApi.as_view(), name="ab-test-pairs"),
    path("ab-tests/<uuid:pk>/pairs/<uuid:pair_id>/rating", abtests.ABTestPairRateApi.as_view(),
         name="ab-test-pair-rating"),
    path("ab-tests/<uuid:pk>/pairs/<uuid:pair_id>/<str:label>/media", abtests.ABTestPairMediaApi.as_view(),
         name="ab-test-pair-media"),
    # Prompt performance (document 002) and its alerts.
    path("analytics/prompts/top", performance.TopPromptsApi.as_view(), name="analytics-prompts-top"),
    path("analytics/prompts/<uuid:prompt_id>/performance", performance.PromptPerformanceSummaryApi.as_view(),
         name="analytics-prompt-performance-summary"),
    path("analytics/dashboard", performance.DashboardMetricsApi.as_view(), name="analytics-dashboard"),
    path("analytics/performance-alerts", performance.PerformanceAlertsApi.as_view(),
         name="analytics-performance-alerts"),
    path("alerts", performance.AlertListApi.as_view(), name="alerts"),
    path("alerts/<uuid:pk>/acknowledge", performance.AlertAcknowledgeApi.as_view(), name="alert-acknowledge"),
    path("alerts/<uuid:pk>/resolve", performance.AlertResolveApi.as_view(), name="alert-resolve"),
    path("alert-rules", performance.AlertRuleListApi.as_view(), name="alert-rules"),
    path("alert-rules/<uuid:pk>", performance.AlertRuleUpdateApi.as_view(), name="alert-rule"),
]
