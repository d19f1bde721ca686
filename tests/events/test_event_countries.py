"""Events follow the country of what they are for (issue 23 item 1): a new event's default time zone
is its school's, region's or one-country network's, and a repeating event leaves out its host school's
country's holidays, not the installation's default's (docs/countries.md)."""

from datetime import UTC, datetime, timedelta

import pytest

from kindred import countries
from kindred.events.models import Event
from kindred.events.selectors import owner_country
from kindred.events.services import event_create, terms_load_file
from kindred.schools.models import Region, School

pytestmark = pytest.mark.django_db


@pytest.fixture
def egypt(settings, region_a):
    settings.COUNTRY, settings.COUNTRIES = "eng", ["eg"]
    region = Region.objects.create(code="EG-C", name="Cairo", country_code="eg")
    return School.objects.create(registry_id="G1", name="Nile School", country_code="eg", region=region)


def test_a_schools_new_event_defaults_to_its_countrys_time_zone(client, egypt, site_admin, school_x):
    client.force_login(site_admin)
    form = client.get(f"/events/schools/{egypt.registry_id}/new/").context["form"]
    assert form.fields["time_zone"].initial == "Africa/Cairo"
    assert form.fields["time_zone"].choices[0][1][0] == ("Africa/Cairo", "Africa/Cairo")
    english = client.get(f"/events/schools/{school_x.registry_id}/new/").context["form"]
    assert english.fields["time_zone"].initial == "Europe/London"


def test_a_regions_new_event_defaults_to_the_regions_time_zone(client, egypt, site_admin):
    client.force_login(site_admin)
    form = client.get(f"/events/regions/{egypt.region_id}/new/").context["form"]
    assert form.fields["time_zone"].initial == "Africa/Cairo"


def test_a_network_is_in_a_country_only_when_all_its_schools_are(egypt, network_x, school_x, school_leader_x):
    from kindred.networks.services import membership_add

    assert owner_country({"network": network_x}) == "eng"
    membership_add(network=network_x, school=egypt, by=school_leader_x)
    assert owner_country({"network": network_x}) is None  # two countries: the default applies


def test_one_country_installation_keeps_the_default_zone(settings, school_x):
    settings.COUNTRIES = []
    assert owner_country({"school": school_x}) == "eng"
    assert countries.profile(owner_country({"school": school_x})).time_zone == "Europe/London"


def test_a_repeating_school_event_leaves_out_its_own_countrys_holidays(egypt, school_x):
    """Egypt's mid-year holiday is term time in England; England's Christmas is term time in Egypt."""
    for code in ("eng", "eg"):
        terms_load_file(path=countries.terms_file(code), country=code, by=None)
    first = datetime(2026, 12, 1, 9, tzinfo=UTC)

    def weekly(school, zone):
        return event_create(
            by=None,
            school=school,
            host_school=school,
            kind=Event.Kind.MEETING,
            title="Weekly",
            starts_at=first,
            ends_at=first + timedelta(hours=1),
            time_zone=zone,
            rrule="FREQ=WEEKLY;COUNT=12",
        )

    egyptian = weekly(egypt, "Africa/Cairo").holiday_skips
    english = weekly(school_x, "Europe/London").holiday_skips
    assert english and egyptian and set(english).isdisjoint(egyptian)
    assert "20261222T090000Z" in english  # Christmas in England
    assert "20270126T090000Z" in egyptian  # the mid-year holiday in Egypt
