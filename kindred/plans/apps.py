from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "kindred.plans"
    verbose_name = _("Development plans")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from kindred.networks.panels import panel_register
        from kindred.plans.panels import plans_rollup_context

        # A community of communities' page rolls up its member networks' plans (issue 23, item 5).
        panel_register(template="plans/_rollup.html", context=plans_rollup_context)
