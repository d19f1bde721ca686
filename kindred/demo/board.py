"""The demo's messageboards: a few living threads in each demo network, written through the services
(so notifications, read marks and the search index are as real as everything else), in the
country's language (demo/texts.py)."""

from kindred.board import services
from kindred.core import ratelimit
from kindred.demo.texts import demo_texts
from kindred.networks.access import network_member_users
from kindred.networks.models import Network, NetworkRole


def demo_threads_create(*, networks: list[Network]) -> int:
    """Threads with replies in every network that has members; the first is a pinned announcement.
    Seeded by Kindred, not typed by people: the per-person posting limits do not apply."""
    with ratelimit.suspended():
        return _threads_create(networks)


def _threads_create(networks: list[Network]) -> int:
    written = 0
    for network in networks:
        people = list(network_member_users(network).order_by("pk")[:6])
        coordinator = (
            NetworkRole.objects.active().filter(network=network, role=NetworkRole.Role.COORDINATOR).first()
        )
        if len(people) < 2 or coordinator is None:
            continue
        for n, (title, body, replies) in enumerate(demo_texts()["threads"]):
            author = coordinator.user if n == 0 else people[n % len(people)]
            text = body
            if n == 1 and len(people) > 2:
                text += f" @**{people[2].full_name or people[2].email}**"
            thread = services.thread_create(
                network=network, by=author, title=title, body=text, pinned=(n == 0)
            )
            for k, reply in enumerate(replies):
                replier = people[(n + k + 1) % len(people)]
                if replier.pk == author.pk:
                    replier = people[(n + k + 2) % len(people)]
                services.post_reply(thread=thread, by=replier, body=reply)
                written += 1
            written += 1
    return written
