"""The school year comes from the country profile: the month it starts in decides which school year a
day belongs to, for the rota (and the demo's and brokering's rotas)."""

from dataclasses import replace
from datetime import date

import pytest
import time_machine
from django.core.exceptions import ImproperlyConfigured

from kindred import countries
from kindred.networks.models import RotaTurn
from kindred.networks.services import membership_add

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("code", ["eng", "wls", "eg"])
def test_the_shipped_countries_start_their_school_year_in_september(code):
    profile = countries.load(code)
    assert profile.school_year_of(date(2026, 8, 31)) == 2025
    assert profile.school_year_of(date(2026, 9, 1)) == 2026
    assert profile.school_year_dates(2026) == (date(2026, 9, 1), date(2027, 8, 31))


def test_a_country_whose_year_starts_in_february_counts_january_in_the_year_before():
    profile = replace(countries.load("eng"), school_year_starts=2)
    assert profile.school_year_of(date(2027, 1, 31)) == 2026
    assert profile.school_year_of(date(2027, 2, 1)) == 2027
    assert profile.school_year_dates(2026) == (date(2026, 2, 1), date(2027, 1, 31))


@pytest.mark.parametrize("month", [0, 13, "september", True])
def test_a_school_year_start_that_is_not_a_month_is_refused(month):
    raw = {
        "words": {k: "x" for k in countries.WORD_KEYS},
        "school_year_starts": month,
        "bounds": {"lat_min": 0, "lat_max": 1, "lon_min": 0, "lon_max": 1},
    }
    with pytest.raises(ImproperlyConfigured, match="school_year_starts must be a month"):
        countries.profile_parse(raw, where="test.yaml")


@pytest.fixture
def two_schools(network_x, school_y, school_leader_x):
    membership_add(network=network_x, school=school_y, by=school_leader_x)
    return network_x


def post_rota(client, network, first, last):
    return client.post(
        f"/networks/{network.pk}/rota/",
        {"first": first.isoformat(), "last": last.isoformat(), "meetings": 3, "weekday": 2},
    )


@time_machine.travel(date(2030, 10, 1), tick=False)
def test_the_rota_form_offers_the_rest_of_this_school_year(client, two_schools, school_leader_x):
    client.force_login(school_leader_x)
    page = client.get(f"/networks/{two_schools.pk}/rota/").content.decode()
    assert 'value="2030-10-01"' in page and 'value="2031-08-31"' in page


@time_machine.travel(date(2030, 10, 1), tick=False)
def test_a_rota_that_runs_into_the_next_school_year_is_refused_and_nothing_is_written(
    client, two_schools, school_leader_x
):
    client.force_login(school_leader_x)
    response = post_rota(client, two_schools, date(2031, 6, 1), date(2031, 10, 1))
    assert response.status_code == 400
    assert "same school year as the first meeting: it ends on" in response.content.decode()
    assert not RotaTurn.objects.exists()


@time_machine.travel(date(2030, 10, 1), tick=False)
def test_the_rota_is_filed_under_the_school_year_the_country_profile_gives(
    client, two_schools, school_leader_x, monkeypatch
):
    client.force_login(school_leader_x)
    assert post_rota(client, two_schools, date(2031, 1, 6), date(2031, 1, 27)).status_code == 302
    assert set(RotaTurn.objects.values_list("school_year", flat=True)) == {2030}  # September start

    RotaTurn.objects.all().delete()
    february = replace(countries.load("eng"), school_year_starts=2)
    monkeypatch.setattr(countries, "profile", lambda: february)
    assert post_rota(client, two_schools, date(2031, 2, 3), date(2031, 3, 3)).status_code == 302
    assert set(RotaTurn.objects.values_list("school_year", flat=True)) == {2031}
    # ... and January 2031 is in the school year that started in February 2030.
    response = post_rota(client, two_schools, date(2031, 1, 6), date(2031, 2, 3))
    assert response.status_code == 400 and "it ends on" in response.content.decode()
