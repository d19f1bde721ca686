"""Tombstones (docs/api.md, "How a sync learns of removals"): a row the API lists that is deleted
outright — in the admin, or with the school or network it belonged to — is listed by
`GET /api/v1/deleted`, with the ids a sync keeps its copy by, since a time, narrowed as the lists."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from kindred.api.models import Deletion
from kindred.events.models import Registration
from kindred.networks.models import Membership
from kindred.schools.models import SchoolMeasure
from tests.api.conftest import bearer

pytestmark = pytest.mark.django_db


def deleted(client, **params) -> list[dict]:
    answer = client.get("/api/v1/deleted", params)
    assert answer.status_code == 200, answer.content
    return answer.json()["items"]


def test_a_deleted_network_is_listed_with_its_memberships_and_plans(
    site_admin, api_world, network_x, school_x
):
    before = timezone.now() - timedelta(seconds=1)
    membership = Membership.objects.get(network=network_x, school=school_x)
    # The admin refuses to delete a network (403); a site administrator's shell or script may.
    network_id = network_x.pk
    network_x.delete()
    api = bearer(site_admin)
    rows = deleted(api, changed_since=before.isoformat())
    kinds = {(r["kind"], r["id"]) for r in rows}
    assert ("network", network_id) in kinds and ("membership", membership.pk) in kinds
    assert ("plan", api_world["plan"].pk) in kinds
    member = next(r for r in rows if r["kind"] == "membership")
    assert member["registry_id"] == school_x.registry_id and member["network"] == network_id
    assert not any(name in str(rows) for name in ("Xavier Learning Community", "Community reading plan"))
    # Asked from after the deletion: nothing.
    assert deleted(api, changed_since=(timezone.now() + timedelta(seconds=1)).isoformat()) == []


def test_an_event_deleted_in_the_admin_page_leaves_tombstones_for_it_and_its_registrations(
    client, site_admin, api_world
):
    event = api_world["private_event"]
    registration = Registration.objects.get(event=event)
    client.force_login(site_admin)
    answer = client.post(f"/admin/events/event/{event.pk}/delete/", {"post": "yes"})
    assert answer.status_code == 302
    rows = deleted(bearer(site_admin), kind="event") + deleted(bearer(site_admin), kind="registration")
    assert {(r["kind"], r["id"], r["network"]) for r in rows} == {
        ("event", event.pk, event.network_id),
        ("registration", registration.pk, event.network_id),
    }


def test_a_deleted_school_takes_its_measure_values_and_says_which(site_admin, api_world, school_y):
    value = SchoolMeasure.objects.get(school=school_y)
    school_y.delete()
    rows = deleted(bearer(site_admin))
    assert {"kind": "school", "registry_id": "200002"}.items() <= next(
        r for r in rows if r["kind"] == "school"
    ).items()
    measure = next(r for r in rows if r["kind"] == "measure_value")
    assert (measure["id"], measure["registry_id"], measure["measure"], measure["year"]) == (
        value.pk,
        "200002",
        "ks2_read",
        2024,
    )


def test_a_region_token_sees_only_its_regions_tombstones(site_admin, api_world, school_y, region_a, region_b):
    school_y.delete()
    assert deleted(bearer(site_admin, region=region_a)) == []
    assert {r["registry_id"] for r in deleted(bearer(site_admin, region=region_b))} == {"200002"}


def test_a_teacher_sees_tombstones_as_ids_only_and_a_bad_kind_finds_nothing(teacher_y, private_network_x):
    private_network_x.delete()
    rows = deleted(bearer(teacher_y))
    assert rows and all(
        set(r) == {"kind", "id", "registry_id", "network", "measure", "year", "deleted_at"} for r in rows
    )
    assert "Private Cluster X" not in str(rows)
    assert deleted(bearer(teacher_y), kind="no-such-kind") == []


def test_tombstones_are_paged_by_id_with_a_cursor(site_admin, db):
    for n in range(3):
        Deletion.objects.create(kind="event", object_id=n + 1)
    api = bearer(site_admin)
    first = api.get("/api/v1/deleted", {"limit": 2}).json()
    assert [r["id"] for r in first["items"]] == [1, 2]
    second = api.get("/api/v1/deleted", {"limit": 2, "cursor": first["next_cursor"]}).json()
    assert [r["id"] for r in second["items"]] == [3] and second["next_cursor"] is None


def test_without_a_token_the_tombstones_are_401(client):
    assert client.get("/api/v1/deleted").status_code == 401


@pytest.mark.parametrize("count", [1, 31])
def test_the_tombstones_take_the_same_queries_for_1_row_or_31(site_admin, region_a, count):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for n in range(count):
        Deletion.objects.create(kind="school", object_id=n + 1, registry_id=f"9{n:05}", region_id=region_a.pk)
    for token in (bearer(site_admin), bearer(site_admin, region=region_a)):
        with time_machine.travel(timezone.now(), tick=False):  # both requests in one rate-limit window
            deleted(token, limit=1)  # opens the token's window
            with CaptureQueriesContext(connection) as queries:
                rows = deleted(token, kind="school", changed_since="2026-01-01T00:00:00Z")
        assert len(rows) == count
        assert len(queries) == 3  # the token (found, counted), then the page of tombstones


def test_a_school_deleted_with_its_values_writes_a_tombstone_each(site_admin, api_world, school_y):
    values = SchoolMeasure.objects.filter(school=school_y).count()
    school_y.delete()
    assert Deletion.objects.filter(kind="measure_value", registry_id="200002").count() == values
    assert Deletion.objects.filter(kind="school").count() == 1
