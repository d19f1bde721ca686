"""Incremental syncs: every list endpoint takes `changed_since` (an ISO 8601 time with its zone) and
answers the rows changed at or after it, and only those; a row that left a list since then (a school
that left a network, a role that ended, a registration cancelled) comes back once, in its final state.
A bad time is a 422 that says what is wanted. The cursor pages through the changed rows as through
all of them."""

import csv
import io
from datetime import UTC, datetime, timedelta
from urllib.parse import quote

import pytest
import time_machine

from kindred.events.models import Event, Registration
from kindred.events.services import event_update, registration_cancel
from kindred.library.models import Resource
from kindred.networks.models import Membership, Network, NetworkRole
from kindred.networks.services import membership_end, network_role_add, network_role_end, network_update
from kindred.plans.models import DevelopmentPlan
from kindred.schools.models import School, SchoolMeasure
from kindred.voice.models import Consultation
from tests.api.conftest import bearer

pytestmark = pytest.mark.django_db

BEFORE = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)  # the world is made
AFTER = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)  # a change during the day
SINCE = "2026-11-02T03:00:00+01:00"  # last night's sync (02:00 UTC), written in another zone
Q = quote(SINCE)  # as it goes in a URL
TRACKED = (
    School,
    SchoolMeasure,
    Network,
    Membership,
    NetworkRole,
    Event,
    Registration,
    Resource,
    DevelopmentPlan,
    Consultation,
)


@pytest.fixture
def world(api_world, network_x):
    """The API's small world, every row of it written before last night's sync."""
    for model in TRACKED:
        model.objects.update(updated_at=BEFORE)
    return api_world


@pytest.fixture
def daytime():
    with time_machine.travel(AFTER, tick=False):
        yield


def _ids(client, url: str, key: str = "id") -> list:
    response = client.get(url)
    assert response.status_code == 200, response.content
    return [item[key] for item in response.json()["items"]]


def _csv(client, url: str) -> list[dict]:
    response = client.get(url)
    assert response.status_code == 200
    return list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))


def test_a_school_changed_after_the_sync_is_listed_and_one_unchanged_is_not(
    world, school_x, school_y, site_admin, daytime
):
    school_x.name = "Xavier Primary and Nursery"
    school_x.save()
    client = bearer(site_admin)
    assert _ids(client, f"/api/v1/schools?changed_since={Q}", "registry_id") == ["100001"]
    assert sorted(_ids(client, "/api/v1/schools", "registry_id")) == ["100001", "200002"]
    assert [r["registry_id"] for r in _csv(client, f"/api/v1/schools.csv?changed_since={Q}")] == ["100001"]
    geojson = client.get(f"/api/v1/schools.geojson?changed_since={Q}").json()
    assert [f["properties"]["registry_id"] for f in geojson["features"]] == ["100001"]


def test_a_measure_value_changed_in_bulk_is_in_the_measures_export_since_and_the_others_are_not(
    world, school_x, school_y, site_admin, daytime
):
    SchoolMeasure.objects.filter(school=school_y).update(value=98.5)  # as the importer and recompute write
    client = bearer(site_admin)
    rows = _csv(client, f"/api/v1/measures.csv?changed_since={Q}")
    assert [(r["registry_id"], r["value"]) for r in rows] == [("200002", "98.5")]
    assert len(_csv(client, "/api/v1/measures.csv")) == 2
    assert client.get(f"/api/v1/schools/100001/measures?changed_since={Q}").json() == []
    assert len(client.get(f"/api/v1/schools/200002/measures?changed_since={Q}").json()) == 1


def test_networks_events_resources_plans_and_consultations_changed_since_are_listed_alone(
    world, network_x, private_network_x, school_leader_x, system_leader, site_admin, daytime
):
    network_update(network=network_x, by=school_leader_x, purpose="Reading for pleasure")
    event = world["region_event"]
    event_update(event=event, by=site_admin, title="Region B TeachMeet (moved)")
    resource = Resource.objects.get(title="Open reading toolkit")
    resource.title = "Open reading toolkit, second edition"
    resource.save(update_fields=["title"])
    DevelopmentPlan.objects.filter(pk=world["private_plan"].pk).update(summary="Reading and writing")
    client = bearer(site_admin)
    assert _ids(client, f"/api/v1/networks?changed_since={Q}") == [network_x.pk]
    assert _ids(client, f"/api/v1/events?changed_since={Q}") == [event.pk]
    assert _ids(client, f"/api/v1/resources?changed_since={Q}") == [resource.pk]
    assert _ids(client, f"/api/v1/plans?changed_since={Q}") == [world["private_plan"].pk]
    assert _ids(client, f"/api/v1/consultations?changed_since={Q}") == []
    consultation = world["consultation"]
    Consultation.objects.filter(pk=consultation.pk).update(description="Now with a deadline")
    assert _ids(bearer(system_leader), f"/api/v1/consultations?changed_since={Q}") == [consultation.pk]
    assert len(_ids(client, "/api/v1/networks")) == 2  # without the filter: every one, as before


