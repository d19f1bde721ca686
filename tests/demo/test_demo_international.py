"""The demo's second and third countries and its international network (issue 23, item 2): a handful
of generated schools in Wales and in Egypt beside England's, and a network of a Welsh and an Egyptian
school with a teacher in each and a meeting the page shows in both countries' times."""

import pytest

from kindred.accounts.models import User
from kindred.demo.international import (
    SCHOOLS_EACH,
    demo_countries_generate,
    demo_international_create,
    demo_other_countries,
)
from kindred.events.zones import member_zones, reader_zone
from kindred.networks import borders
from kindred.schools.models import School

pytestmark = pytest.mark.django_db


def test_the_demo_installs_the_two_other_countries_beside_its_own():
    assert demo_other_countries("eng") == ["wls", "eg"]
    assert demo_other_countries("eg") == ["eng", "wls"]


@pytest.fixture
def demo_installation(settings, school_x):
    settings.COUNTRY, settings.COUNTRIES = "eng", ["wls", "eg"]
    demo_countries_generate(seed=2019, default="eng")
    admin = User.objects.create_user(email="admin@example.org", password="x", is_superuser=True)
    return demo_international_create(admin=admin, password="x")


def test_wales_and_egypt_get_a_handful_of_schools_each(demo_installation):
    counts = {code: School.objects.filter(country_code=code).count() for code in ("eng", "wls", "eg")}
    assert counts == {"eng": 1, "wls": SCHOOLS_EACH, "eg": SCHOOLS_EACH}


def test_the_international_network_has_a_welsh_and_an_egyptian_school(demo_installation):
    network = demo_installation["network"]
    assert borders.spans([network.pk]) == {network.pk: ["wls", "eg"]}
    assert demo_installation["teacher_wales"].language == "cy"
    assert demo_installation["teacher_egypt"].language == "ar"
    assert reader_zone(demo_installation["teacher_egypt"]) == "Africa/Cairo"
    zones = [zone for zone, _codes in member_zones(demo_installation["event"])]
    assert zones == ["Europe/London", "Africa/Cairo"]


def test_three_schools_of_each_country_look_for_partners(demo_installation):
    from kindred.networks.models import PartnerProfile

    assert sorted(PartnerProfile.objects.values_list("school__country_code", flat=True)) == [
        "eg",
        "eg",
        "eg",
        "eng",
        "wls",
        "wls",
        "wls",
    ]
    welsh = PartnerProfile.objects.filter(school__country_code="wls").first()
    assert welsh.language_codes == ["cy", "en"]


def test_without_both_countries_installed_there_is_no_international_network(settings, school_x):
    settings.COUNTRY, settings.COUNTRIES = "eng", []
    admin = User.objects.create_user(email="admin@example.org", password="x", is_superuser=True)
    assert demo_international_create(admin=admin, password="x") == {}
