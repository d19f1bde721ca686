"""Who may manage integrations (docs/api.md, "Integrations"): site administrators, as for every
other account they hold the keys to. Anyone else gets 404 from the integrations' pages, as for
something that is not there."""

from django.http import Http404
from django.shortcuts import get_object_or_404

from kindred.accounts.access import is_site_admin
from kindred.accounts.models import User
from kindred.api.models import Integration


def may_manage_integrations(user: User) -> bool:
    return is_site_admin(user)


def integrations_for_user(user: User) -> None:
    """404 unless `user` may manage integrations."""
    if not may_manage_integrations(user):
        raise Http404("No such page.")


def integration_for_user(user: User, pk: int) -> Integration:
    integrations_for_user(user)
    return get_object_or_404(Integration.objects.select_related("account", "created_by"), pk=pk)