def test_a_school_that_left_a_network_is_in_its_memberships_since_with_the_time_it_left(
    world, network_x, school_leader_x, site_admin, region_a
):
    with time_machine.travel(BEFORE, tick=False):
        newcomer = School.objects.create(registry_id="100009", name="Newcomer", region=region_a)
        membership = network_x.memberships.create(school=newcomer, role="member")
    left = AFTER - timedelta(hours=12)  # before last night's sync, recorded after it: a change since
    with time_machine.travel(AFTER, tick=False):
        membership_end(membership=membership, reason="Merged", by=school_leader_x, at=left)
    url = f"/api/v1/networks/{network_x.pk}/memberships"
    (changed,) = bearer(site_admin).get(url, {"changed_since": SINCE}).json()
    assert changed["registry_id"] == "100009"
    assert changed["left_at"] == left.isoformat().replace("+00:00", "Z")
    assert len(bearer(site_admin).get(url).json()) == 2


def test_a_role_that_ended_and_a_registration_cancelled_since_come_back_once_in_their_final_state(
    world, network_x, school_leader_x, teacher_x, site_admin, daytime
):
    role = network_role_add(network=network_x, user=teacher_x, role="member", by=school_leader_x)
    network_role_end(network_role=role, by=school_leader_x)
    event = world["private_event"]
    (registration,) = event.registrations.all()
    registration_cancel(registration=registration, by=teacher_x)
    client = bearer(school_leader_x)
    roles = client.get(f"/api/v1/networks/{network_x.pk}/roles?changed_since={Q}").json()["items"]
    assert [(r["id"], r["ended_at"] is not None) for r in roles] == [(role.pk, True)]
    assert role.pk not in _ids(
        client, f"/api/v1/networks/{network_x.pk}/roles"
    )  # the full list: current ones
    registrations = client.get(f"/api/v1/events/{event.pk}/registrations?changed_since={Q}").json()
    assert [(r["id"], r["status"]) for r in registrations["items"]] == [(registration.pk, "cancelled")]
    assert _ids(client, f"/api/v1/events/{event.pk}/registrations") == []


def test_the_cursor_pages_through_the_changed_rows_alone_and_a_row_changed_meanwhile_is_not_repeated(
    world, school_x, school_y, region_a, site_admin
):
    with time_machine.travel(AFTER, tick=False):
        for i in range(5):
            School.objects.create(registry_id=f"7{i:05}", name=f"Changed {i}", region=region_a)
    client = bearer(site_admin)
    seen, url = [], f"/api/v1/schools?changed_since={Q}&limit=2"
    answer = client.get(url).json()
    seen += [s["registry_id"] for s in answer["items"]]
    with time_machine.travel(AFTER + timedelta(hours=1), tick=False):
        School.objects.filter(registry_id="700000").update(town="Moved")  # on a page already read
    while answer["next_cursor"]:
        answer = client.get(f"{url}&cursor={answer['next_cursor']}").json()
        seen += [s["registry_id"] for s in answer["items"]]
    assert seen == [f"7{i:05}" for i in range(5)]


@pytest.mark.parametrize(
    "value",
    [
        "2026-11-02T02:00:00",  # no zone
        "2026-11-02",  # a date
        "yesterday",
        "1700000000",  # a Unix time: not ISO 8601
        "0001-01-01T00:00:00+01:00",  # before any UTC time
    ],
)
@pytest.mark.parametrize("path", ["/api/v1/schools", "/api/v1/schools.csv", "/api/v1/networks"])
def test_a_changed_since_that_is_not_a_time_with_its_zone_is_refused_with_what_is_wanted(
    path, value, site_admin
):
    response = bearer(site_admin).get(path, {"changed_since": value})
    assert response.status_code == 422
    (problem,) = response.json()["detail"]
    assert problem["loc"][-1] == "changed_since"
    assert "ISO 8601 date and time with its zone" in problem["msg"] or "out of range" in problem["msg"]


@pytest.mark.parametrize(
    "value",
    [
        "2026-11-02T02:00:00Z",
        "2026-11-02T02:00:00.5+00:00",
        "2026-11-02T03:00+01:00",
        "2026-11-02T03:00:00 01:00",  # "+01:00" not escaped in the URL: its "+" arrives as a space
        "2026-11-02T21:51:00+19:51",  # an offset PostgreSQL would refuse: taken in UTC
    ],
)
def test_a_changed_since_with_its_zone_is_taken_in_any_iso_8601_spelling(value, world, site_admin, daytime):
    School.objects.filter(registry_id="100001").update(town="Changed")
    assert _ids(bearer(site_admin), f"/api/v1/schools?changed_since={quote(value)}", "registry_id") == [
        "100001"
    ]
