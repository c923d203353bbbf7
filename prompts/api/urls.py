"""/api/prompt-versions/, /api/prompt-templates/, /api/prompt-rules/, /api/characters/, /api/prompts/resolve,
/api/prompts/labels (list, move, rollback, history) and /api/prompts/{versions,templates}/{a}/diff/{b}."""

from django.urls import path

from prompts.api import labels, views

CRUD_LIST = {"get": "list", "post": "create"}
CRUD_DETAIL = {"get": "retrieve", "put": "update", "patch": "partial_update", "delete": "destroy"}

urlpatterns = [
    path("prompt-versions/", views.PromptVersionViewSet.as_view(CRUD_LIST), name="prompt-version-list"),
    path("prompt-versions/<uuid:pk>/",
         views.PromptVersionViewSet.as_view({"get": "retrieve", "put": "update", "delete": "destroy"}),
         name="prompt-version-detail"),
    path("prompts/resolve", views.PromptResolveApi.as_view(), name="prompt-resolve"),
    path("prompt-cache/refresh", views.PromptCacheRefreshApi.as_view(), name="prompt-cache-refresh"),
    path("prompts/labels", labels.PromptLabelListApi.as_view(), name="prompt-label-list"),
    path("prompts/labels/move", labels.PromptLabelMoveApi.as_view(), name="prompt-label-move"),
    path("prompts/labels/rollback", labels.PromptLabelRollbackApi.as_view(), name="prompt-label-rollback"),
    path("prompts/labels/history", labels.PromptLabelHistoryApi.as_view(), name="prompt-label-history"),
    path("prompts/versions/<uuid:a>/diff/<uuid:b>", labels.PromptVersionDiffApi.as_view(),
         name="prompt-version-diff"),
    path("prompts/templates/<uuid:a>/diff/<uuid:b>", labels.PromptTemplateDiffApi.as_view(),
         name="prompt-template-diff"),
]
for prefix, viewset, name in (
    ("prompt-templates", views.PromptTemplateViewSet, "prompt-template"),
    ("prompt-rules", views.PromptRuleViewSet, "prompt-rule"),
    ("characters", views.CharacterViewSet, "character"),
):
    urlpatterns += [
        path(f"{prefix}/", viewset.as_view(CRUD_LIST), name=f"{name}-list"),
        path(f"{prefix}/<uuid:pk>/", viewset.as_view(CRUD_DETAIL), name=f"{name}-detail"),
    ]
