"""Events written through the API: making one (for a network, a school or a region), registering
for a date of one, cancelling a registration (the place goes to the first on the waiting list).
The events pages' access rule and services decide, so each persona may do what the pages let them,
a refused write changes nothing, and each write is in the audit log under the token's person."""

import json
from datetime import UTC, datetime, timedelta

import pytest

from kindred.audit.models import AuditEvent
from kindred.events.models import Event, Registration
from kindred.events.services import event_create, registration_create
from tests.api.conftest import bearer

pytestmark = pytest.mark.django_db

START = datetime(2031, 3, 4, 15, 30, tzinfo=UTC)


def post(client, url: str, body: dict | None = None):
    return client.post(url, data=json.dumps(body or {}), content_type="application/json")


def writer(user, **options):
    return bearer(user, scope="write", **options)


def _event_body(**owner) -> dict:
    return {
        "kind": "training",
        "title": "Phonics in practice",
        "starts_at": START.isoformat(),
        "ends_at": (START + timedelta(hours=2)).isoformat(),
        **owner,
    }


def test_a_coordinator_makes_a_networks_event_and_it_is_audited_as_theirs(network_x, school_leader_x):
    response = post(writer(school_leader_x), "/api/v1/events", _event_body(network=network_x.pk, capacity=30))
    assert response.status_code == 201, response.content
    body = response.json()
    event = Event.objects.get(pk=body["id"])
    assert (event.network, event.title, event.capacity, event.starts_at) == (
        network_x,
        "Phonics in practice",
        30,
        START,
    )
    assert body["network"] == network_x.pk and body["status"] == "scheduled"
    audit = AuditEvent.objects.get(action="event.created")
    assert audit.actor == school_leader_x and audit.object_id == str(event.pk)


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("school_leader_x", 201),
        ("site_admin", 201),
        ("school_admin_x", 403),
        ("teacher_x", 403),
        ("system_leader", 403),
        ("teacher_y", 404),
        ("leader_b", 404),
        ("no_school_user", 404),
    ],
)
def test_only_a_private_networks_coordinators_make_its_events(persona, status, private_network_x, request):
    client = writer(request.getfixturevalue(persona))
    response = post(client, "/api/v1/events", _event_body(network=private_network_x.pk))
    assert response.status_code == status, response.content
    assert Event.objects.filter(network=private_network_x).exists() == (status == 201)


@pytest.mark.parametrize(
    ("persona", "status"),
    [("school_admin_x", 201), ("teacher_x", 403), ("teacher_y", 403), ("site_admin", 201)],
)
def test_a_schools_events_are_made_by_its_leaders_and_administrators(persona, status, school_x, request):
    response = post(writer(request.getfixturevalue(persona)), "/api/v1/events", _event_body(school="100001"))
    assert response.status_code == status, response.content
    if status == 201:
        assert response.json()["host_school"] == "100001"  # a school hosts its own events


@pytest.mark.parametrize(
    ("persona", "status"), [("system_leader", 201), ("leader_b", 403), ("teacher_x", 403)]
)
def test_a_regions_events_are_made_by_its_system_leaders(persona, status, region_a, request):
    response = post(writer(request.getfixturevalue(persona)), "/api/v1/events", _event_body(region="A"))
    assert response.status_code == status, response.content


def test_bad_events_are_422_and_nothing_is_made(network_x, school_leader_x, school_y):
    client = writer(school_leader_x)
    backwards = _event_body(network=network_x.pk, ends_at=(START - timedelta(hours=1)).isoformat())
    refusals = [
        backwards,
        _event_body(network=network_x.pk, school="100001"),  # two owners
        _event_body(),  # none
        _event_body(network=network_x.pk, kind="party"),
        _event_body(network=network_x.pk, staff_roles=["astronaut"]),
        _event_body(network=network_x.pk, host_school="200002"),  # not a member school
        _event_body(network=network_x.pk, time_zone="Mars/Olympus", starts_at="2031-03-04T15:30:00"),
        _event_body(network=network_x.pk, rrule="FREQ=SOMETIMES"),
    ]
    for body in refusals:
        response = post(client, "/api/v1/events", body)
        assert response.status_code == 422, (body, response.content)
        assert response.json()["detail"]
    assert not Event.objects.exists()
    assert not AuditEvent.objects.filter(action="event.created").exists()


