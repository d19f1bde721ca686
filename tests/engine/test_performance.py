"""Relative performance, checked against cases worked by hand."""

import numpy as np
import pytest

from kindred.engine.performance import (
    COHORT_SPREAD,
    FEW_FOR_VERDICTS,
    FEW_SCHOOLS,
    MIN_SCHOOLS,
    NEED,
    NEITHER,
    NO_YEAR,
    STRENGTH,
    pool_years,
    relative_performance,
)


def flat_context(n: int) -> np.ndarray:
    """A context that does not differ between schools: the expected value is the mean."""
    return np.zeros((n, 1))


def test_no_spread_beyond_chance_means_full_shrinkage_and_no_verdicts():
    # s^2 = 5^2 / 25 = 1 for everyone, and the effects (+-0.1) are far smaller than chance
    value = np.array([0.1, -0.1] * 5)
    result = relative_performance(value, np.full(10, 25), flat_context(10), pupil_sd=5.0)
    assert result.tau2 == 0.0
    assert np.all(result.shrinkage == 0.0)
    assert np.all(result.shrunk == 0.0)
    assert np.all(result.verdict == NEITHER)


def test_equal_cohorts_give_the_textbook_estimate_worked_by_hand():
    # residuals -3, -1, 1, 3 (three schools each): mean square 5; s^2 = 10^2 / 100 = 1, so tau^2 = 5 - 1 = 4
    # and B = 4 / 5. Twelve schools are too few to cross-fit (under CROSS_FIT_MIN): the expected value
    # is the mean fitted in sample, and no verdict is given.
    value = np.array([7.0, 9.0, 11.0, 13.0] * 3)
    result = relative_performance(value, np.full(12, 100), flat_context(12), pupil_sd=10.0)
    assert result.expected == pytest.approx([10.0] * 12)
    assert result.effect == pytest.approx([-3.0, -1.0, 1.0, 3.0] * 3)
    assert result.tau2 == pytest.approx(4.0)
    assert result.shrinkage == pytest.approx([0.8] * 12)
    assert result.shrunk == pytest.approx([-2.4, -0.8, 0.8, 2.4] * 3)
    # posterior variance B s^2 = 0.8, plus B^2 times the variance of the mean (tau^2 + s^2) / 12, plus
    # the uncertainty of tau^2 (delta method): Fisher information 1/2 * 12 / 5^2 = 0.24, so
    # Var(tau^2) = 1 / 0.24, and d estimate / d tau^2 = s^2 e / 5^2 (0.12 for e = 3, 0.04 for e = 1)
    expected_var = 0.8 + 0.64 * 5 / 12 + (1 / 0.24) * np.array([0.12, 0.04, 0.04, 0.12] * 3) ** 2
    assert result.posterior_sd == pytest.approx(np.sqrt(expected_var))
    assert result.upper[3] == pytest.approx(2.4 + 1.959964 * np.sqrt(expected_var[3]))
    assert result.withheld == FEW_FOR_VERDICTS and not result.verdict.any()


def test_a_huge_cohort_keeps_its_raw_effect():
    rng = np.random.default_rng(0)
    value = rng.normal(0.0, 2.0, 200)
    cohort = np.full(200, 30)
    cohort[0] = 10**9
    result = relative_performance(value, cohort, flat_context(200), pupil_sd=5.0)
    # no sampling noise at all: only the uncertainty of its expected value (the mean of the other
    # 199 schools, variance about tau^2 / 160 within its fold's model) is shrunk away
    assert result.sampling_var[0] < 1e-6
    assert result.shrinkage[0] == pytest.approx(1.0, abs=0.02)
    assert result.shrunk[0] == pytest.approx(result.effect[0], rel=0.02)


def test_a_small_school_far_above_expectation_is_not_called_a_strength_on_noise():
    rng = np.random.default_rng(1)
    cohort = np.full(300, 60)
    cohort[0] = 8
    value = rng.normal(0.0, 1.0, 300)
    value[0] = 4.0  # four times the spread between schools, but from 8 pupils with SD 6
    result = relative_performance(value, cohort, flat_context(300), pupil_sd=6.0)
    assert result.effect[0] > 3.5
    assert result.shrunk[0] < result.effect[0] / 2
    assert result.verdict[0] == NEITHER


def test_lower_absence_than_expected_is_a_strength_and_higher_a_need():
    rng = np.random.default_rng(2)
    value = 5.0 + rng.normal(0.0, 0.5, 400)
    value[0], value[1] = 2.0, 8.0
    result = relative_performance(
        value, np.full(400, 500), flat_context(400), pupil_sd=5.0, higher_is_better=False
    )
    assert result.verdict[0] == STRENGTH
    assert result.verdict[1] == NEED
    assert result.better[0] > 0 > result.better[1]
    assert result.better_lower[0] > 0


