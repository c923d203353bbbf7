from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _sync_roles(sender, **kwargs):
    from django.contrib.auth.models import Group, Permission

    from configs.roles import sync_roles

    sync_roles(Group, Permission)


class ConfigsConfig(AppConfig):
    name = "configs"
    verbose_name = "Model Configuration"

    def ready(self):
        # Keep the role groups complete when later migrations add models.
        post_migrate.connect(_sync_roles, sender=self, dispatch_uid="configs.sync_roles")
