from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _sync_roles(sender, using="default", **kwargs):
    from django.apps import apps
    from django.contrib.auth.management import create_permissions
    from django.contrib.auth.models import Group, Permission

    from configs.roles import sync_roles

    # post_migrate reaches this app before apps listed after it have their permissions: make them all first.
    for app_config in apps.get_app_configs():
        create_permissions(app_config, verbosity=0, using=using)
    sync_roles(Group, Permission)


class ConfigsConfig(AppConfig):
    name = "configs"
    verbose_name = "Model Configuration"

    def ready(self):
        # Keep the role groups complete when later migrations add models.
        post_migrate.connect(_sync_roles, sender=self, dispatch_uid="configs.sync_roles")
