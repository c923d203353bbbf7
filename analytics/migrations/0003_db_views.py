"""Create the guide's views ``job_enhancement_analysis`` and ``enhancement_effectiveness``."""

from django.db import migrations

from analytics.sql.views import DROP_STATEMENTS, create_statements


def create_views(apps, schema_editor):
    for statement in create_statements(schema_editor.connection.vendor):
        schema_editor.execute(statement)


def drop_views(apps, schema_editor):
    for statement in DROP_STATEMENTS:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("analytics", "0002_initial"),
        ("generations", "0002_initial"),
    ]

    operations = [migrations.RunPython(create_views, drop_views, elidable=False)]
