"""Incremental formation: existing networks keep every member; only schools in no network are placed.

A hand-made region (no evidence needed): two existing networks in town A (8 and 7 schools: one left),
5 schools in no network in town A (the leaver among them) and 9 in town B, 20 km away. With sizes 8–10
the networks have room for exactly town A's five; town B forms a network of its own.
"""

import csv

import pytest
from django.core.management import call_command

from kindred.accounts.models import RegionalRole, User
from kindred.brokering import services
from kindred.brokering.models import Invitation, Run
from kindred.networks.models import Membership, Network
from kindred.networks.services import membership_add, membership_end, network_create
from kindred.schools.models import Region, School


def _school(region, number, lat, lon):
    return School.objects.create(
        registry_id=f"7{number:05d}", name=f"School {number}", region=region, latitude=lat, longitude=lon
    )


@pytest.fixture
def towns(db):
    region = Region.objects.create(code="INC", name="Incremental")
    schools = [_school(region, i, 52.0 + (i % 5) * 0.003, 0.0 + (i // 5) * 0.003) for i in range(20)]
    schools += [_school(region, 100 + i, 52.18 + (i % 3) * 0.003, (i // 3) * 0.003) for i in range(9)]
    networks = []
    for n, members in enumerate([schools[0:8], schools[8:16]]):
        network = network_create(name=f"Existing {n + 1}", kind=Network.Kind.CLUSTER, region=region, by=None)
        for school in members:
            membership_add(network=network, school=school, by=None)
        networks.append(network)
    leaving = networks[1].memberships.get(school=schools[15])
    membership_end(membership=leaving, reason="Closed its sixth form link", by=None)
    return region, networks, schools


def members_now():
    return set(Membership.objects.active().values_list("network_id", "school_id"))


def test_the_command_keeps_every_member_and_places_only_schools_in_no_network(towns, tmp_path, capsys):
    _region, networks, schools = towns
    before = members_now()
    export = tmp_path / "incremental.csv"
    call_command(
        "form-networks",
        "--region",
        "INC",
        "--min-size",
        "8",
        "--max-size",
        "10",
        "--incremental",
        "--export",
        str(export),
        verbosity=0,
    )
    out = capsys.readouterr().out
    with export.open() as stream:
        rows = {row["school_id"]: row for row in csv.DictReader(stream)}
    for network_id, school_id in before:  # no existing member moves
        row = rows[School.objects.get(pk=school_id).registry_id]
        assert (row["network"], row["change"]) == (str(network_id), "kept")
    # The network a school left is filled back to 8 by a newcomer; the far town forms its own network.
    short = networks[1]
    assert sum(r["network"] == str(short.pk) for r in rows.values()) >= 8
    town_b = [rows[s.registry_id] for s in schools[20:]]
    assert {r["change"] for r in town_b} == {"new network"} and len({r["network"] for r in town_b}) == 1
    assert f"changed: Existing 2 (#{short.pk}) 7 → " in out
    assert "2 existing network(s) kept with every member" in out
    assert members_now() == before  # the command writes nothing


def test_a_web_run_proposes_only_the_changes_and_publishing_invites_only_the_newcomers(towns, client):
    region, networks, _schools = towns
    leader = User.objects.create_user(email="inc.lead@example.org", password=None)
    RegionalRole.objects.create(user=leader, region=region)
    client.force_login(leader)
    response = client.post(
        "/brokering/",
        {"kind": "formation", "region": region.pk, "min_size": 8, "max_size": 10, "incremental": "on"},
    )
    run = Run.objects.get()
    assert response.status_code == 302 and run.incremental
    services.run_compute(run=run)  # what the queued job does
    run.refresh_from_db()
    before = members_now()
    proposals = list(run.networks.all())
    extended = [p for p in proposals if p.extends_id]
    assert {p.extends_id for p in extended} <= {n.pk for n in networks} and extended
    invited = set(Invitation.objects.filter(proposed_network__run=run).values_list("school_id", flat=True))
    assert not invited & {school_id for _network, school_id in before}  # existing members are not proposed
    assert run.report["incremental"] and run.report["unplaced"] == 0
    page = client.get(run.get_absolute_url()).content.decode()
    assert "Only the changes are listed" in page and "Joining Existing 2" in page

    services.run_publish(run=run, by=leader)
    assert Network.objects.filter(kind=Network.Kind.CLUSTER).count() == 2 + run.report["new_networks"]
    newcomer = Invitation.objects.filter(proposed_network__extends=networks[1]).first()
    assert newcomer.proposed_network.network_id == networks[1].pk
    services.invitation_answer(invitation=newcomer, accept=True, by=leader)
    assert members_now() == before | {(networks[1].pk, newcomer.school_id)}


def test_incremental_is_refused_for_brokering_with_a_reason(towns, client):
    region, _networks, _schools = towns
    leader = User.objects.create_user(email="inc.lead2@example.org", password=None)
    RegionalRole.objects.create(user=leader, region=region)
    client.force_login(leader)
    response = client.post(
        "/brokering/",
        {"kind": "brokering", "region": region.pk, "min_size": 8, "max_size": 10, "incremental": "on"},
    )
    assert response.status_code == 200 and response.context["form"].errors["incremental"]
    assert not Run.objects.exists()