def test_a_time_without_an_offset_is_a_wall_clock_time_in_the_events_zone(network_x, school_leader_x):
    body = _event_body(
        network=network_x.pk,
        time_zone="Europe/London",
        starts_at="2031-07-01T09:00:00",
        ends_at="2031-07-01T10:00:00",
    )
    response = post(writer(school_leader_x), "/api/v1/events", body)
    assert response.status_code == 201, response.content
    assert Event.objects.get().starts_at == datetime(2031, 7, 1, 8, 0, tzinfo=UTC)  # British Summer Time


@pytest.fixture
def small_event(private_network_x, school_leader_x):
    """The private network's event with one place."""
    return event_create(
        by=school_leader_x,
        network=private_network_x,
        kind="training",
        title="One place only",
        starts_at=START,
        ends_at=START + timedelta(hours=1),
        capacity=1,
    )


def _register(client, event, **extra):
    body = {"occurrence_start": event.starts_at.isoformat(), **extra}
    return post(client, f"/api/v1/events/{event.pk}/registrations", body)


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("teacher_x", 201),
        ("school_admin_x", 201),
        ("system_leader", 201),  # region A's leader sees region A's private network's events
        ("teacher_y", 404),
        ("leader_b", 404),
        ("no_school_user", 404),
    ],
)
def test_whoever_sees_the_event_registers_and_nobody_else(persona, status, small_event, request):
    response = _register(writer(request.getfixturevalue(persona)), small_event)
    assert response.status_code == status, response.content
    assert Registration.objects.filter(event=small_event).exists() == (status == 201)


def test_a_full_event_puts_the_next_on_the_waiting_list_and_a_cancellation_gives_them_the_place(
    small_event, teacher_x, school_admin_x
):
    first = _register(writer(teacher_x), small_event).json()
    second = _register(writer(school_admin_x), small_event).json()
    assert (first["status"], second["status"]) == ("confirmed", "waiting")
    response = post(writer(teacher_x), f"/api/v1/registrations/{first['id']}/cancel")
    assert response.status_code == 200, response.content
    assert response.json() == {"id": first["id"], "status": "cancelled", "promoted": [second["id"]]}
    assert Registration.objects.get(pk=second["id"]).status == "confirmed"
    cancelled = AuditEvent.objects.get(action="event.registration_cancelled")
    assert cancelled.actor == teacher_x
    assert AuditEvent.objects.filter(action="event.registration_promoted").count() == 1


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("teacher_x", 200),  # their own
        ("school_leader_x", 200),  # the organiser
        ("site_admin", 200),
        ("school_admin_x", 403),  # sees the event, not their registration
        ("teacher_y", 404),
    ],
)
def test_a_registration_is_cancelled_by_its_person_or_the_organisers_only(
    persona, status, small_event, teacher_x, request
):
    registration = registration_create(
        event=small_event, occurrence_start=small_event.starts_at, by=teacher_x
    )
    response = post(
        writer(request.getfixturevalue(persona)), f"/api/v1/registrations/{registration.pk}/cancel"
    )
    assert response.status_code == status, response.content
    registration.refresh_from_db()
    assert (registration.status == "cancelled") == (status == 200)


def test_registering_refusals_are_422_and_nothing_is_written(small_event, teacher_x, school_admin_x):
    client = writer(teacher_x)
    not_a_date = _register(client, small_event, occurrence_start=(START + timedelta(minutes=5)).isoformat())
    assert not_a_date.status_code == 422
    assert _register(client, small_event, occurrence_start="2031-03-04T15:30:00").status_code == 422
    assert _register(client, small_event, school="100001", pupils=20).status_code == 422  # not their school
    assert _register(writer(school_admin_x), small_event, school="100001", pupils=20).status_code == 422
    assert _register(client, small_event).status_code == 201
    again = _register(client, small_event)
    assert again.status_code == 422 and "Already registered" in again.json()["detail"]
    assert Registration.objects.count() == 1


def test_a_schools_leaders_register_a_group_of_its_pupils(small_event, school_admin_x):
    Event.objects.filter(pk=small_event.pk).update(for_pupils=True, capacity=None)
    response = _register(writer(school_admin_x), small_event, school="100001", pupils=20)
    assert response.status_code == 201, response.content
    assert (response.json()["school"], response.json()["places"]) == ("100001", 20)


def test_a_read_token_or_another_regions_token_writes_no_event(
    network_x, school_leader_x, site_admin, region_b
):
    assert (
        post(bearer(school_leader_x), "/api/v1/events", _event_body(network=network_x.pk)).status_code == 403
    )
    elsewhere = writer(site_admin, region=region_b)
    assert post(elsewhere, "/api/v1/events", _event_body(network=network_x.pk)).status_code == 404
    assert not Event.objects.exists()
