from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BrokeringConfig(AppConfig):
    name = "kindred.brokering"
    verbose_name = _("Brokering and network formation")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from kindred.brokering.panels import invited_context
        from kindred.networks.panels import panel_register

        # A network's page lists the schools a published run invited that have not answered yet.
        panel_register(template="brokering/_invited_panel.html", context=invited_context)
