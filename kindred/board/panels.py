"""The board's panel on a network's page: its latest threads (registered in BoardConfig.ready()).

The network page has already checked that the person may see the network; this only asks whether
they may read its board (members, site administrators, the leaders over an informal group's members), then lists the latest threads.
"""

from kindred.accounts.access import is_site_admin
from kindred.board.models import Thread
from kindred.networks.access import is_network_member, is_reached_through_links, may_moderate_group

RECENT_THREADS = 5


def recent_threads_context(request, network, count: int = RECENT_THREADS) -> dict:
    user = request.user
    if not (
        is_site_admin(user)
        or is_network_member(user, network)
        or is_reached_through_links(user, network)
        or may_moderate_group(user, network)
    ):
        return {"network": network, "threads": None}
    threads = Thread.objects.filter(network=network).order_by("-pinned", "-last_post_at", "-pk")[:count]
    return {"network": network, "threads": list(threads)}
