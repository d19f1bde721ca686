"""Brokering and network formation never mix countries unless a leader asks (issue 23 item 1): a
supporter in another country is never proposed unless the run says so ("partners in other countries
too", off by default, on the form and the command)."""

import pytest
from django.core.management import CommandError, call_command

from kindred.accounts.models import RegionalRole, User
from kindred.brokering import services
from kindred.brokering.computing import broker_place, form_place
from kindred.brokering.forms import RunForm
from kindred.brokering.loading import neighbouring_regions
from kindred.brokering.models import Invitation, Run
from kindred.schools.models import Region, School


@pytest.fixture
def two_countries(small_country, settings):
    """The generated country's largest region stays English; every region near it becomes Welsh."""
    settings.COUNTRY, settings.COUNTRIES = "eng", ["wls"]
    settings.BROKERING_NEIGHBOUR_KM = 100
    home = max(Region.objects.all(), key=lambda r: r.schools.count())
    near = neighbouring_regions(home, km=100)
    assert near, "the generated country has regions near each other"
    Region.objects.filter(pk__in=[r.pk for r in near]).update(country_code="wls")
    School.objects.filter(region__in=near).update(country_code="wls")
    return home


@pytest.fixture
def leader(two_countries):
    user = User.objects.create_user(email="lead@example.org", password=None)
    RegionalRole.objects.create(user=user, region=two_countries)
    return user


def partners_of(run):
    return [
        (
            next(i.school for i in n.invitations.all() if i.role == Invitation.Role.NEED),
            next(i.school for i in n.invitations.all() if i.role == Invitation.Role.PARTNER),
        )
        for n in run.networks.prefetch_related("invitations__school")
    ]


def test_beyond_the_border_stops_at_the_countrys_border_unless_asked(two_countries, leader):
    run = services.run_create(kind="brokering", region=two_countries, by=leader, neighbours=True)
    services.run_compute(run=run)
    run.refresh_from_db()
    assert run.status == Run.Status.REVIEW and run.report["neighbour_regions"] == []
    assert all(partner.country_code == "eng" for _need, partner in partners_of(run))

    across = services.run_create(
        kind="brokering", region=two_countries, by=leader, neighbours=True, across_countries=True
    )
    services.run_compute(run=across)
    across.refresh_from_db()
    assert across.report["neighbour_regions"] and across.report["across_countries"] is True
    assert {partner.country_code for _need, partner in partners_of(across)} == {"eng", "wls"}


def test_brokering_everywhere_matches_each_need_within_its_own_country(two_countries):
    brokered = broker_place(all_needs=True, allow_unmet=True)
    inputs = brokered.inputs
    assert inputs.schools.country is not None
    country = dict(School.objects.values_list("pk", "country_code"))
    pk = inputs.place.pk
    pairs = [
        (country[pk[inputs.needs.school[p.need]]], country[pk[inputs.supporters.school[p.supporter]]])
        for p in brokered.result.proposals
    ]
    assert pairs and all(a == b for a, b in pairs)
    assert {a for a, _b in pairs} == {"eng", "wls"}
    mixed = broker_place(all_needs=True, allow_unmet=True, across_countries=True)
    assert mixed.inputs.schools.country is None


def test_the_commands_ask_before_mixing_countries(two_countries, tmp_path):
    with pytest.raises(CommandError, match="several countries"):
        call_command("form-networks", verbosity=0)
    out = tmp_path / "wales.csv"
    call_command(
        "form-networks",
        "--country",
        "wls",
        "--min-size",
        "4",
        "--max-size",
        "8",
        "--export",
        str(out),
        verbosity=0,
    )
    placed = [line.split(",")[0] for line in out.read_text().splitlines()[1:]]
    assert placed and set(
        School.objects.filter(registry_id__in=placed).values_list("country_code", flat=True)
    ) == {"wls"}
    call_command("broker", "--all-needs", "--allow-unmet", "--across-countries", verbosity=0)


def test_a_regions_networks_are_of_its_own_country(two_countries):
    stray = School.objects.filter(region=two_countries).first()
    School.objects.filter(pk=stray.pk).update(country_code="wls")  # a school of another country in the region
    formed = form_place(region=two_countries, min_size=4, max_size=8)
    assert set(
        School.objects.filter(pk__in=formed.place.pk.tolist()).values_list("country_code", flat=True)
    ) == {"eng"}


def test_the_form_offers_other_countries_only_in_an_installation_of_several(two_countries, settings):
    regions = Region.objects.all()
    assert "across_countries" in RunForm(regions=regions).fields
    form = RunForm(
        {
            "kind": "formation",
            "region": two_countries.pk,
            "min_size": 8,
            "max_size": 15,
            "across_countries": "on",
        },
        regions=regions,
    )
    assert not form.is_valid() and "across_countries" in form.errors
    settings.COUNTRIES = []
    assert "across_countries" not in RunForm(regions=regions).fields
