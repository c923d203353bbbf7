"""The guide's views ``job_enhancement_analysis`` and ``enhancement_effectiveness``.

They are not created here: ``analytics.apps`` drops them before every
``migrate`` and recreates them after it (``pre_migrate``/``post_migrate``), so
a migration that rebuilds or alters ``jobs`` never trips over a view that
reads it (SQLite table rebuilds and PostgreSQL column type changes both do).
This migration is kept, empty, so existing databases keep a consistent history.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("analytics", "0002_initial"),
        ("generations", "0002_initial"),
    ]

    operations = []
