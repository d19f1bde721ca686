from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BrokeringConfig(AppConfig):
    name = "kindred.brokering"
    verbose_name = _("Brokering and network formation")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from kindred.brokering.panels import invited_context
        from kindred.brokering.selectors import invited_counts
        from kindred.networks.panels import invited_counter_register, panel_register

        # A network's page lists the schools a published run invited that have not answered yet, and
        # wherever a network's schools are counted, they are counted as invited (not an empty network).
        panel_register(template="brokering/_invited_panel.html", context=invited_context)
        invited_counter_register(invited_counts)
