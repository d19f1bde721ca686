"""The demo's community of communities (issue 23, item 5): the region's system leader starts one over
the coordinator's first two networks (the reading community and the maths network), whose
coordinator accepts both invitations; the leader posts one announcement on its board, which reaches
every person of both networks, and one shared event, which is on both networks' calendars.
Written through the services, as people would do it on the pages, in the country's language."""

from datetime import timedelta

from django.utils import timezone

from kindred import countries
from kindred.accounts.models import User
from kindred.board.services import thread_create
from kindred.core import ratelimit
from kindred.demo.texts import demo_texts
from kindred.events.models import Event
from kindred.events.services import event_create
from kindred.networks.links import link_decide, link_invite
from kindred.networks.models import Network
from kindred.networks.services import network_create
from kindred.schools.models import Region


def demo_communities_create(
    *, region: Region, leader: User, coordinator: User, networks: list[Network]
) -> dict:
    """The community of communities over `networks[:2]`, its announcement and its shared event."""
    words = demo_texts()["communities"]
    parent = network_create(
        name=words["name"],
        kind=Network.Kind.NETWORKS,
        region=region,
        by=leader,
        purpose=words["purpose"],
        status=Network.Status.ACTIVE,
    )
    for member in networks[:2]:
        link = link_invite(parent=parent, member=member, by=leader, message=words["message"])
        link_decide(link=link, accept=True, by=coordinator)
    with ratelimit.suspended():  # seeded by Kindred: the per-person posting limits do not apply
        announcement = thread_create(
            network=parent, by=leader, title=words["announcement"], body=words["body"], pinned=True
        )
    start = (timezone.now() + timedelta(days=27)).replace(hour=9, minute=0, second=0, microsecond=0)
    event = event_create(
        by=leader,
        network=parent,
        kind=Event.Kind.TRAINING,
        title=words["event"],
        starts_at=start,
        ends_at=start + timedelta(hours=6),
        time_zone=countries.profile().time_zone,
        place=words["event_place"],
        staff_roles=["leader", "teacher"],
        skip_holidays=False,
    )
    return {"network": parent, "announcement": announcement, "event": event}
