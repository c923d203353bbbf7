from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo data for every app (``seed_demo``); it stands above every domain app and nothing imports it."""

    name = "demo"
    verbose_name = "Demo data"
