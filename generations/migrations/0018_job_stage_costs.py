"""Each stage's cost on the job, filled for the jobs that ran before from their ``prompt_usage`` rows (the
worker has written one per job and stage, with its cost, all along)."""

from django.db import migrations, models
from django.db.models import OuterRef, Subquery

STAGE_COLUMNS = {"enhance": "enhancement_cost", "generate": "generation_cost"}


def backfill_stage_costs(apps, schema_editor):
    job_model = apps.get_model("generations", "Job")
    usage_model = apps.get_model("generations", "PromptUsage")
    for stage, column in STAGE_COLUMNS.items():
        usages = usage_model.objects.filter(stage=stage, job__isnull=False)
        cost = usages.filter(job=OuterRef("pk")).order_by("-created_at").values("cost")[:1]
        job_model.objects.filter(pk__in=usages.values("job")).update(**{column: Subquery(cost)})


class Migration(migrations.Migration):

    dependencies = [
        ('generations', '0017_experiment_runs'),
    ]

    operations = [
        migrations.AddField(
            model_name='job',
            name='enhancement_cost',
            field=models.DecimalField(blank=True, decimal_places=6, editable=False, help_text='USD of the Qwen rewrite: its tokens (or GPU time) at the qwen rate in force.', max_digits=12, null=True),
        ),
        migrations.AddField(
            model_name='job',
            name='generation_cost',
            field=models.DecimalField(blank=True, decimal_places=6, editable=False, help_text='USD of the SDXL/WAN run plus its CLIP scoring: GPU time at the rates in force.', max_digits=12, null=True),
        ),
        migrations.RunPython(backfill_stage_costs, migrations.RunPython.noop),
    ]
