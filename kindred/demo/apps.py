from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The top layer: what puts every app together (the national generator)."""

    name = "kindred.demo"
    label = "demo"
    verbose_name = "Demo"
