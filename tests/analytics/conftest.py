"""Analytics fixtures: the default alert rules exactly as migration 0006 seeds them."""

import importlib

import pytest

DEFAULT_RULES = importlib.import_module("analytics.migrations.0006_default_alert_rules").DEFAULT_RULES


@pytest.fixture
def default_rules(db):
    """``{metric: AlertRule}``: the six default rules with their seeded values.

    Created here rather than trusted from the migration, because a transactional test elsewhere
    in the session flushes the data that migrations inserted.
    """
    from analytics.models import AlertRule

    rules = {}
    for values in DEFAULT_RULES:
        rule, _created = AlertRule.objects.update_or_create(name=values["name"], defaults=values)
        rules[rule.metric] = rule
    return rules
