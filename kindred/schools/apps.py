from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SchoolsConfig(AppConfig):
    name = "kindred.schools"
    label = "schools"
    verbose_name = _("School registry")

    def ready(self) -> None:
        from kindred.core.search import search_register
        from kindred.schools.selectors import SCHOOLS

        search_register(SCHOOLS)  # the one search of schools (kindred/core/search.py)
