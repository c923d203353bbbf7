"""Project-level app config: installs the portal's admin site and the embedded Redis."""

from django.conf import settings
from django.contrib.admin.apps import AdminConfig


class OurVidzAdminConfig(AdminConfig):
    """Replaces django.contrib.admin so that ``admin.site`` is the portal's grouped site."""

    default_site = "ourvidz_admin.admin.site.OurVidzAdminSite"

    def ready(self):
        super().ready()
        if settings.EMBEDDED_REDIS:
            from ourvidz_admin.embedded_redis import ensure_running

            ensure_running(settings.EMBEDDED_REDIS_SOCKET)
