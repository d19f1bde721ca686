"""An event's registrations: what its page shows the caller, no more. The organisers (those who
may change the event) see everyone registered, as in the page's "Who is coming"; anyone else who
sees the event sees only their own registrations; who may not see the event gets 404."""

import pytest

from kindred.events.services import registration_create
from tests.api.conftest import bearer

pytestmark = pytest.mark.django_db


def _registrations(client, event) -> tuple[int, list[dict]]:
    response = client.get(f"/api/v1/events/{event.pk}/registrations")
    return response.status_code, response.json().get("items", [])


@pytest.mark.parametrize(
    ("persona", "status", "people"),
    [
        ("school_leader_x", 200, ["teacher.x"]),  # the private network's coordinator: its organiser
        ("site_admin", 200, ["teacher.x"]),
        ("teacher_x", 200, ["teacher.x"]),  # a member, registered: their own registration
        ("school_admin_x", 200, []),  # a member school's administrator, not registered: nobody's
        ("system_leader", 200, []),
        ("teacher_y", 404, []),  # outside the private network: as if the event did not exist
        ("leader_b", 404, []),
    ],
)
def test_a_private_networks_registrations_are_seen_as_its_event_page_shows_them(
    persona, status, people, api_world, request
):
    client = bearer(request.getfixturevalue(persona))
    found, items = _registrations(client, api_world["private_event"])
    assert found == status
    assert [r["person"] for r in items] == people


def test_the_organisers_see_attendance_and_everyone_else_only_their_own_place(
    api_world, school_leader_x, teacher_x
):
    event = api_world["private_event"]
    event.registrations.update(attended=1)
    (organisers_view,) = _registrations(bearer(school_leader_x), event)[1]
    (own_view,) = _registrations(bearer(teacher_x), event)[1]
    assert organisers_view["attended"] == 1 and own_view["attended"] is None
    assert own_view["status"] == "confirmed" and own_view["places"] == 1 and own_view["school"] is None
    assert own_view["occurrence_start"].startswith(event.starts_at.strftime("%Y-%m-%dT%H:%M"))


def test_a_regions_event_shows_its_registrations_to_the_regions_leaders_only(
    api_world, teacher_x, teacher_y, leader_b
):
    event = api_world["region_event"]
    registration_create(event=event, occurrence_start=event.starts_at, by=teacher_y)
    assert [r["person"] for r in _registrations(bearer(leader_b), event)[1]] == ["teacher.y"]
    assert _registrations(bearer(teacher_x), event) == (200, [])


def test_a_cancelled_registration_is_not_listed(api_world, school_leader_x, teacher_x):
    event = api_world["private_event"]
    event.registrations.update(status="cancelled")
    assert _registrations(bearer(school_leader_x), event) == (200, [])


def test_a_region_token_reaches_only_its_regions_events(api_world, site_admin, region_a, region_b):
    event = api_world["private_event"]  # region A's network
    assert _registrations(bearer(site_admin, region=region_b), event)[0] == 404
    assert [r["person"] for r in _registrations(bearer(site_admin, region=region_a), event)[1]] == [
        "teacher.x"
    ]


def test_registrations_are_walked_with_the_cursor_in_the_order_they_were_made(
    api_world, site_admin, school_leader_x, teacher_x, system_leader
):
    event = api_world["private_event"]
    for person in (school_leader_x, system_leader):
        registration_create(event=event, occurrence_start=event.starts_at, by=person)
    client = bearer(site_admin)
    seen, url = [], f"/api/v1/events/{event.pk}/registrations?limit=2"
    while url:
        body = client.get(url).json()
        seen += [r["person"] for r in body["items"]]
        url = f"{url.split('&')[0]}&cursor={body['next_cursor']}" if body["next_cursor"] else None
    assert seen == ["teacher.x", "head.x", "leader.a"]


@pytest.mark.parametrize("event_id", ["18446744073709551615", "9223372036854775808", "0", "-1"])
def test_an_event_id_no_database_can_hold_is_refused_not_a_server_error(api_world, teacher_x, event_id):
    assert bearer(teacher_x).get(f"/api/v1/events/{event_id}/registrations").status_code == 422


def test_an_unknown_event_is_404(api_world, teacher_x):
    assert bearer(teacher_x).get("/api/v1/events/999999/registrations").status_code == 404
