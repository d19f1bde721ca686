"""Several generated countries in one database (issue 23): each in its own block of registry ids, its
regions and authorities apart, every school and region carrying its country's code."""

import numpy as np
import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db.models import Count

from kindred.accounts.generation import country_make, country_write
from kindred.accounts.models import User
from kindred.engine.generate import generate_country, renumbered
from kindred.schools.models import LocalAuthority, Region, School, SchoolMeasure

pytestmark = pytest.mark.django_db


@pytest.fixture
def three_countries(settings):
    settings.COUNTRY, settings.COUNTRIES = "eng", ["wls", "eg"]


def test_england_wales_and_egypt_are_written_side_by_side(three_countries):
    for places, first, n in (("eng", 9_000_000, 120), ("wls", 9_100_000, 60), ("eg", 9_200_000, 90)):
        country_write(country=country_make(n_schools=n, seed=5, places=places, registry_from=first))
    assert dict(School.objects.values_list("country_code").annotate(n=Count("id"))) == {
        "eng": 120,
        "wls": 60,
        "eg": 90,
    }
    assert set(Region.objects.values_list("country_code", flat=True)) == {"eng", "wls", "eg"}
    assert Region.objects.count() == 27
    assert Region.objects.filter(code="XR01", country_code="eng").exists()
    assert Region.objects.filter(code="WLS-XR01", country_code="wls").exists()
    assert Region.objects.filter(code="EG-XR01", country_code="eg").exists()
    # every authority sits in a region of its own country's schools, none taken over by the next country
    for school in School.objects.select_related("local_authority__region", "region").order_by("?")[:40]:
        assert school.local_authority.region == school.region
        assert school.region.country_code == school.country_code
    assert School.objects.get(registry_id="9100000").country_code == "wls"
    assert School.objects.get(registry_id="9200089").country_code == "eg"
    assert LocalAuthority.objects.filter(code__startswith="EG-").exists()
    teachers = User.objects.filter(email__endswith="@teachers.kindred.example")
    assert (
        teachers.filter(email__contains=".92000").exists()
        and teachers.filter(email__contains=".91000").exists()
    )


def test_the_same_seed_gives_the_same_schools_and_measures_whatever_the_block(three_countries):
    alone = generate_country(n_schools=80, seed=3)
    moved = renumbered(alone, first_registry_id=9_500_000, code_prefix="WLS-")
    assert moved.registry_id[0] == "9500000" and moved.registry_id[-1] == "9500079"
    assert moved.region[0] == "WLS-" + alone.region[0]
    assert {code for code, *_rest in moved.authorities} == {
        "WLS-" + code for code, *_rest in alone.authorities
    }
    for a, b in zip(alone.outcomes, moved.outcomes, strict=True):
        assert np.array_equal(a.value, b.value, equal_nan=True)
    assert renumbered(alone) is alone


def test_a_second_country_in_the_same_block_is_refused_and_writes_nothing(three_countries):
    country_write(country=country_make(n_schools=40, seed=1, places="eng"))
    with pytest.raises(ValidationError, match="9000000 is already in the registry"):
        country_write(country=country_make(n_schools=40, seed=1, places="wls"))
    assert not School.objects.filter(country_code="wls").exists()
    assert not Region.objects.filter(country_code="wls").exists()


def test_a_country_the_installation_does_not_hold_is_written_into_the_default_one(settings):
    settings.COUNTRY, settings.COUNTRIES = "eng", []
    country_write(country=country_make(n_schools=30, seed=2, places="eg"))
    assert set(School.objects.values_list("country_code", flat=True)) == {"eng"}
    assert Region.objects.filter(code="XR01").exists()  # codes as before: one country, as it always was


def test_the_generate_command_takes_the_country_and_its_block(three_countries):
    call_command("generate", schools=50, seed=4, verbosity=0)
    call_command("generate", schools=40, seed=4, country="eg", registry_from=9_200_000, verbosity=0)
    assert School.objects.filter(country_code="eg", registry_id__startswith="92").count() == 40
    assert SchoolMeasure.objects.filter(school__country_code="eg").exists()
    with pytest.raises(CommandError, match="already in the registry"):
        call_command("generate", schools=40, seed=4, country="wls", verbosity=0)
