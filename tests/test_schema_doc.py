"""docs/schema.md lists every documented table and view, and each listed model exists."""

import re
from pathlib import Path

import pytest
from django.apps import apps

SCHEMA = Path(__file__).resolve().parent.parent / "docs" / "schema.md"

DOCUMENTED = {
    # 000 admin portal guide
    "jobs", "prompt_test_results", "enhanced_prompt_tests", "compel_configs", "prompt_ab_tests",
    "live_prompt_metrics", "live_job_tracking", "user_enhancement_adoption", "model_performance_logs",
    "model_config_history", "enhanced_model_config", "enhancement_presets", "config_change_history",
    "admin_development_progress", "user_roles", "job_enhancement_analysis", "enhancement_effectiveness",
    # 001 image generator admin
    "prompt_version", "generation", "generation_image_input", "generation_image_output",
    "generation_image_rating", "prompt_tag", "prompt_version_tag",
    # 002 performance tracking
    "prompts", "agents", "agent_prompts", "prompt_usage",
    # 003 prompt tracker
    "enhanced_prompt_tracker",
    # 004 dynamic prompting
    "prompt_templates", "prompt_rules", "prompt_logs", "model_parameters", "characters",
}


def schema_rows() -> dict[str, str]:
    rows = {}
    for line in SCHEMA.read_text().splitlines():
        match = re.match(r"^\|\s*([a-z_]+)\s*\|\s*([a-z_]+\.[A-Za-z]+)\s*\|", line)
        if match:
            rows[match.group(1)] = match.group(2)
    return rows


def test_every_documented_table_has_a_row():
    rows = schema_rows()

    missing = DOCUMENTED - rows.keys()

    assert missing == set()


@pytest.mark.parametrize("table,model", sorted(schema_rows().items()))
def test_listed_model_exists(table, model):
    app_label, model_name = model.split(".")

    found = apps.get_model(app_label, model_name)

    assert found._meta.object_name == model_name


@pytest.mark.parametrize("table,model", sorted(schema_rows().items()))
def test_table_name_matches_document_unless_merged(table, model):
    found = apps.get_model(*model.split("."))
    merged = {"generation": "jobs", "user_roles": "auth_group"}

    assert found._meta.db_table == merged.get(table, table)