def test_context_explains_part_of_a_result():
    rng = np.random.default_rng(3)
    fsm = rng.uniform(0, 60, 500)
    value = 10.0 - 0.1 * fsm + rng.normal(0.0, 0.5, 500)
    result = relative_performance(value, np.full(500, 1000), fsm[:, None], pupil_sd=1.0)
    slope = np.polyfit(fsm, result.expected, 1)[0]
    assert slope == pytest.approx(-0.1, abs=0.01)
    assert abs(np.corrcoef(fsm, result.effect)[0, 1]) < 0.05


def test_suppressed_values_get_no_estimate_and_do_not_change_the_others():
    rng = np.random.default_rng(4)
    value = rng.normal(0.0, 1.0, 100)
    cohort = rng.integers(10, 100, 100)
    context = rng.normal(size=(100, 2))
    with_gap = value.copy()
    with_gap[[5, 50]] = np.nan
    result = relative_performance(with_gap, cohort, context, pupil_sd=4.0)
    keep = np.ones(100, dtype=bool)
    keep[[5, 50]] = False
    alone = relative_performance(
        value[keep], cohort[keep], context[keep], pupil_sd=4.0, school_index=np.flatnonzero(keep)
    )
    assert not result.valid[5] and not result.valid[50]
    assert np.isnan(result.shrunk[[5, 50]]).all()
    assert result.verdict[[5, 50]].tolist() == [NEITHER, NEITHER]
    assert result.shrunk[keep] == pytest.approx(alone.shrunk)


def test_the_pupil_sd_is_estimated_when_not_given():
    rng = np.random.default_rng(5)
    cohort = rng.integers(5, 200, 5000)
    value = rng.normal(0.0, 1.5, 5000) + rng.normal(size=5000) * 6.0 / np.sqrt(cohort)
    result = relative_performance(value, cohort, flat_context(5000))
    assert result.pupil_sd_estimated and result.pupil_sd_method == COHORT_SPREAD
    # one year of 5,000 schools pins the pupil SD to about ±5.5% (one SD, over seeds; the joint
    # maximum-likelihood fit is no more precise): within two of those
    assert result.pupil_sd == pytest.approx(6.0, rel=0.11)
    # one year cannot pin the SD down, so tau^2 is fitted with the middle of the SDs the year allows
    # (docs/methods.md, "One year, nothing declared"): near the truth, not at it
    assert np.sqrt(result.tau2) == pytest.approx(1.5, rel=0.15)


def test_mismatched_arrays_are_refused():
    with pytest.raises(ValueError, match="must match"):
        relative_performance(np.zeros(3), np.ones(4), flat_context(3), pupil_sd=1.0)


def test_a_pupil_sd_that_is_not_positive_is_refused():
    with pytest.raises(ValueError, match="positive"):
        relative_performance(np.zeros(3), np.ones(3), flat_context(3), pupil_sd=0.0)


def test_each_phase_is_compared_with_its_own_baseline():
    value = np.array([4.0, 4.2, 3.8, 4.1, 9.0, 9.2, 8.8, 9.1] * 5)
    phase = np.tile(np.array(["primary"] * 4 + ["special"] * 4), 5)
    result = relative_performance(value, np.full(40, 200), flat_context(40), pupil_sd=1.0, groups=phase)
    assert np.abs(result.effect).max() < 0.3


def test_a_phase_with_too_few_schools_for_its_own_baseline_is_compared_with_the_largest_phase():
    rng = np.random.default_rng(6)
    value = np.concatenate([rng.normal(4.0, 0.1, 50), [9.0]])
    phase = np.array(["primary"] * 50 + ["special"])
    result = relative_performance(value, np.full(51, 200), flat_context(51), pupil_sd=1.0, groups=phase)
    assert result.effect[50] > 4.5  # not 0, as it would be against a baseline of its own


def test_pooling_two_equal_years_halves_the_sampling_variance():
    value = np.array([7.0, 9.0, 11.0, 13.0] * 3)
    years = [
        relative_performance(value, np.full(12, 100), flat_context(12), pupil_sd=10.0, year=year, measure="m")
        for year in (2021, 2022)
    ]
    (pooled,) = pool_years(years, n_schools=12)
    assert pooled.years == (2021, 2022)
    assert pooled.effect == pytest.approx([-3.0, -1.0, 1.0, 3.0] * 3)
    assert pooled.sampling_var == pytest.approx([0.5] * 12)
    assert pooled.tau2 == pytest.approx(4.5)  # 5 - 0.5


