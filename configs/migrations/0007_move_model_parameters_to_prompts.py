"""Model parameters move to the prompts app, beside the templates, rules and characters they resolve with.

State only: the ``model_parameters`` table keeps its name and rows; prompts 0004 takes it over.
"""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('configs', '0006_seed_builtin_presets'),
    ]

    state_operations = [
        migrations.DeleteModel(
            name='ModelParameters',
        ),
    ]

    operations = [migrations.SeparateDatabaseAndState(state_operations=state_operations)]
