from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VoiceConfig(AppConfig):
    name = "kindred.voice"
    verbose_name = _("Consultations")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from kindred.networks.panels import panel_register
        from kindred.voice.panels import consultations_rollup_context

        # A community of communities' page rolls up its member networks' consultations (issue 23, item 5).
        panel_register(template="voice/_rollup.html", context=consultations_rollup_context)
