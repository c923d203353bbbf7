"""The default alert rules: document 002's five thresholds and the guide's enhancement success-rate drop."""

from django.db import migrations

DEFAULT_RULES = [
    dict(name="Low usage", metric="low_usage", comparison="below", threshold=5, window_hours=168, min_samples=0,
         severity="low",
         recommendation="Fewer than 5 uses in the period: check the prompt is mapped to an agent, "
                        "promote it, or retire it."),
    dict(name="Poor success rate", metric="success_rate", comparison="below", threshold=70, window_hours=168,
         min_samples=5, severity="high",
         recommendation="Success below 70%: read the failed uses' error messages, then fix the template or "
                        "roll back to the last good version."),
    dict(name="Poor ratings", metric="mean_rating", comparison="below", threshold=3.0, window_hours=168,
         min_samples=5, severity="medium",
         recommendation="Mean rating below 3.0/5: compare with the top performers and A/B test a revision."),
    dict(name="Slow response", metric="response_time", comparison="above", threshold=5000, window_hours=168,
         min_samples=5, severity="medium",
         recommendation="Mean response above 5 s: shorten the prompt or the enhancement length limit, "
                        "or check the worker's device."),
    dict(name="High error rate", metric="error_rate", comparison="above", threshold=20, window_hours=168,
         min_samples=5, severity="high",
         recommendation="More than 20% of uses end in an error: see the failure reasons of its jobs."),
    dict(name="Enhancement success drop", metric="enhancement_success_drop", comparison="above", threshold=10,
         window_hours=1, baseline_hours=24, min_samples=5, severity="high",
         recommendation="An enhancement strategy's success rate in the last hour fell more than 10 points below "
                        "its last 24 hours: check the workers' health and the latest configuration change."),
]


def add_rules(apps, schema_editor):
    AlertRule = apps.get_model("analytics", "AlertRule")
    from ourvidz_admin.db import uuid7

    for rule in DEFAULT_RULES:
        AlertRule.objects.get_or_create(name=rule["name"], defaults={"id": uuid7(), **rule})


def remove_rules(apps, schema_editor):
    AlertRule = apps.get_model("analytics", "AlertRule")
    AlertRule.objects.filter(name__in=[rule["name"] for rule in DEFAULT_RULES]).delete()


class Migration(migrations.Migration):
    dependencies = [("analytics", "0005_abtests_alerts_rollups")]
    operations = [migrations.RunPython(add_rules, remove_rules)]
