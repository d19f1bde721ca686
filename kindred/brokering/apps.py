from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BrokeringConfig(AppConfig):
    name = "kindred.brokering"
    verbose_name = _("Brokering and network formation")
    default_auto_field = "django.db.models.BigAutoField"
