"""The synthetic country: deterministic, realistic in its proportions and correlations, with known truth."""

import csv

import numpy as np
import pytest

from kindred.engine.generate import (
    FIRST_REGISTRY_ID,
    OUTCOME_MEASURES,
    PUPIL_SD,
    SUPPRESS_BELOW,
    Country,
    generate_country,
)
from kindred.schools.catalogue import MEASURES
from kindred.schools.generation import write_truth_csv
from kindred.schools.models import School


@pytest.fixture(scope="module")
def country() -> Country:
    return generate_country(n_schools=6000, seed=11)


def mainstream(country: Country) -> np.ndarray:
    return np.isin(country.phase, ("primary", "secondary", "middle", "all_through"))


def series(country: Country, measure: str, year: int):
    return next(o for o in country.outcomes if o.measure == measure and o.year == year)


def test_same_seed_gives_an_identical_country():
    a = generate_country(n_schools=500, seed=7)
    b = generate_country(n_schools=500, seed=7)
    assert (a.name == b.name).all() and (a.phase == b.phase).all()
    assert np.array_equal(a.latitude, b.latitude) and np.array_equal(a.teachers, b.teachers)
    for key in a.context:
        assert np.array_equal(a.context[key], b.context[key], equal_nan=True)
    for x, y in zip(a.outcomes, b.outcomes, strict=True):
        assert (x.measure, x.year) == (y.measure, y.year)
        assert np.array_equal(x.value, y.value, equal_nan=True) and np.array_equal(x.cohort, y.cohort)
    assert (a.teacher_last_name == b.teacher_last_name).all()


def test_different_seed_gives_a_different_country():
    a = generate_country(n_schools=500, seed=7)
    b = generate_country(n_schools=500, seed=8)
    assert not np.array_equal(a.latitude, b.latitude)
    assert (a.name != b.name).mean() > 0.5


def test_an_earlier_year_is_the_same_whichever_years_are_asked_for():
    one = generate_country(n_schools=300, seed=5, years=(2022,))
    three = generate_country(n_schools=300, seed=5, years=(2021, 2022, 2023))
    assert np.array_equal(
        series(one, "ks2_maths_progress", 2022).value,
        series(three, "ks2_maths_progress", 2022).value,
        equal_nan=True,
    )


def test_registry_ids_are_seven_digits_from_nine_million_and_unique(country):
    assert country.registry_id[0] == str(FIRST_REGISTRY_ID)
    assert all(len(r) == 7 for r in country.registry_id[:50])
    assert len(set(country.registry_id)) == country.n_schools


def test_phases_are_in_england_like_proportions(country):
    share = {p: (country.phase == p).mean() for p in set(country.phase)}
    assert 0.68 < share["primary"] < 0.78
    assert 0.14 < share["secondary"] < 0.19
    assert 0.03 < share["special"] < 0.06
    for rare in ("alternative", "nursery", "all_through", "post16"):
        assert 0 < share[rare] < 0.03
    assert set(share) <= set(School.Phase.values)


def test_schools_sit_in_regions_and_authorities_of_about_two_hundred_and_fifty(country):
    assert len(country.regions) == 9 and set(country.region) <= {code for code, _ in country.regions}
    assert 20 <= len(country.authorities) <= 30
    assert set(country.local_authority) <= {code for code, _, _ in country.authorities}
    region_of = {code: region for code, _, region in country.authorities}
    assert all(region_of[la] == r for la, r in zip(country.local_authority, country.region, strict=True))


def test_there_is_an_urban_rural_mix_and_rural_schools_are_smaller(country):
    primary = country.phase == "primary"
    assert 0.6 < country.urban.mean() < 0.85
    assert np.median(country.pupils[primary & ~country.urban]) < np.median(
        country.pupils[primary & country.urban]
    )


def test_context_is_in_realistic_ranges(country):
    fsm = country.context["fsm_pct"]
    assert fsm.min() >= 0 and fsm.max() <= 80 and 19 < fsm[mainstream(country)].mean() < 28
    for key in ("eal_pct", "sen_support_pct", "sen_ehcp_pct"):
        assert np.nanmin(country.context[key]) >= 0 and np.nanmax(country.context[key]) <= 100
    special = country.phase == "special"
    assert (
        country.context["sen_ehcp_pct"][special].mean() > 80 > country.context["sen_ehcp_pct"][~special].max()
    )


