from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VoiceConfig(AppConfig):
    name = "kindred.voice"
    verbose_name = _("Consultations")
    default_auto_field = "django.db.models.BigAutoField"