def test_pooling_keeps_a_school_with_one_year_and_leaves_absent_schools_empty():
    base = np.arange(12, dtype=float)
    first = relative_performance(
        base, np.full(12, 50), flat_context(12), pupil_sd=5.0, measure="m", year=2021
    )
    second = relative_performance(
        2 * base,
        np.full(12, 50),
        flat_context(12),
        pupil_sd=5.0,
        measure="m",
        year=2022,
        school_index=np.arange(1, 13),
    )
    (pooled,) = pool_years([first, second], n_schools=14)
    assert pooled.valid.tolist() == [True] * 13 + [False]
    assert pooled.effect[0] == pytest.approx(first.effect[0])
    assert pooled.effect[12] == pytest.approx(second.effect[11])
    assert pooled.effect[1] == pytest.approx((first.effect[1] + second.effect[0]) / 2)


def test_when_tau2_is_fitted_as_zero_intervals_still_have_width():
    # a US state's case: no spread beyond chance, so every estimate is 0, but not with certainty
    rng = np.random.default_rng(7)
    cohort = rng.integers(20, 200, 438)
    value = rng.normal(size=438) * 5.0 / np.sqrt(cohort) * 0.8
    result = relative_performance(value, cohort, rng.normal(size=(438, 2)), pupil_sd=5.0)
    assert result.tau2 == 0.0
    assert np.all(result.shrunk[result.valid] == 0.0)
    assert np.all(result.upper[result.valid] - result.lower[result.valid] > 0)


def test_values_outside_the_valid_range_are_refused_before_the_fit_and_change_nothing_else():
    rng = np.random.default_rng(8)
    value = rng.uniform(3.0, 8.0, 300)
    cohort = rng.integers(50, 500, 300)
    context = rng.normal(size=(300, 2))
    bad = value.copy()
    bad[[3, 30]] = [8028.0, -4.0]  # attendance cannot be 8,028 % or below 0
    result = relative_performance(bad, cohort, context, pupil_sd=6.0, valid_min=0.0, valid_max=100.0)
    keep = np.ones(300, dtype=bool)
    keep[[3, 30]] = False
    clean = relative_performance(
        value[keep], cohort[keep], context[keep], pupil_sd=6.0, school_index=np.flatnonzero(keep)
    )
    assert result.refused == 2
    assert not result.valid[[3, 30]].any()
    assert np.isnan(result.value[[3, 30]]).all()
    assert result.shrunk[keep] == pytest.approx(clean.shrunk)


def test_a_school_without_any_intake_context_gets_no_estimate_and_is_counted():
    rng = np.random.default_rng(9)
    context = np.column_stack([rng.uniform(0, 50, 100), np.log(rng.uniform(100, 900, 100))])
    context[7, 0] = np.nan  # its size is known, its intake is not
    value = rng.normal(size=100)
    result = relative_performance(
        value, np.full(100, 60), context, pupil_sd=3.0, intake=np.array([True, False])
    )
    assert not result.valid[7]
    assert result.no_context == 1
    assert result.valid.sum() == 99


def test_a_measure_with_too_few_schools_is_skipped_with_its_reason_and_so_is_its_pooled_row():
    tiny = relative_performance(
        np.array([3.0, 5.0]), np.array([40, 60]), flat_context(2), pupil_sd=4.0, measure="rare", year=2022
    )
    assert tiny.skipped == FEW_SCHOOLS and tiny.reason == {"schools": 2, "needed": MIN_SCHOOLS}
    assert not tiny.valid.any()
    (pooled,) = pool_years([tiny], n_schools=2)
    assert pooled.skipped == NO_YEAR and not pooled.valid.any()


def test_a_measure_with_one_year_gets_that_year_as_its_pooled_row():
    rng = np.random.default_rng(10)
    one = relative_performance(
        rng.normal(size=40), np.full(40, 30), flat_context(40), pupil_sd=4.0, measure="m", year=2022
    )
    (pooled,) = pool_years([one], n_schools=40)
    assert pooled.valid.all()
    assert pooled.shrunk == pytest.approx(one.shrunk)
    assert np.all(pooled.upper > pooled.lower)


@pytest.mark.parametrize("seed", [11, 12])
def test_a_step_in_context_that_splines_round_off_is_found_kept_and_the_intervals_cover_95_percent(seed):
    rng = np.random.default_rng(seed)
    n = 4000
    language = rng.uniform(0, 100, n)  # past 40% of pupils learning the language, a school is run differently
    cohort = rng.integers(20, 120, n).astype(float)
    truth = rng.normal(0, 1.0, n)
    value = 3.0 * (language >= 40) + truth + rng.normal(size=n) * 4.0 / np.sqrt(cohort)
    result = relative_performance(value, cohort, language[:, None], pupil_sd=4.0)
    assert result.expected_model.endswith("+steps")
    covered = np.mean((result.lower <= truth) & (truth <= result.upper))
    assert 0.93 <= covered <= 0.97
    # where context has no jump, none is added (a step must beat 4.5 standard errors and lower the error)
    no_jump = relative_performance(
        truth + rng.normal(size=n) * 4.0 / np.sqrt(cohort), cohort, language[:, None], pupil_sd=4.0
    )
    assert "+steps" not in no_jump.expected_model
