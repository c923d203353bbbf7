"""/api/prompt-versions/, /api/prompt-templates/, /api/prompt-rules/, /api/characters/, /api/prompts/resolve."""

from django.urls import path

from prompts.api import views

CRUD_LIST = {"get": "list", "post": "create"}
CRUD_DETAIL = {"get": "retrieve", "put": "update", "patch": "partial_update", "delete": "destroy"}

urlpatterns = [
    path("prompt-versions/", views.PromptVersionViewSet.as_view(CRUD_LIST), name="prompt-version-list"),
    path("prompt-versions/<uuid:pk>/",
         views.PromptVersionViewSet.as_view({"get": "retrieve", "put": "update", "delete": "destroy"}),
         name="prompt-version-detail"),
    path("prompts/resolve", views.PromptResolveApi.as_view(), name="prompt-resolve"),
    path("prompt-cache/refresh", views.PromptCacheRefreshApi.as_view(), name="prompt-cache-refresh"),
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
