from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImpactConfig(AppConfig):
    name = "kindred.impact"
    label = "impact"
    verbose_name = _("Impact")

    def ready(self) -> None:
        from kindred.impact.panels import impact_panel_context
        from kindred.networks.panels import panel_register

        # A network's page links to its impact page (networks sits below impact).
        panel_register(template="impact/_panel.html", context=impact_panel_context)
