"""What brokering shows on a network's page (registered in apps.py: networks sits below brokering)."""

from django.http import HttpRequest

from kindred.brokering.models import Invitation
from kindred.networks.models import Network


def invited_context(request: HttpRequest, network: Network) -> dict:
    """The schools a published run invited into `network` that have not answered yet: a network whose
    invitations are pending is forming, not empty."""
    waiting = list(
        Invitation.objects.filter(proposed_network__network=network, status=Invitation.Status.INVITED)
        .select_related("school")
        .order_by("school__name")
    )
    return {"network": network, "waiting": waiting}
