"""App config of the REST API's shared pieces."""

from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "ourvidz_admin.api"
    label = "ourvidz_api"
    verbose_name = "REST API"

    def ready(self):
        # rest_framework.authtoken registers a "Tokens" admin outside the portal's sections; staff obtain
        # their token at /api/auth/token/ instead. Listed after the admin app, so autodiscovery has run.
        from django.contrib import admin
        from rest_framework.authtoken.models import TokenProxy

        if admin.site.is_registered(TokenProxy):
            admin.site.unregister(TokenProxy)
