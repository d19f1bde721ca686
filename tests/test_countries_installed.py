"""Several countries in one installation: the default (COUNTRY) and the others (COUNTRIES), and each
school's and region's own country (docs/countries.md)."""

import pytest

from kindred import countries
from kindred.schools.models import Region, School


def test_one_country_is_the_default_installation(settings):
    settings.COUNTRY, settings.COUNTRIES = "eng", []
    assert countries.codes() == ["eng"]
    assert not countries.several()
    assert countries.profile().code == "eng"


def test_countries_names_the_others_after_the_default_once_each(settings):
    settings.COUNTRY, settings.COUNTRIES = "wls", ["eng", "wls", "eg", "eng"]
    assert countries.codes() == ["wls", "eng", "eg"]
    assert countries.several()
    assert [p.code for p in countries.installed()] == ["wls", "eng", "eg"]
    assert countries.profile("eg").code == "eg"


@pytest.mark.django_db
def test_a_school_speaks_its_own_countrys_words(settings):
    settings.COUNTRY, settings.COUNTRIES = "eng", ["eg"]
    english = School.objects.create(registry_id="1", name="A", phase=School.Phase.MIDDLE)
    egyptian = School.objects.create(registry_id="2", name="B", phase=School.Phase.MIDDLE, country_code="eg")
    assert english.country_code == "eng"
    assert english.country_profile.code == "eng"
    assert egyptian.country_profile.code == "eg"
    assert egyptian.phase_label == countries.profile("eg").phase_label("middle", "Middle")
    assert egyptian.phase_label != english.phase_label


@pytest.mark.django_db
def test_the_default_follows_the_setting(settings):
    settings.COUNTRY = "wls"
    assert Region.objects.create(code="R", name="R").country_code == "wls"
    assert School.objects.create(registry_id="3", name="C").country_code == "wls"


def test_the_evidence_pages_school_year_follows_the_country_the_page_speaks_of(settings):
    from kindred.evidence.templatetags.evidence_format import school_year

    settings.COUNTRY, settings.COUNTRIES = "eng", ["eg"]
    assert school_year(2021) == "2021/22"
    with countries.speaking("eg"):  # an Egyptian school's page writes a year by its end
        assert school_year(2021) == "2022"
    assert school_year(2021) == "2021/22"
