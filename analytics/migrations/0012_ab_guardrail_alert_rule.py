"""The alert rule that opens an alert when an A/B test crosses one of its guardrails."""

from django.db import migrations

RULE = dict(name="A/B guardrail breach", metric="ab_guardrail", comparison="above", threshold=0, window_hours=1,
            min_samples=0, severity="high",
            recommendation="The enhanced arm crossed a guardrail of its test: look at its failures and times "
                           "before shipping it, whatever its stars say.")


def add_rule(apps, schema_editor):
    from ourvidz_admin.db import uuid7

    AlertRule = apps.get_model("analytics", "AlertRule")
    AlertRule.objects.get_or_create(name=RULE["name"], defaults={"id": uuid7(), **RULE})


def remove_rule(apps, schema_editor):
    apps.get_model("analytics", "AlertRule").objects.filter(name=RULE["name"]).delete()


class Migration(migrations.Migration):
    dependencies = [("analytics", "0011_alert_metric_ab_guardrail")]

    operations = [
        migrations.RunPython(add_rule, remove_rule),
    ]
