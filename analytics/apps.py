from django.apps import AppConfig
from django.db import connections
from django.db.models.signals import post_migrate, pre_migrate


def _drop_views(sender, using="default", **kwargs):
    from analytics.sql.views import DROP_STATEMENTS

    with connections[using].cursor() as cursor:
        for statement in DROP_STATEMENTS:
            cursor.execute(statement)


def _create_views(sender, using="default", **kwargs):
    from analytics.sql.views import create_statements

    connection = connections[using]
    tables = connection.introspection.table_names()
    if "jobs" not in tables:
        return  # migrating backwards past the jobs table
    _drop_views(sender, using)
    with connection.cursor() as cursor:
        for statement in create_statements(connection.vendor):
            cursor.execute(statement)


class AnalyticsConfig(AppConfig):
    name = "analytics"
    verbose_name = "Analytics"

    def ready(self):
        # Views are rebuilt around every migrate: see migrations/0003_db_views.py.
        pre_migrate.connect(_drop_views, sender=self, dispatch_uid="analytics.drop_views")
        post_migrate.connect(_create_views, sender=self, dispatch_uid="analytics.create_views")
