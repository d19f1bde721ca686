"""The events panel of a network's page: its next dates, its calendar, and "New event" for the
network (its coordinators), so that a network's event is made in the network."""

from datetime import timedelta

from django.utils import timezone

from kindred.events import access, selectors
from kindred.events.models import Event
from kindred.networks.models import Network

NEXT_DATES = 3
AHEAD_DAYS = 92


def network_events_context(request, network: Network) -> dict:
    """Two queries (three when the network has repeating events): the network page has already
    checked that the person may see the network, and its events follow the network."""
    user = request.user
    now = timezone.now()
    # Its own events, and those shared by the communities of communities it is in, as far as the
    # reader sees them (a public network's reader may not see a private community above it).
    coming = selectors.entries(
        selectors.network_events(network).filter(
            access.events_visible_q(user), status=Event.Status.SCHEDULED
        ),
        window_start=now,
        window_end=now + timedelta(days=AHEAD_DAYS),
    )
    return {
        "network": network,
        "coming": [entry for entry in coming if not entry.occurrence.cancelled][:NEXT_DATES],
        "may_create": access.may_create_in_network(user, network),
        "public": network.visibility == Network.Visibility.PUBLIC,
    }
