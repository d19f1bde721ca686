"""The network page's impact panel: a link to the network's impact page (networks sits below impact)."""

from django.http import HttpRequest

from kindred.impact.access import may_use_pack
from kindred.impact.models import NetworkEffect
from kindred.networks.access import network_access
from kindred.networks.models import Network


def impact_panel_context(request: HttpRequest, network: Network) -> dict:
    return {
        "network": network,
        "estimated": NetworkEffect.objects.filter(network=network).exists(),
        "may_use_pack": may_use_pack(
            request.user,
            network,
            getattr(network, "viewer_access", None) or network_access(request.user, network),
        ),
    }
