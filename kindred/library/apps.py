from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LibraryConfig(AppConfig):
    name = "kindred.library"
    label = "library"
    verbose_name = _("Library")

    def ready(self) -> None:
        from kindred.core.search import search_register
        from kindred.library.selectors import RESOURCES

        search_register(RESOURCES)  # the one search of resources (kindred/core/search.py)
