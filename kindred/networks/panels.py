"""Panels that apps above networks add to a network's page.

The networks app sits below the apps that live inside a network (the board, events, plans, ...),
so it never imports them; instead each registers a panel here from its AppConfig.ready():

    panel_register(template="board/_recent_threads.html", context=recent_threads_context)

`context(request, network)` returns the panel template's context. The network page has already
checked that the person may see the network; a panel decides what of its own they may see.
Panels appear in the order they were registered (INSTALLED_APPS order).
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from kindred.networks.models import Network


@dataclass(frozen=True)
class Panel:
    template: str
    context: Callable[[HttpRequest, Network], dict]


PANELS: list[Panel] = []


def panel_register(*, template: str, context: Callable[[HttpRequest, Network], dict]) -> None:
    """Show `template`, rendered with `context(request, network)`, on every network's page."""
    panel = Panel(template=template, context=context)
    if panel not in PANELS:
        PANELS.append(panel)


def panels_render(request: HttpRequest, network: Network) -> list[SafeString]:
    """Each registered panel of `network`'s page, rendered for the person asking."""
    return [
        render_to_string(panel.template, panel.context(request, network), request=request) for panel in PANELS
    ]


# Schools invited into a network that have not answered yet, counted by the apps above networks (a
# published brokering or formation run invites schools without a MembershipRequest): a network whose
# invitations wait is forming, not empty (issue 21, item 4). `counter(network_ids)` returns
# {network id: schools waiting}; networks.selectors.invited_counts adds the networks' own invitations.
InvitedCounter = Callable[[list[int]], dict[int, int]]
INVITED_COUNTERS: list[InvitedCounter] = []


def invited_counter_register(counter: InvitedCounter) -> None:
    """Count `counter`'s invitations among the schools invited into each network, waiting to answer."""
    if counter not in INVITED_COUNTERS:
        INVITED_COUNTERS.append(counter)