def test_deprivation_goes_with_lower_prior_attainment_and_more_special_needs(country):
    m = mainstream(country)
    fsm, prior = country.context["fsm_pct"][m], country.context["prior_attainment"][m]
    assert np.corrcoef(fsm, prior)[0, 1] < -0.4
    assert np.corrcoef(fsm, country.context["sen_support_pct"][m])[0, 1] > 0.3


def test_additional_language_is_concentrated_in_cities_and_london(country):
    eal, m = country.context["eal_pct"], mainstream(country)
    assert eal[m & country.urban].mean() > 3 * eal[m & ~country.urban].mean()
    london = country.region == "XR07"
    assert eal[m & london].mean() > 1.5 * eal[m & ~london].mean()


def test_outcomes_use_catalogue_codes_and_belong_to_the_right_phases(country):
    assert {o.measure for o in country.outcomes} == set(OUTCOME_MEASURES) <= set(MEASURES)
    assert {o.year for o in country.outcomes} == {2021, 2022, 2023}
    ks2 = set(country.phase[series(country, "ks2_reading_progress", 2023).school_index])
    ks4 = set(country.phase[series(country, "ks4_progress8", 2023).school_index])
    assert "primary" in ks2 and "secondary" not in ks2
    assert "secondary" in ks4 and "primary" not in ks4
    assert np.isnan(country.true_effects["ks4_progress8"][country.phase == "primary"]).all()


def test_tiny_cohorts_are_suppressed_and_only_they(country):
    for o in country.outcomes:
        assert (np.isnan(o.value) == (o.cohort < SUPPRESS_BELOW)).all()
    assert any(np.isnan(o.value).any() for o in country.outcomes)


def test_true_effects_persist_across_years_and_noise_shrinks_with_cohort(country):
    measure = "ks2_reading_progress"
    a, b = series(country, measure, 2021), series(country, measure, 2022)
    both = np.intersect1d(a.school_index[~np.isnan(a.value)], b.school_index[~np.isnan(b.value)])
    big = both[country.pupils[both] > np.median(country.pupils[both])]
    small = both[country.pupils[both] <= np.median(country.pupils[both])]

    def year_on_year(index):
        va = a.value[np.searchsorted(a.school_index, index)]
        vb = b.value[np.searchsorted(b.school_index, index)]
        return np.corrcoef(va, vb)[0, 1], np.std(va - vb)

    (r_big, diff_big), (r_small, diff_small) = year_on_year(big), year_on_year(small)
    assert r_big > 0.5 and r_big > r_small
    assert diff_small > diff_big


def test_noise_around_context_plus_truth_has_the_pupil_sd_over_root_cohort(country):
    o = series(country, "ks4_progress8", 2023)
    ok = ~np.isnan(o.value)
    standardised = (o.value[ok] - o.expected[ok]) * np.sqrt(o.cohort[ok]) / PUPIL_SD["ks4_progress8"]
    assert abs(standardised.mean()) < 0.1
    assert 0.9 < standardised.std() < 1.1


def test_true_effects_are_correlated_across_domains_within_a_school(country):
    t = country.true_effects
    primary = country.phase == "primary"
    assert np.corrcoef(t["ks2_reading_progress"][primary], t["ks2_maths_progress"][primary])[0, 1] > 0.4
    # A better school has lower absence.
    assert np.corrcoef(t["ks2_reading_progress"][primary], t["absence_pct"][primary])[0, 1] < -0.1


def test_teachers_default_to_the_national_ratio_and_can_be_overridden():
    assert generate_country(n_schools=38, seed=1).n_teachers == 870
    country = generate_country(n_schools=200, seed=1, n_teachers=1000)
    assert country.n_teachers == 1000 and country.teachers.min() >= 1
    assert len(country.teacher_first_name) == 1000


def test_bigger_schools_have_more_teachers(country):
    primary = country.phase == "primary"
    assert np.corrcoef(country.pupils[primary], country.teachers[primary])[0, 1] > 0.9


def test_too_few_teachers_is_refused():
    with pytest.raises(ValueError, match="Every school needs a teacher"):
        generate_country(n_schools=100, seed=1, n_teachers=99)


def test_the_truth_file_has_one_row_per_school_and_measure(tmp_path, country):
    path = tmp_path / "truth.csv"
    written = write_truth_csv(country, path)
    with open(path, newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert written == len(rows) == sum(int((~np.isnan(e)).sum()) for e in country.true_effects.values())
    first = rows[0]
    assert set(first) == {"school_id", "measure", "true_effect"}
    index = int(first["school_id"]) - FIRST_REGISTRY_ID
    assert float(first["true_effect"]) == pytest.approx(
        country.true_effects[first["measure"]][index], abs=1e-4
    )
