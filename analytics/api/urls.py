"""/api/analytics/..."""

from django.urls import path

from analytics.api import views

urlpatterns = [
    path("analytics/ratings", views.RatingDistributionApi.as_view(), name="analytics-ratings"),
    path("analytics/prompt-performance", views.PromptPerformanceApi.as_view(), name="analytics-prompt-performance"),
]
