"""One year of results and no declared pupil SD: the robust estimate from the spread by cohort size.

The claims of docs/methods.md ("One year, nothing declared"): the estimate is not moved by a few wild
values (the joint fit it replaces is); it recovers the pupil SD when schools' real differences do not
depend on their size; when smaller schools really differ more it errs on the wide side; and since one
year alone cannot tell smaller schools differing more from luck, a measure whose year cannot pin its
pupil SD down (`pupil_sd_range`) gets estimates without verdicts, with intervals that span every SD the
year allows: on the awkward planted country, every measure either covers 93% or gives no verdict.
"""

from dataclasses import dataclass, replace

import numpy as np
import pytest

from kindred.engine import generate
from kindred.engine.cohorts import approximate_cohort
from kindred.engine.families import context_matrix
from kindred.engine.performance import (
    BOUNDED,
    COHORT_SPREAD,
    FROM_UNIT,
    NEED,
    NOISE_UNIDENTIFIED,
    STRENGTH,
    Evidence,
    MeasureModel,
    relative_performance,
    relative_performance_table,
)
from kindred.engine.units import PERCENT, PERCENT_OF_PUPILS, SCORE
from kindred.engine.variance import fit_variances, pupil_sd_from_cohorts


def planted_residuals(seed: int, *, n: int = 6000, tau2: float = 3.5, sd: float = 6.0):
    rng = np.random.default_rng(seed)
    cohort = np.round(np.exp(rng.normal(np.log(30), 0.6, n))) + 1
    truth = rng.normal(0, np.sqrt(tau2), n)
    value = truth + rng.normal(0, sd / np.sqrt(cohort))
    return value, cohort, truth


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_robust_pupil_sd_is_not_moved_by_a_few_wild_values_while_the_joint_fit_is(seed):
    value, cohort, _ = planted_residuals(seed)
    wild = value.copy()
    wild[:30] = 400.0  # 0.5% of schools typed in wrongly, inside no declared range
    clean = pupil_sd_from_cohorts(value, cohort)
    assert pupil_sd_from_cohorts(wild, cohort) == pytest.approx(clean, rel=0.06)
    _, joint = fit_variances(wild - np.median(wild), 1.0 / cohort, None)
    assert not 6.0 / 1.5 <= np.sqrt(joint) <= 6.0 * 1.5  # the joint fit goes wild


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_robust_pupil_sd_recovers_the_truth_when_spread_between_schools_does_not_depend_on_size(seed):
    value, cohort, truth = planted_residuals(seed)
    result = relative_performance(value, cohort, np.zeros((value.size, 0)))
    assert result.pupil_sd_method == COHORT_SPREAD and result.pupil_sd_estimated
    assert result.pupil_sd == pytest.approx(6.0, rel=0.1)  # one year of 6,000 schools: about ±6%
    # but the year cannot rule out that smaller schools really differ more, with a much smaller SD
    assert result.pupil_sd_low < 0.7 * result.pupil_sd <= result.pupil_sd_high
    assert result.withheld == NOISE_UNIDENTIFIED and not result.verdict.any()
    covered = (result.lower <= truth) & (truth <= result.upper)
    assert covered.mean() >= 0.95  # the intervals span every SD the year allows


def test_too_few_schools_or_no_spread_in_cohort_gives_no_robust_estimate():
    value, cohort, _ = planted_residuals(1, n=20)
    assert pupil_sd_from_cohorts(value, cohort) is None
    value, _, _ = planted_residuals(1, n=500)
    assert pupil_sd_from_cohorts(value, np.full(500, 30.0)) is None


FEATURES = [
    "fsm_pct",
    "eal_pct",
    "sen_support_pct",
    "sen_ehcp_pct",
    "prior_attainment",
    "selective",
    "log_pupils",
    "urban",
]


@dataclass(frozen=True)
class OneYear:
    country: generate.Country
    yearly: list[Evidence]

    def truth(self, item: Evidence) -> np.ndarray:
        return self.country.true_effects[item.measure][item.school_index[item.valid]]


