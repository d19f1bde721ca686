"""`{% load board %}{% recent_threads network %}`: a network page shows its board's latest threads.

The network page has already checked that the person may see the network; this only asks whether
they may read its board (members and site administrators), then lists the latest threads.
"""

from django import template

from kindred.accounts.access import is_site_admin
from kindred.board.models import Thread
from kindred.networks.access import is_network_member

register = template.Library()


@register.inclusion_tag("board/_recent_threads.html", takes_context=True)
def recent_threads(context, network, count: int = 5):
    user = context["request"].user
    if not (is_site_admin(user) or is_network_member(user, network)):
        return {"network": network, "threads": None}
    threads = Thread.objects.filter(network=network).order_by("-pinned", "-last_post_at", "-pk")[:count]
    return {"network": network, "threads": list(threads)}
