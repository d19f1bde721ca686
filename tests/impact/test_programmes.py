"""Programmes: a region's system leaders group networks, see who took part over time, and estimate the
programme's effect on its networks' schools (issue #25.1)."""

import csv
import datetime as dt
import io
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from kindred.accounts.models import RegionalRole, User
from kindred.audit.models import AuditEvent
from kindred.events.models import Event, Registration
from kindred.impact.exports import EFFECT_COLUMNS
from kindred.impact.ledger import ledger
from kindred.impact.models import Programme, ProgrammeEffect
from kindred.impact.selectors import programme_effects
from kindred.impact.services import programme_create, programme_network_add
from kindred.networks.models import Membership, Network

pytestmark = pytest.mark.django_db


def aware(*args) -> dt.datetime:
    return timezone.make_aware(dt.datetime(*args))


@pytest.fixture
def leader_b(region_b):
    user = User.objects.create_user(email="leader.b@example.org", password="x", full_name="Leader B")
    RegionalRole.objects.create(user=user, region=region_b)
    return user


@pytest.fixture
def programme(region_a, system_leader):
    return programme_create(name="Reading round 2024", kind="brokering", region=region_a, by=system_leader)


def test_a_system_leader_starts_a_programme_and_adds_its_networks_through_the_pages(
    region_a, system_leader, network_x
):
    client = Client()
    client.force_login(system_leader)
    assert "Programmes" in client.get("/").content.decode()  # in the leaders' navigation
    answer = client.post(
        "/impact/programmes/new/",
        {"name": "Reading round", "kind": "scheme", "region": region_a.pk, "funder": "The Trust"},
    )
    programme = Programme.objects.get(name="Reading round")
    assert answer.status_code == 302 and answer["Location"] == programme.get_absolute_url()
    client.post(f"/impact/programmes/{programme.pk}/networks/", {"network": network_x.pk})
    assert list(programme.networks.all()) == [network_x]
    assert client.get(f"/impact/programmes/{programme.pk}/").status_code == 200
    client.post(
        f"/impact/programmes/{programme.pk}/change/",
        {
            "name": "Reading round two",
            "kind": "scheme",
            "funder": "",
            "description": "",
            "starts_on": "2024-09-01",
        },
    )
    programme.refresh_from_db()
    assert (programme.name, programme.starts_on) == ("Reading round two", dt.date(2024, 9, 1))
    actions = set(
        AuditEvent.objects.filter(object_type="impact.programme", object_id=str(programme.pk)).values_list(
            "action", flat=True
        )
    )
    assert actions == {"programme.created", "programme.network_added", "programme.changed"}
    client.post(f"/impact/programmes/{programme.pk}/networks/{network_x.pk}/remove/")
    assert programme.networks.count() == 0 and Network.objects.filter(pk=network_x.pk).exists()


def test_a_network_of_another_region_is_refused_with_the_reason_and_nothing_changes(
    programme, system_leader, school_y
):
    elsewhere = Network.objects.create(name="Yew cluster", kind=Network.Kind.CLUSTER, region=school_y.region)
    Membership.objects.create(network=elsewhere, school=school_y)
    with pytest.raises(Exception, match="is not in Region A"):
        programme_network_add(programme=programme, network=elsewhere, by=system_leader)
    assert programme.networks.count() == 0


def test_a_name_taken_in_the_region_or_an_end_before_the_start_is_refused_on_the_form(
    programme, region_a, system_leader
):
    client = Client()
    client.force_login(system_leader)
    taken = client.post(
        "/impact/programmes/new/", {"name": "reading ROUND 2024", "kind": "scheme", "region": region_a.pk}
    )
    assert taken.status_code == 400 and "already has a programme of that name" in taken.content.decode()
    backwards = client.post(
        "/impact/programmes/new/",
        {
            "name": "Other",
            "kind": "scheme",
            "region": region_a.pk,
            "starts_on": "2025-01-01",
            "ends_on": "2024-01-01",
        },
    )
    assert backwards.status_code == 400 and "cannot end before it starts" in backwards.content.decode()
    assert Programme.objects.count() == 1


@pytest.mark.parametrize(
    "who, list_status, page_status",
    [
        ("teacher_x", 403, 404),
        ("school_leader_x", 403, 404),
        ("no_school_user", 403, 404),
        ("leader_b", 200, 404),
        ("system_leader", 200, 200),
        ("site_admin", 200, 200),
    ],
)
def test_only_the_regions_leaders_see_or_change_a_programme(
    request, programme, personas, leader_b, who, list_status, page_status
):
    user = leader_b if who == "leader_b" else personas[who]
    client = Client()
    client.force_login(user)
    assert client.get("/impact/programmes/").status_code == list_status
    for address in ("", "change/", "effects.csv", "participation.csv", "participation-by-year.csv"):
        assert client.get(f"/impact/programmes/{programme.pk}/{address}").status_code == page_status
    answer = client.post(
        f"/impact/programmes/{programme.pk}/change/", {"name": "Taken over", "kind": "other"}
    )
    assert answer.status_code == (302 if page_status == 200 else 404)
    if page_status == 404:
        assert Programme.objects.get(pk=programme.pk).name == "Reading round 2024"


