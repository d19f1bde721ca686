from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FrameworksConfig(AppConfig):
    name = "kindred.frameworks"
    verbose_name = _("Self-evaluation")
    default_auto_field = "django.db.models.BigAutoField"
