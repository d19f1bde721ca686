"""The demo's messageboards: a few living threads in each demo network, written through the services
(so notifications, read marks and the search index are as real as everything else)."""

from kindred.board import services
from kindred.networks.access import network_member_users
from kindred.networks.models import Network, NetworkRole

THREADS = [
    (
        "Welcome, and how this board works",
        "Welcome to the network's board. Post questions, share what worked, and *mention* a colleague "
        "with @**Their Name** so they hear about it at once. Everything else comes in your daily digest.",
        ["Thanks! Looking forward to the first meeting.", "Is there a shared folder for the minutes?"],
    ),
    (
        "Reading for pleasure: what worked this term",
        "We moved our reading corner next to the library and borrowing doubled. What has worked for you?",
        [
            "A **book swap** before the holidays: pupils bring one, take one.",
            "Parents reading with pupils on Friday mornings. Attendance at it was better than we feared.",
            "We tried [the reading passport](https://example.org/passport) idea — happy to share the template.",
        ],
    ),
    (
        "Moderating writing across our schools",
        "Could we swap three pieces of writing per school before the next meeting and moderate together?",
        ["Yes please. Year 6 or Year 2?", "Both, if we have time; Year 6 first."],
    ),
]


def demo_threads_create(*, networks: list[Network]) -> int:
    """Threads with replies in every network that has members; the first is a pinned announcement."""
    written = 0
    for network in networks:
        people = list(network_member_users(network).order_by("pk")[:6])
        coordinator = (
            NetworkRole.objects.active().filter(network=network, role=NetworkRole.Role.COORDINATOR).first()
        )
        if len(people) < 2 or coordinator is None:
            continue
        for n, (title, body, replies) in enumerate(THREADS):
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
