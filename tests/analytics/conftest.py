"""Analytics fixtures: the default alert rules exactly as migrations 0006 and 0012 seed them."""

import importlib

import pytest

DEFAULT_RULES = importlib.import_module("analytics.migrations.0006_default_alert_rules").DEFAULT_RULES
GUARDRAIL_RULE = importlib.import_module("analytics.migrations.0012_ab_guardrail_alert_rule").RULE


@pytest.fixture
def default_rules(db):
    """``{metric: AlertRule}``: the seven default rules with their seeded values.

    Created here rather than trusted from the migration, because a transactional test elsewhere
    in the session flushes the data that migrations inserted.
    """
    from analytics.models import AlertRule

    rules = {}
    for values in [*DEFAULT_RULES, GUARDRAIL_RULE]:
        rule, _created = AlertRule.objects.update_or_create(name=values["name"], defaults=values)
        rules[rule.metric] = rule
    return rules
