from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "kindred.plans"
    verbose_name = _("Development plans")
    default_auto_field = "django.db.models.BigAutoField"
