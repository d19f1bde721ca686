from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NetworksConfig(AppConfig):
    name = "kindred.networks"
    label = "networks"
    verbose_name = _("Networks")

    def ready(self) -> None:
        from kindred.networks import signals  # noqa: F401  (ends roles when an account is deleted)