def test_the_other_regions_leader_does_not_see_the_programme_in_the_list(programme, leader_b):
    client = Client()
    client.force_login(leader_b)
    assert "Reading round 2024" not in client.get("/impact/programmes/").content.decode()


def test_anonymous_visitors_are_sent_to_sign_in(programme):
    assert Client().get(f"/impact/programmes/{programme.pk}/").status_code == 302


def test_the_programme_ledger_counts_each_school_once_over_its_networks_and_by_school_year(
    programme, system_leader, region_a, school_x, teacher_x
):
    """School X in two networks of the programme, spells overlapping for 100 days: 300 days, not 400;
    a partnership's mentor and mentee with its length; events and places by the school year they fell in."""
    from kindred.schools.models import School

    school_z = School.objects.create(registry_id="100003", name="Zed Primary", region=region_a)
    cluster = Network.objects.create(name="Cluster", kind=Network.Kind.CLUSTER, region=region_a)
    pair = Network.objects.create(name="Pair", kind=Network.Kind.PARTNERSHIP, region=region_a)
    Membership.objects.create(
        network=cluster, school=school_x, joined_at=aware(2023, 10, 1), left_at=aware(2024, 4, 28)
    )
    Membership.objects.create(
        network=pair, school=school_x, role="mentor", joined_at=aware(2024, 1, 19), left_at=aware(2024, 7, 27)
    )
    Membership.objects.create(
        network=pair, school=school_z, role="mentee", joined_at=aware(2024, 1, 19), left_at=aware(2024, 7, 27)
    )
    for network in (cluster, pair):
        programme_network_add(programme=programme, network=network, by=system_leader)
    for start in (aware(2024, 3, 1, 9), aware(2024, 10, 1, 9)):
        event = Event.objects.create(
            network=cluster,
            kind="training",
            title="Visit",
            starts_at=start,
            ends_at=start + dt.timedelta(hours=3),
            host_school=school_x,
        )
        Registration.objects.create(
            event=event, occurrence_start=start, user=teacher_x, status="confirmed", attended=1
        )
    found = ledger(networks=[cluster, pair])
    by_school = {row.school: row for row in found.schools}
    assert by_school[school_x].days_member == (aware(2024, 7, 27) - aware(2023, 10, 1)).days
    assert (by_school[school_x].events_hosted, by_school[school_x].staff_places_used) == (2, 2)
    assert [(y.year, y.schools, y.events_hosted, y.staff_places_used) for y in found.years] == [
        (2023, 2, 1, 1),
        (2024, 0, 1, 1),
    ]
    (partnership,) = found.partnerships
    assert (partnership.mentors, partnership.mentees, partnership.days) == ((school_x,), (school_z,), 190)
    assert found.teachers == 1
    client = Client()
    client.force_login(system_leader)
    rows = list(
        csv.reader(
            io.StringIO(
                client.get(f"/impact/programmes/{programme.pk}/participation-by-year.csv").content.decode()
            )
        )
    )
    assert rows == [
        [
            "school_year",
            "schools",
            "events_hosted",
            "staff_places_used",
            "pupils_attended",
            "posts",
            "plan_actions_done",
        ],
        ["2023", "2", "1", "1", "0", "0", "0"],
        ["2024", "0", "1", "1", "0", "0", "0"],
    ]


def test_the_command_exports_the_programmes_effect_over_all_its_networks_schools(
    planted, region_a, system_leader, tmp_path
):
    _programme, networks = planted
    programme = programme_create(name="Planted", kind="scheme", region=region_a, by=system_leader)
    chosen = list(networks.values())[:4]
    for network in chosen:
        programme_network_add(programme=programme, network=network, by=system_leader)
    target = tmp_path / "programme.csv"
    out = StringIO()
    call_command("impact", programme=programme.pk, export=target, stdout=out)
    rows = list(csv.DictReader(target.open()))
    assert tuple(rows[0]) == EFFECT_COLUMNS
    (row,) = rows
    live = programme_effects(programme=programme)[0].estimate
    schools = {m for n in chosen for m in n.memberships.values_list("school_id", flat=True)}
    assert row["unit"] == "Planted" and row["measure"] == "attainment"
    assert float(row["effect"]) == pytest.approx(live.overall.effect, rel=1e-5)
    assert int(row["schools"]) == live.overall.schools <= len(schools)
    assert float(row["lower"]) < float(row["effect"]) < float(row["upper"])
    # the recompute stores the same programme effect for the page
    call_command("impact", recompute=True, stdout=StringIO())
    stored = ProgrammeEffect.objects.get(programme=programme)
    assert stored.effect == pytest.approx(live.overall.effect)
    client = Client()
    client.force_login(system_leader)
    html = client.get(programme.get_absolute_url()).content.decode()
    assert f"{stored.effect:.2f}" in html and f"{stored.lower:.2f}" in html


def test_the_command_refuses_an_unknown_programme_or_one_without_networks(programme, tmp_path):
    target = tmp_path / "out.csv"
    with pytest.raises(CommandError, match="No programme with id 999"):
        call_command("impact", programme=999, export=target)
    with pytest.raises(CommandError, match="has no networks yet"):
        call_command("impact", programme=programme.pk, export=target)
    with pytest.raises(CommandError, match="not both"):
        call_command("impact", programme=programme.pk, network=1)
    assert not target.exists()
