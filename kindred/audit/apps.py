from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "kindred.audit"
    label = "audit"
    verbose_name = _("Audit log")

    def ready(self) -> None:
        from kindred.audit import signals  # noqa: F401  (audits changes made in the admin site)
