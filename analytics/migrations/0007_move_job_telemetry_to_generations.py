"""Prompt usage, the prompt tracker and live job tracking move to the generations app (their writer).

State only: the tables keep their names and rows; generations 0011 takes them over.
"""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('analytics', '0006_default_alert_rules'),
    ]

    state_operations = [
        migrations.RemoveField(
            model_name='promptusage',
            name='agent',
        ),
        migrations.RemoveField(
            model_name='promptusage',
            name='job',
        ),
        migrations.RemoveField(
            model_name='promptusage',
            name='prompt',
        ),
        migrations.RemoveField(
            model_name='promptusage',
            name='template',
        ),
        migrations.RemoveField(
            model_name='promptusage',
            name='user',
        ),
        migrations.RemoveField(
            model_name='trackedprompt',
            name='job',
        ),
        migrations.RemoveField(
            model_name='trackedprompt',
            name='user',
        ),
        migrations.DeleteModel(
            name='LiveJobTracking',
        ),
        migrations.DeleteModel(
            name='PromptUsage',
        ),
        migrations.DeleteModel(
            name='TrackedPrompt',
        ),
    ]

    operations = [migrations.SeparateDatabaseAndState(state_operations=state_operations)]
