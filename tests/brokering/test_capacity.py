"""A supporting school's capacity: the default from its size, its own word, and what brokering does with it."""

import numpy as np
import pytest

from kindred.audit.models import AuditEvent
from kindred.brokering import services
from kindred.brokering.computing import broker_place
from kindred.brokering.loading import brokering_inputs, default_capacity
from kindred.brokering.models import Capacity, Invitation, Run
from kindred.schools.models import Region, School


def test_the_default_is_one_school_per_started_200_pupils_between_one_and_three(settings):
    settings.BROKERING_PUPILS_PER_PARTNER = 200
    pupils = np.array([np.nan, 0, 50, 200, 201, 400, 401, 5000])
    assert default_capacity(pupils).tolist() == [1, 1, 1, 1, 2, 2, 3, 3]
    settings.BROKERING_CAPACITY_MIN, settings.BROKERING_CAPACITY_MAX = 2, 4
    assert default_capacity(pupils).tolist() == [2, 2, 2, 2, 2, 2, 3, 4]


def test_a_school_leader_sets_the_capacity_and_it_is_audited(client, school_leader_x, school_x):
    client.force_login(school_leader_x)
    url = f"/schools/{school_x.registry_id}/capacity/"
    assert client.get(url).status_code == 200
    response = client.post(url, {"schools": "2"})
    assert response.status_code == 302
    assert Capacity.objects.get(school=school_x).schools == 2
    event = AuditEvent.objects.get(action="brokering.capacity_set")
    assert event.details == {"before": None, "after": 2}
    page = client.get(f"/schools/{school_x.registry_id}/invitations/").content.decode()
    assert "up to 2 schools at once" in page
    client.post(url, {"schools": ""})  # empty: back to the default
    assert not Capacity.objects.filter(school=school_x).exists()


@pytest.mark.parametrize("bad", ["11", "-1", "two"])
def test_bad_capacity_is_refused_with_a_reason_and_changes_nothing(client, system_leader, school_x, bad):
    Capacity.objects.create(school=school_x, schools=1)
    client.force_login(system_leader)
    response = client.post(f"/schools/{school_x.registry_id}/capacity/", {"schools": bad})
    assert response.status_code == 200 and response.context["form"].errors["schools"]
    assert Capacity.objects.get(school=school_x).schools == 1
    assert not AuditEvent.objects.filter(action="brokering.capacity_set").exists()


def test_a_teacher_cannot_set_the_capacity(client, teacher_x, school_x):
    client.force_login(teacher_x)
    assert client.post(f"/schools/{school_x.registry_id}/capacity/", {"schools": "3"}).status_code == 403
    assert not Capacity.objects.exists()


def test_brokering_uses_each_schools_own_capacity_and_reports_unmet_needs_and_why(small_country, client):
    region = max(Region.objects.all(), key=lambda r: r.schools.count())
    inputs = brokering_inputs(region=region)
    supporters = inputs.supporters
    busiest = int(np.argmax(np.where(supporters.blocked, -1, (~np.isnan(supporters.strength)).sum(axis=1))))
    school = School.objects.get(pk=int(inputs.place.pk[supporters.school[busiest]]))
    services.capacity_set(school=school, schools=0, by=None)
    other = School.objects.get(
        pk=int(inputs.place.pk[supporters.school[(busiest + 1) % len(supporters.school)]])
    )
    services.capacity_set(school=other, schools=7, by=None)

    again = brokering_inputs(region=region)
    capacity = dict(
        zip(again.place.pk[again.supporters.school].tolist(), again.supporters.capacity.tolist(), strict=True)
    )
    assert capacity[school.pk] == 0 and capacity[other.pk] == 7
    brokered = broker_place(region=region, allow_unmet=True)
    partners = {int(again.place.pk[again.supporters.school[p.supporter]]) for p in brokered.result.proposals}
    assert school.pk not in partners

    from kindred.accounts.models import RegionalRole, User

    leader = User.objects.create_user(email="capacity.lead@example.org", password=None)
    RegionalRole.objects.create(user=leader, region=region)
    run = services.run_create(kind="brokering", region=region, by=leader)
    services.run_compute(run=run)
    run.refresh_from_db()
    report = run.report
    assert report["unmet"] == report["unmet_no_supporter"] + report["unmet_capacity"]
    assert sum(report["unmet_by_domain"].values()) == report["unmet"]
    assert report["capacity_total"] == int(again.supporters.capacity[~again.supporters.blocked].sum())
    partner = Invitation.objects.filter(proposed_network__run=run, role=Invitation.Role.PARTNER).first()
    assert partner.reasons["capacity"] == capacity[partner.school_id]
    client.force_login(leader)
    page = client.get(run.get_absolute_url()).content.decode()
    assert "Needs left without a partner" in page and "Places the supporting schools offer" in page
    assert run.status == Run.Status.REVIEW


def test_partnerships_a_school_supports_now_take_places_off_its_capacity(school_x, school_y, region_a):
    from kindred.brokering.loading import capacities
    from kindred.networks.models import Network
    from kindred.networks.services import membership_add, network_create

    services.capacity_set(school=school_x, schools=3, by=None)
    pks = np.array([school_x.pk, school_y.pk])
    pupils = np.array([400.0, 400.0])  # default 2
    assert capacities(pks, pupils)[0].tolist() == [3, 2]
    for name in ("First", "Second", "Closed"):
        partnership = network_create(
            name=f"{name} partnership",
            kind=Network.Kind.PARTNERSHIP,
            region=region_a,
            by=None,
            status=Network.Status.ACTIVE,
        )
        membership_add(network=partnership, school=school_x, role="mentor", by=None)
        membership_add(network=partnership, school=school_y, role="mentee", by=None)
    Network.objects.filter(name="Closed partnership").update(status=Network.Status.CLOSED)
    # two open partnerships as mentor take two of X's three places (the closed one none); being
    # mentored costs Y nothing
    assert capacities(pks, pupils)[0].tolist() == [1, 2]
