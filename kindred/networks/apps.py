from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NetworksConfig(AppConfig):
    name = "kindred.networks"
    label = "networks"
    verbose_name = _("Networks")

    def ready(self) -> None:
        from kindred.networks import signals  # noqa: F401  (ends roles when an account is deleted)
        from kindred.networks.importing import memberships_import
        from kindred.schools.importing.commands import ImportCommand, import_command_register

        # `kindred import memberships FILE` (the import command lives below networks, in schools)
        import_command_register(
            ImportCommand(
                name="memberships",
                help="a network's history: school_id,network,joined,left (docs/impact.md)",
                run=memberships_import,
            )
        )
