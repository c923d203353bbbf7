"""Models that changed app keep their rows and the permissions granted on them (state-only migrations)."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

# The last migrations before prompt usage, the tracker and live tracking moved to generations and
# model parameters to prompts.
BEFORE = [
    ("analytics", "0006_default_alert_rules"),
    ("configs", "0006_seed_builtin_presets"),
    ("generations", "0010_job_covering_indexes"),
    ("prompts", "0003_tag_name_without_commas"),
]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.slow
@pytest.mark.skipif(connection.vendor == "sqlite", reason=(
    "Migrating back past 0010 remakes the jobs table, which SQLite refuses while the analytics views read "
    "it; upgrades (forward migrations) run on SQLite, and CI runs this on PostgreSQL."))
@pytest.mark.django_db(transaction=True)
def test_moved_models_keep_rows_and_granted_permissions():
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    old = _migrate(BEFORE)
    content_type = old.get_model("contenttypes", "ContentType")
    permission = old.get_model("auth", "Permission")
    group = old.get_model("auth", "Group").objects.create(name="usage readers")
    for app_label, model in (("analytics", "promptusage"), ("configs", "modelparameters")):
        ct, _ = content_type.objects.get_or_create(app_label=app_label, model=model)
        view, _ = permission.objects.get_or_create(content_type=ct, codename=f"view_{model}",
                                                   defaults={"name": f"Can view {model}"})
        group.permissions.add(view)
    old.get_model("analytics", "PromptUsage").objects.create(user_prompt="a cat", tokens_used=3, input_tokens=1,
                                                             output_tokens=2)
    old.get_model("configs", "ModelParameters").objects.create(model_family="sdxl", num_inference_steps=30)

    new = _migrate(latest)

    assert list(new.get_model("generations", "PromptUsage").objects.values_list("user_prompt", "tokens_used")) \
        == [("a cat", 3)]
    assert list(new.get_model("prompts", "ModelParameters").objects.values_list("num_inference_steps", flat=True)) \
        == [30]
    granted = new.get_model("auth", "Group").objects.get(name="usage readers").permissions.all()
    assert sorted((p.content_type.app_label, p.codename) for p in granted) == [
        ("generations", "view_promptusage"), ("prompts", "view_modelparameters")]
    assert not new.get_model("contenttypes", "ContentType").objects.filter(
        app_label__in=("analytics", "configs"), model__in=("promptusage", "modelparameters")).exists()
