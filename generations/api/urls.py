"""/api/generations/ (the image generator admin's names), /api/jobs/, /api/images/, the prompt playground."""

from django.urls import path

from generations.api import playground, runs, views

job_list = views.JobViewSet.as_view({"get": "list", "post": "create"})
job_detail = views.JobViewSet.as_view({"get": "retrieve"})

urlpatterns = [
    path("generations/", job_list, name="generation-list"),
    path("generations/<uuid:pk>/", job_detail, name="generation-detail"),
    path("generations/<uuid:pk>/rating", views.GenerationRateApi.as_view(), name="generation-rating"),
    path("generations/<uuid:pk>/inputs", views.GenerationInputAddApi.as_view(),
         name="generation-inputs"),
    path("generations/<uuid:pk>/outputs", views.GenerationOutputAddApi.as_view(),
         name="generation-outputs"),
    path("images/<uuid:pk>", views.ImageDeleteApi.as_view(), name="image-detail"),
    path("jobs/", job_list, name="job-list"),
    path("jobs/<uuid:pk>/", job_detail, name="job-detail"),
    path("jobs/<uuid:pk>/retry", views.JobRetryApi.as_view(), name="job-retry"),
    path("jobs/<uuid:pk>/cancel", views.JobCancelApi.as_view(), name="job-cancel"),
    path("prompts/preview", playground.PromptPreviewApi.as_view(), name="prompt-preview"),
    path("prompts/chat", playground.PromptChatApi.as_view(), name="prompt-chat"),
    path("runs/", runs.RunListCreateApi.as_view(), name="run-list"),
    path("runs/<uuid:pk>/", runs.RunDetailApi.as_view(), name="run-detail"),
    path("runs/<uuid:pk>/sheet.png", runs.RunSheetApi.as_view(), name="run-sheet"),
    path("runs/<uuid:pk>/cells.csv", runs.RunCsvApi.as_view(), name="run-csv"),
    path("runs/<uuid:pk>/compare", runs.RunCompareApi.as_view(), name="run-compare"),
    path("runs/<uuid:pk>/baseline", runs.RunBaselineApi.as_view(), name="run-baseline"),
]
