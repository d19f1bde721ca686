from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "kindred.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from kindred.accounts import signals  # noqa: F401  (connects the audit receivers)
        from kindred.accounts.search import PEOPLE
        from kindred.core.search import search_register

        search_register(PEOPLE)  # the one search of people (kindred/core/search.py)

        from kindred.accounts.people_import import IMPORT_PEOPLE
        from kindred.schools.importing.commands import import_command_register

        import_command_register(IMPORT_PEOPLE)  # `kindred import people FILE`
