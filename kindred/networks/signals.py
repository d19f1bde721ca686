"""Networks listen to one signal from below: an account being deleted ends the person's roles,
unless they are the last coordinator of a network (then the deletion is refused)."""

from django.dispatch import receiver

from kindred.accounts.services import account_deleting
from kindred.networks.services import network_roles_end_for_account


@receiver(account_deleting, dispatch_uid="kindred_networks_account_deleting")
def end_network_roles(sender, user, **kwargs):
    network_roles_end_for_account(user=user)
