"""Pages speak each school's own country (issue 23 item 1): with several countries in one
installation, a school's page uses its country's words, measure labels and school year and names its
country; the school search names each school's country and keeps to one when asked
(docs/countries.md, "Several countries in one installation")."""

import pytest
from django.utils import translation

from kindred.schools.models import LocalAuthority, Region, School, SchoolMeasure
from kindred.schools.services import standard_measures_ensure

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_schools(settings):
    settings.COUNTRY, settings.COUNTRIES = "eng", ["eg"]
    made = {}
    for code, registry_id, name in (("eng", "E100", "Elm Primary"), ("eg", "G100", "Nile Primary")):
        region = Region.objects.create(code=f"R-{code}", name=f"Region {code}", country_code=code)
        authority = LocalAuthority.objects.create(code=f"A-{code}", name=f"Authority {code}", region=region)
        school = School.objects.create(
            registry_id=registry_id,
            name=name,
            phase=School.Phase.MIDDLE,
            country_code=code,
            region=region,
            local_authority=authority,
        )
        SchoolMeasure.objects.create(
            school=school,
            measure=standard_measures_ensure(["ks2_reading_progress"])["ks2_reading_progress"],
            year=2023,
            value=1.5,
        )
        made[code] = school
    return made


def test_an_egyptian_schools_page_speaks_egypts_words_beside_an_english_one(client, two_schools):
    egypt = client.get(two_schools["eg"].get_absolute_url()).content.decode()
    england = client.get(two_schools["eng"].get_absolute_url()).content.decode()
    assert "<dt>Governorate</dt>" in egypt and "<dt>Region</dt>" not in egypt
    assert "<dt>Region</dt>" in england
    assert "Arabic reading progress (end of primary)" in egypt and "KS2 reading progress" in england
    assert ">2024<" in egypt and ">2023/24<" in england  # each country writes its school year
    assert "Preparatory" in egypt and "Preparatory" not in england
    assert "<dt>Country</dt><dd>Egypt</dd>" in egypt and "<dt>Country</dt><dd>England</dd>" in england


def test_the_country_is_named_in_the_readers_language(client, two_schools):
    with translation.override("cy"):
        page = client.get(two_schools["eg"].get_absolute_url(), HTTP_ACCEPT_LANGUAGE="cy").content.decode()
    assert "<dd>Yr Aifft</dd>" in page


def test_the_page_after_a_schools_page_speaks_the_default_again(client, two_schools):
    client.get(two_schools["eg"].get_absolute_url())
    assert "Find a school" in client.get("/").content.decode()
    from kindred import countries

    assert countries.spoken().code == "eng"


def test_one_country_shows_no_country_anywhere(client, settings, two_schools):
    settings.COUNTRIES = []
    page = client.get(two_schools["eng"].get_absolute_url()).content.decode()
    assert "<dt>Country</dt>" not in page
    home = client.get("/").content.decode()
    assert 'name="country"' not in home and "<th>Country</th>" not in home


def test_the_school_search_names_each_schools_country_and_keeps_to_one(client, two_schools):
    home = client.get("/", {"q": "primary"})
    assert [s.registry_id for s in home.context["page_obj"]] == ["E100", "G100"]
    text = home.content.decode()
    assert "<th>Country</th>" in text and "<td>Egypt</td>" in text and "<td>England</td>" in text
    assert '<option value="eg">Egypt</option>' in text
    only = client.get("/", {"q": "primary", "country": "eg"})
    assert [s.registry_id for s in only.context["page_obj"]] == ["G100"]
    assert '<option value="eg" selected>' in only.content.decode()
    blank = client.get("/", {"country": "eg"})
    assert [s.registry_id for s in blank.context["page_obj"]] == ["G100"]
    unknown = client.get("/", {"country": "fr"})  # not an installed country: no filter
    assert len(unknown.context["page_obj"]) == 2


def test_the_search_keeps_its_country_from_page_to_page(client, two_schools):
    from kindred.pages.views import PAGE_SIZE

    for n in range(PAGE_SIZE):
        School.objects.create(registry_id=f"G2{n}", name=f"Delta {n}", country_code="eg")
    page = client.get("/", {"country": "eg"}).content.decode()
    assert 'href="?country=eg&amp;page=2"' in page or 'href="?country=eg&page=2"' in page


def test_the_apis_school_list_keeps_to_one_country(two_schools, site_admin):
    from tests.api.conftest import bearer

    client = bearer(site_admin)
    listed = client.get("/api/v1/schools", {"country": "eg"}).json()["items"]
    assert [s["registry_id"] for s in listed] == ["G100"]
    assert len(client.get("/api/v1/schools").json()["items"]) == 2
