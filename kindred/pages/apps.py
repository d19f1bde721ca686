from django.apps import AppConfig


class PagesConfig(AppConfig):
    """Pages that compose several apps (home, a school's page, the good-practice finder): the layer
    above every domain app, reading each app's selectors (docs/architecture.md, "Layers")."""

    name = "kindred.pages"
    label = "pages"
    verbose_name = "Pages"
