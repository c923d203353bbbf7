"""Every registered admin: changelist, add and change pages load for a superuser; anonymous users get the login."""

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group, User
from django.urls import reverse

from analytics.models import EnhancementEffectiveness, JobEnhancementAnalysis
from ourvidz_admin import db
from tests import factories as f

REGISTERED = sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label)
IDS = [model._meta.label for model, _ in REGISTERED]

FACTORY_BY_MODEL = {
    factory._meta.model: factory
    for factory in vars(f).values()
    if isinstance(factory, type) and issubclass(factory, f.factory.django.DjangoModelFactory)
    and factory is not f.factory.django.DjangoModelFactory
}


def make_instance(model, superuser):
    """One saved row of ``model`` (views get a job to read through)."""
    if model is User:
        return superuser
    if model is Group:
        return Group.objects.get(name="viewer")
    if model in (JobEnhancementAnalysis, EnhancementEffectiveness):
        f.JobFactory(enhancement_strategy="qwen")
        return model.objects.get()
    return FACTORY_BY_MODEL[model]()


def _url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.mark.django_db
@pytest.mark.parametrize("model,model_admin", REGISTERED, ids=IDS)
def test_admin_pages_load_for_superuser(admin_client, superuser, model, model_admin, rf):
    if model._meta.app_label == "django_rq":
        # RQ's dashboard entry is a link to the queue statistics, not a table.
        assert admin_client.get(_url(model, "changelist")).status_code == 200
        return
    obj = make_instance(model, superuser)
    request = rf.get("/")
    request.user = superuser

    changelist = admin_client.get(_url(model, "changelist"))
    add = admin_client.get(_url(model, "add"))
    change = admin_client.get(_url(model, "change", obj.pk))

    assert changelist.status_code == 200
    assert add.status_code == (200 if model_admin.has_add_permission(request) else 403)
    assert change.status_code == 200
    assert db.short_id(obj.pk) in changelist.content.decode() or changelist.context["cl"].result_count >= 1


@pytest.mark.django_db
@pytest.mark.parametrize("model,model_admin", REGISTERED, ids=IDS)
def test_admin_pages_redirect_anonymous_to_login(client, model, model_admin):
    for url in (_url(model, "changelist"), _url(model, "add")):
        response = client.get(url)

        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))


@pytest.mark.django_db
def test_index_groups_sections_in_guide_tab_order(admin_client):
    response = admin_client.get(reverse("admin:index"))

    names = [section["name"] for section in response.context["app_list"]]
    assert names == ["Prompt Testing", "Analytics", "Jobs", "Model Configuration", "System Health", "Users"]


@pytest.mark.django_db
def test_root_redirects_to_admin(client):
    response = client.get("/")

    assert response.status_code == 302
    assert response["Location"] == reverse("admin:index")
