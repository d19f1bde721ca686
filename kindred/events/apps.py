from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "kindred.events"
    label = "events"
    verbose_name = _("Events")

    def ready(self) -> None:
        from kindred.events.panels import network_events_context
        from kindred.networks.panels import panel_register

        # A network's page links to its calendar and to "New event" for it (networks sits below events).
        panel_register(template="events/_network_panel.html", context=network_events_context)