@pytest.fixture(scope="module")
def awkward_one_year() -> OneYear:
    """The awkward country (smaller schools differ more), one year, no pupil SD declared for any measure."""
    country = generate.generate_country(n_schools=2000, seed=3, awkward=True, years=(2023,))
    context = context_matrix(country.context, pupils=country.pupils, urban=country.urban, features=FEATURES)
    series = []
    for item in country.outcomes:
        if not item.cohort_published:
            rows = item.school_index
            approximate = approximate_cohort(
                country.pupils[rows],
                country.phase[rows],
                whole_school=item.measure in generate.ABSENCE_MEASURES,
            )
            item = replace(item, cohort=approximate)
        series.append(item)
    models = {
        m: MeasureModel(
            higher_is_better=m not in generate.HIGHER_IS_WORSE,
            valid_min=0.0 if m.endswith("_pct") else None,
            valid_max=100.0 if m.endswith("_pct") else None,
            unit=PERCENT_OF_PUPILS
            if m in generate.PUPIL_SHARE_MEASURES
            else PERCENT
            if m.endswith("_pct")
            else SCORE,
        )
        for m in generate.OUTCOME_MEASURES
    }
    yearly = relative_performance_table(
        series, context=context, feature_names=FEATURES, groups=country.phase, models=models
    )
    return OneYear(country, yearly)


def test_with_one_year_every_undeclared_pupil_sd_is_estimated_robustly_or_comes_from_the_unit(
    awkward_one_year,
):
    for item in awkward_one_year.yearly:
        if item.unit == PERCENT_OF_PUPILS:
            assert item.pupil_sd_method == FROM_UNIT and not item.pupil_sd_estimated, item.measure
        else:
            assert item.pupil_sd_estimated
            assert item.pupil_sd_method in (COHORT_SPREAD, BOUNDED), item.measure
            assert item.pupil_sd_low <= item.pupil_sd <= item.pupil_sd_high, item.measure


def test_when_smaller_schools_differ_more_the_one_year_estimate_errs_on_the_wide_side(awkward_one_year):
    for item in awkward_one_year.yearly:
        if item.pupil_sd_estimated:
            assert item.pupil_sd >= 0.95 * generate.PUPIL_SD[item.measure], item.measure


def test_with_one_year_at_least_95_percent_of_the_verdicts_given_are_on_the_right_side(awkward_one_year):
    # the verdicts given come from the percentages of pupils, whose noise the unit gives: one year of
    # 330 secondaries
    better = np.concatenate([item.sign * awkward_one_year.truth(item) for item in awkward_one_year.yearly])
    verdict = np.concatenate([item.verdict[item.valid] for item in awkward_one_year.yearly])
    assert (verdict != 0).sum() > 20
    assert np.mean(better[verdict == STRENGTH] > 0) >= 0.95
    assert np.mean(better[verdict == NEED] < 0) >= 0.95


def test_with_one_year_and_no_declared_sd_every_measure_covers_93_percent_or_gives_no_verdicts(
    awkward_one_year,
):
    for item in awkward_one_year.yearly:
        if not item.pupil_sd_estimated:
            continue  # a percentage of pupils: its noise comes from its unit, nothing is estimated
        truth = awkward_one_year.truth(item)
        covered = (item.lower[item.valid] <= truth) & (truth <= item.upper[item.valid])
        if item.verdict.any():
            assert covered.mean() >= 0.93, (item.measure, covered.mean())
        else:
            assert item.withheld == NOISE_UNIDENTIFIED or not item.verdicts, item.measure


def test_a_measure_whose_year_cannot_pin_its_pupil_sd_gives_no_verdicts_and_says_why(awkward_one_year):
    withheld = [item for item in awkward_one_year.yearly if item.withheld == NOISE_UNIDENTIFIED]
    assert len(withheld) >= 5  # every score: KS2 progress, Progress 8, Attainment 8, EBacc, absence
    for item in withheld:
        assert not item.verdict.any()
        assert item.reason["low"] < item.reason["high"]
