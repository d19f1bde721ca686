"""Communities of communities (issue 23, item 5) in the permission matrix's world, persona by persona.

The world (test_permission_matrix.world_build): "Matrix communities", private, region A's system
leader its coordinator, has two member networks: the private network of school X (X's leader
coordinates it) and "Matrix sibling", private, of school Y (the site admin coordinates it). So X's
staff and teacher Y read the community (its page, board, announcement, calendar, shared event) and
post nothing there; none of them sees anything private of the other's network; the community's own
coordinator gains nothing below it; someone with no role sees nothing of either.
"""

import pytest
from django.test import Client

from tests.accounts.test_permission_matrix import PERSONAS, statuses, world  # noqa: F401  (the fixture)

pytestmark = pytest.mark.django_db

READERS = statuses(200, no_school_user=404, anonymous=302)
# The sibling (school Y's private network): its member (teacher Y) and its coordinator (site admin);
# region A's system leader, who coordinates the community above it, does not see it (region B's).
SIBLING = statuses(404, site_admin=200, teacher_y=200, anonymous=302)
# The private network of school X: its members, its region's system leader; not teacher Y.
MEMBER_X = statuses(200, teacher_y=404, no_school_user=404, anonymous=302)


def _found(built) -> dict:
    return built.extra["communities"]


CASES = {
    "the community's page": (READERS, lambda c: f"/networks/{c['parent'].pk}/"),
    "the community's member networks": (READERS, lambda c: f"/networks/{c['parent'].pk}/networks/"),
    # Its board: read by the people of its member networks; the site admin reads every board.
    "the community's board": (READERS, lambda c: f"/board/networks/{c['parent'].pk}/"),
    "the announcement": (READERS, lambda c: f"/board/threads/{c['announcement'].pk}/"),
    # Only its coordinators post announcements: readers get 403, outsiders 404.
    "a new announcement": (
        statuses(403, system_leader=200, no_school_user=404, anonymous=302),
        lambda c: f"/board/networks/{c['parent'].pk}/new/",
    ),
    "the community's calendar": (READERS, lambda c: f"/events/networks/{c['parent'].pk}/"),
    "the shared event": (READERS, lambda c: f"/events/{c['event'].pk}/"),
    # Nothing private of a sibling network.
    "the sibling's page": (SIBLING, lambda c: f"/networks/{c['sibling'].pk}/"),
    "the sibling's calendar": (SIBLING, lambda c: f"/events/networks/{c['sibling'].pk}/"),
    "the sibling's event": (SIBLING, lambda c: f"/events/{c['sibling_event'].pk}/"),
    "the sibling's board": (
        statuses(404, site_admin=200, teacher_y=200, anonymous=302),
        lambda c: f"/board/networks/{c['sibling'].pk}/",
    ),
    "the member network of X's page": (MEMBER_X, lambda c: f"/networks/{c['member'].pk}/"),
    "the member network of X's calendar": (MEMBER_X, lambda c: f"/events/networks/{c['member'].pk}/"),
}


def test_communities_of_communities_answer_every_persona_as_declared(world, settings):  # noqa: F811
    settings.AXES_ENABLED = False
    found = _found(world)
    wrong = []
    for persona in PERSONAS:
        client = Client()
        user = world.personas[persona]
        if user is not None:
            client.force_login(user)
        for case, (expected, url) in CASES.items():
            address = url(found)
            status = client.get(address).status_code
            if status != expected[persona]:
                wrong.append(f"{persona} GET {address} ({case}): {status}, expected {expected[persona]}")
    assert wrong == [], "\n".join(wrong)


def test_a_member_networks_person_may_not_reply_to_an_announcement(world, client):  # noqa: F811
    found = _found(world)
    client.force_login(world.personas["teacher_x"])
    response = client.post(f"/board/threads/{found['announcement'].pk}/reply/", {"body": "Hello"})
    assert response.status_code == 403
    assert found["announcement"].posts.count() == 1


def test_the_sibling_private_networks_events_are_not_on_the_member_of_xs_calendar(world, client):  # noqa: F811
    client.force_login(world.personas["teacher_x"])
    page = client.get("/events/mine/?view=list&month=2030-02").content.decode()
    assert "Matrix shared training" in page
    assert "Matrix sibling meeting" not in page
