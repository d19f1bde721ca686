"""Country profiles: each country's words come from configuration, never from templates."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.template import Context, Template
from django.utils import translation

from kindred import countries
from kindred.schools.models import School

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("code", ["eng", "wls", "eg"])
def test_every_shipped_profile_gives_every_word_in_every_language(code, settings):
    profile = countries.load(code)
    for language, _name in settings.LANGUAGES:
        words = profile.words_in(language)
        assert set(countries.WORD_KEYS) <= set(words)
        assert all(words[key] for key in countries.WORD_KEYS)


def test_pages_say_the_countrys_words_in_the_pages_language(client, settings, school_x):
    settings.COUNTRY = "eg"
    page = client.get(school_x.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="ar").content.decode()
    assert "الإدارة التعليمية" in page and "المحافظة" in page
    page = client.get(school_x.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Educational administration" in page and "Governorate" in page
    settings.COUNTRY = "wls"
    page = client.get(school_x.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="cy").content.decode()
    assert "Cyngor" in page and "Consortiwm" in page
    assert "Local authority" not in page


def test_the_school_year_is_written_as_the_country_writes_it(settings):
    template = Template("{% load kindred %}{{ year|school_year }}")
    assert template.render(Context({"year": 2023})) == "2023/24"
    settings.COUNTRY = "eg"
    assert template.render(Context({"year": 2023})) == "2024"
    settings.COUNTRY = "wls"
    assert template.render(Context({"year": 1999})) == "1999/00"


def test_phases_take_the_countrys_names(settings):
    school = School(phase=School.Phase.MIDDLE)
    settings.COUNTRY = "eg"
    with translation.override("ar"):
        assert school.phase_label == "إعدادي"
    with translation.override("en"):
        assert school.phase_label == "Preparatory"
    settings.COUNTRY = "eng"
    with translation.override("en"):
        assert school.phase_label == "Middle"


def test_a_country_without_a_profile_is_refused_with_the_choices():
    with pytest.raises(ImproperlyConfigured, match="eg, eng, wls"):
        countries.load("fr")


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"words": {}, "bounds": {}}, "words lacks region"),
        ({"words": {k: "x" for k in countries.WORD_KEYS}, "bounds": {"lat_min": 1}}, "bounds needs"),
        (
            {
                "words": {k: "x" for k in countries.WORD_KEYS},
                "bounds": {"lat_min": 5, "lat_max": 1, "lon_min": 0, "lon_max": 1},
            },
            "minimums must be below",
        ),
        (
            {"words": {k: {"cy": "x"} for k in countries.WORD_KEYS}, "bounds": {}},
            "at least in English",
        ),
        (
            {
                "words": {k: "x" for k in countries.WORD_KEYS},
                "school_year": "decade",
                "bounds": {"lat_min": 0, "lat_max": 1, "lon_min": 0, "lon_max": 1},
            },
            "split or single",
        ),
    ],
)
def test_a_broken_profile_is_refused_naming_the_problem(raw, message):
    with pytest.raises(ImproperlyConfigured, match=message):
        countries.profile_parse(raw, where="test.yaml")


def test_bounds_hold_the_countrys_schools():
    assert countries.load("eg").bounds.contains(30.04, 31.24)  # Cairo
    assert not countries.load("eg").bounds.contains(51.5, -0.1)  # London
    assert countries.load("wls").bounds.contains(51.48, -3.18)  # Cardiff


@pytest.mark.parametrize("code", ["eng", "wls", "eg"])
def test_every_shipped_profile_labels_every_measure_and_domain_in_every_language(code, settings):
    from kindred.schools.catalogue import MEASURES

    profile = countries.load(code)
    languages = [language for language, _name in settings.LANGUAGES]
    unlabelled = [
        (measure, language)
        for measure in MEASURES
        for language in languages
        if not profile.measures.get(measure, {}).get(language)
    ]
    unnamed = [
        (domain, language)
        for domain in {spec.domain for spec in MEASURES.values()}
        for language in languages
        if not profile.domains.get(domain, {}).get(language)
    ]
    assert (unlabelled, unnamed) == ([], [])


def test_measures_and_domains_are_named_the_countrys_way_in_the_pages_language(settings, school_x):
    from kindred.schools.models import MeasureDefinition

    measure = MeasureDefinition(code="ks4_attainment8", name="Attainment 8", domain="attainment")
    template = Template("{% load kindred %}{{ m.label }} · {{ m.domain|domain }} · {{ 'typed in'|domain }}")
    settings.COUNTRY = "eg"
    with translation.override("ar"):
        assert template.render(Context({"m": measure})) == "مجموع الشهادة الإعدادية · التحصيل · typed in"
    settings.COUNTRY = "wls"
    with translation.override("cy"):
        assert (
            template.render(Context({"m": measure}))
            == "Sgôr pwyntiau wedi&#x27;i gapio 9 · Cyrhaeddiad · typed in"
        )
    with translation.override("en"):
        assert str(measure) == "Capped 9 points score"


@pytest.mark.parametrize(
    ("country", "inside", "outside"),
    [("eng", (52.2, 0.12), (30.04, 31.24)), ("eg", (30.04, 31.24), (52.2, 0.12))],
)
def test_imports_refuse_a_school_outside_the_country_profiles_bounds(
    country, inside, outside, settings, tmp_path
):
    from kindred.schools.importing import ImportFailed, schools_import

    settings.COUNTRY = country
    mapping = tmp_path / "m.yaml"
    mapping.write_text(
        "id: URN\nschools:\n  fields: {name: Name}\n  coordinates: {latitude: Lat, longitude: Lon}\n"
    )
    path = tmp_path / "f.csv"
    path.write_text(f"URN,Name,Lat,Lon\n1,Far,{outside[0]},{outside[1]}\n")
    with pytest.raises(ImportFailed) as failed, translation.override("en"):
        schools_import(path=path, mapping=mapping)
    south, west, north, east = countries.load(country).bounds.south_west_north_east
    assert [p.reason for p in failed.value.report.problems] == [
        f"the point is outside the country (latitude {south} to {north}, longitude {west} to {east})"
    ]
    assert not School.objects.exists()
    path.write_text(f"URN,Name,Lat,Lon\n1,Near,{inside[0]},{inside[1]}\n")
    schools_import(path=path, mapping=mapping)
    assert (School.objects.get().latitude, School.objects.get().longitude) == inside


def test_the_shipped_frameworks_domains_are_named_in_welsh_and_arabic(settings):
    from kindred.demo.selfeval import examples_load

    versions = examples_load()
    languages = [language for language, _name in settings.LANGUAGES if language != "en"]
    for version in versions.values():
        for domain in version.domains.all():
            with translation.override("en"):
                assert domain.label == domain.name
            for language in languages:
                with translation.override(language):
                    assert domain.label and domain.label != domain.name, (domain.code, language)
    with translation.override("cy"):
        assert versions["professional-behaviours"].domains.get(code="collaboration").label == "Cydweithio"
