from django.apps import AppConfig


class ApiConfig(AppConfig):
    """The HTTP API (/api/v1/) and its tokens: the layer beside pages, above every domain app, reading
    through the same selectors and permission layer as the pages (docs/api.md)."""

    name = "kindred.api"
    label = "api"
    verbose_name = "API"

    def ready(self) -> None:
        from kindred.api import tombstones  # the models are loaded only now

        tombstones.connect()
