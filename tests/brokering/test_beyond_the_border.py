"""Brokering with "another authority" from the web form, and beyond the region's border to its
neighbours (issue 21, item 2)."""

import pytest
from django.core.management import CommandError, call_command

from kindred.accounts.models import RegionalRole, User
from kindred.brokering import services
from kindred.brokering.loading import neighbouring_regions
from kindred.brokering.models import Invitation, Run
from kindred.schools.models import LocalAuthority, Region, School


def _school(region, number, lat, lon, authority=None):
    return School.objects.create(
        registry_id=f"8{number:05d}",
        name=f"Border {number}",
        region=region,
        local_authority=authority,
        latitude=lat,
        longitude=lon,
    )


def test_the_neighbours_are_the_regions_with_a_school_near_the_border(db):
    home, near, far = (
        Region.objects.create(code=c, name=n) for c, n in (("H", "Home"), ("N", "Near"), ("F", "Far"))
    )
    _school(home, 1, 52.0, 0.0)
    _school(home, 2, 52.0, 0.3)
    _school(near, 3, 52.15, 0.3)  # 16.7 km north of school 2
    _school(far, 4, 55.0, 0.0)  # 333 km away
    closed = _school(far, 5, 52.05, 0.0)
    closed.status = School.Status.CLOSED
    closed.save()
    assert neighbouring_regions(home, km=25) == [near]
    assert neighbouring_regions(home, km=10) == []
    assert set(neighbouring_regions(home, km=400)) == {near, far}


@pytest.fixture
def one_authority_region(small_country, settings):
    """The largest region, its schools all moved into one authority; neighbours within 100 km."""
    settings.BROKERING_NEIGHBOUR_KM = 100
    region = max(Region.objects.all(), key=lambda r: r.schools.count())
    authority = LocalAuthority.objects.filter(region=region).first()
    School.objects.filter(region=region).update(local_authority=authority)
    return region


@pytest.fixture
def leader(one_authority_region):
    user = User.objects.create_user(email="border.lead@example.org", password=None)
    RegionalRole.objects.create(user=user, region=one_authority_region)
    return user


def test_another_authority_in_a_one_authority_region_looks_to_the_neighbours(one_authority_region, leader):
    region = one_authority_region
    assert neighbouring_regions(region, km=100), "the generated country has regions near each other"
    run = services.run_create(kind="brokering", region=region, by=leader, other_authority=True)
    services.run_compute(run=run)
    run.refresh_from_db()
    assert run.status == Run.Status.REVIEW
    assert run.report["neighbours_because"] == "one_authority" and run.report["neighbour_regions"]
    assert run.report["proposals"] > 0
    for pair in run.networks.prefetch_related("invitations__school"):
        need = next(i.school for i in pair.invitations.all() if i.role == Invitation.Role.NEED)
        partner = next(i.school for i in pair.invitations.all() if i.role == Invitation.Role.PARTNER)
        assert need.region_id == region.pk
        assert partner.region_id != region.pk and partner.local_authority_id != need.local_authority_id
        assert partner.region.name in run.report["neighbour_regions"]


def test_without_the_rule_partners_stay_inside_the_region(one_authority_region, leader):
    run = services.run_create(kind="brokering", region=one_authority_region, by=leader)
    services.run_compute(run=run)
    run.refresh_from_db()
    assert run.report["neighbours_because"] == "" and run.report["neighbour_regions"] == []
    partners = Invitation.objects.filter(proposed_network__run=run, role=Invitation.Role.PARTNER)
    assert partners.exists() and not partners.exclude(school__region=one_authority_region).exists()


def test_looking_beyond_the_border_brokers_only_the_region_s_own_needs(one_authority_region, leader):
    run = services.run_create(kind="brokering", region=one_authority_region, by=leader, neighbours=True)
    services.run_compute(run=run)
    run.refresh_from_db()
    assert run.report["neighbours_because"] == "asked"
    needs = Invitation.objects.filter(proposed_network__run=run, role=Invitation.Role.NEED)
    assert needs.exists() and not needs.exclude(school__region=one_authority_region).exists()


def test_the_web_form_offers_another_authority_and_the_neighbours(client, one_authority_region, leader):
    client.force_login(leader)
    form = client.get("/brokering/").content.decode()
    assert "Partners from another authority only" in form and "Look beyond the region" in form
    response = client.post(
        "/brokering/",
        {
            "kind": "brokering",
            "region": one_authority_region.pk,
            "min_size": 8,
            "max_size": 15,
            "other_authority": "on",
        },
    )
    assert response.status_code == 302
    run = Run.objects.get()
    assert run.other_authority and not run.neighbours
    services.run_compute(run=run)  # what the queued job does
    page = client.get(run.get_absolute_url()).content.decode()
    assert "Partners may also come from the neighbouring regions" in page
    assert "so partners from another are looked for beyond the border" in page


def test_formation_refuses_the_brokering_rules_with_a_reason(client, one_authority_region, leader):
    client.force_login(leader)
    response = client.post(
        "/brokering/",
        {
            "kind": "formation",
            "region": one_authority_region.pk,
            "min_size": 8,
            "max_size": 15,
            "neighbours": "on",
        },
    )
    assert response.status_code == 200 and response.context["form"].errors["neighbours"]
    assert not Run.objects.exists()


def test_the_command_needs_a_region_to_look_beyond(one_authority_region):
    with pytest.raises(CommandError, match="--neighbours needs --region"):
        call_command("broker", "--neighbours", verbosity=0)
