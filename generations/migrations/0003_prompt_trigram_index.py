"""On PostgreSQL, a trigram index so that admin search over a million prompts is an index scan.

Django's ``icontains`` compiles to ``UPPER(col::text) LIKE UPPER(%s)``; the GIN
index is on the same expression. Other databases, or a PostgreSQL role that may
not create the extension, simply go without it.
"""

from django.db import migrations

INDEX = "jobs_prompt_trgm_idx"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'")
        if cursor.fetchone() is None:
            return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON jobs USING gin ((UPPER(original_prompt::text)) gin_trgm_ops)"
    )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("generations", "0002_initial")]

    operations = [migrations.RunPython(create_index, drop_index)]
