"""Families of similar schools, checked against cases worked by hand."""

import numpy as np
import pytest

from kindred.engine.families import (
    CONTEXT_FEATURES,
    combine_groups,
    context_matrix,
    families,
    family_mean,
    fit_weights,
    log_odds,
    standardise,
)


def test_each_school_gets_its_nearest_schools_nearest_first_with_distances():
    x = np.array([[0.0], [1.0], [2.0], [10.0], [11.0]])
    result = families(x, k=2)
    z = (x[:, 0] - x[:, 0].mean()) / x[:, 0].std()
    assert result.members.tolist() == [[1, 2], [0, 2], [1, 0], [4, 2], [3, 2]]
    assert result.distances[0] == pytest.approx([z[1] - z[0], z[2] - z[0]])
    assert result.distances[3] == pytest.approx([z[4] - z[3], z[3] - z[2]])


def test_a_school_is_never_in_its_own_family_even_among_identical_schools():
    x = np.zeros((4, 2))
    result = families(x, k=3)
    for school in range(4):
        assert school not in result.members[school]
        assert sorted(result.members[school]) == sorted(set(range(4)) - {school})
    assert np.all(result.distances == 0)


def test_families_stay_within_their_phase():
    x = np.array([[0.0], [0.1], [0.2], [5.0], [5.1], [5.2]])
    phase = np.array(["primary", "secondary", "primary", "secondary", "primary", "secondary"])
    result = families(x, groups=phase, k=2)
    for school in range(6):
        assert set(phase[result.members[school]]) == {phase[school]}


def test_a_group_smaller_than_k_leaves_empty_places_marked_minus_one():
    x = np.array([[0.0], [1.0], [2.0]])
    result = families(x, k=4)
    assert result.members[0].tolist() == [1, 2, -1, -1]
    assert np.isinf(result.distances[0, 2:]).all()


def test_a_weight_of_zero_ignores_that_feature():
    # feature 0 says school 0 is like school 1; feature 1 says it is like school 2
    x = np.array([[0.0, 0.0], [0.1, 9.0], [5.0, 0.1], [9.0, 5.0]])
    assert families(x, k=1, weights=[1.0, 0.0]).members[0, 0] == 1
    assert families(x, k=1, weights=[0.0, 1.0]).members[0, 0] == 2


def test_a_missing_value_is_imputed_with_its_groups_median_and_flagged():
    x = np.array([[1.0], [2.0], [np.nan], [100.0], [200.0], [300.0]])
    groups = np.array([0, 0, 0, 1, 1, 1])
    z, imputed = standardise(x, groups)
    assert imputed[:, 0].tolist() == [False, False, True, False, False, False]
    # group 0 becomes [1, 2, 1.5]: the imputed school sits exactly at the group's mean
    assert z[2, 0] == pytest.approx(0.0)
    assert z[0, 0] == pytest.approx(-z[1, 0])


def test_weights_of_the_wrong_length_are_refused():
    with pytest.raises(ValueError, match="one value per feature"):
        families(np.zeros((3, 2)), k=1, weights=[1.0])


def test_negative_weights_are_refused():
    with pytest.raises(ValueError, match="not negative"):
        families(np.zeros((3, 2)), k=1, weights=[1.0, -1.0])


def test_family_mean_ignores_missing_outcomes_and_empty_places():
    outcome = np.array([1.0, np.nan, 3.0, 10.0])
    members = np.array([[1, 2], [0, -1], [1, -1], [0, 2]])
    assert family_mean(outcome, members).tolist()[:1] == [3.0]
    assert family_mean(outcome, members)[1] == 1.0
    assert np.isnan(family_mean(outcome, members)[2])
    assert family_mean(outcome, members)[3] == 2.0


def test_context_matrix_puts_percentages_on_the_log_odds_scale_and_size_on_the_log_scale():
    context = {"fsm_pct": np.array([50.0, 10.0]), "prior_attainment": np.array([0.2, -0.1])}
    x = context_matrix(context, pupils=np.array([99, 999]), urban=np.array([True, False]))
    assert x.shape == (2, len(CONTEXT_FEATURES))
    assert x[:, 0] == pytest.approx([0.0, np.log(0.1 / 0.9)])
    assert np.isnan(x[:, 1]).all()  # eal_pct not supplied: imputed later
    assert x[:, CONTEXT_FEATURES.index("log_pupils")] == pytest.approx(np.log([100, 1000]))
    assert x[:, CONTEXT_FEATURES.index("urban")].tolist() == [1.0, 0.0]


def test_log_odds_keeps_zero_and_hundred_percent_finite():
    assert np.isfinite(log_odds(np.array([0.0, 100.0]))).all()
    assert log_odds(np.array([0.0]))[0] == pytest.approx(-log_odds(np.array([100.0]))[0])


def test_combine_groups_gives_one_id_per_combination():
    ids = combine_groups(np.array(["p", "p", "s", "s"]), np.array(["a", "b", "a", "a"]))
    assert ids[2] == ids[3]
    assert len(set(ids.tolist())) == 3


def test_fitted_weights_favour_the_feature_that_predicts_outcomes():
    rng = np.random.default_rng(3)
    x = rng.normal(size=(1500, 3))
    outcome = 2.0 * x[:, 1] + rng.normal(scale=0.3, size=1500)
    fit = fit_weights(x, outcome[:, None], k=10, sample=None, max_evaluations=60)
    assert np.argmax(fit.weights) == 1
    assert fit.loo_mse < fit.equal_weights_mse


def test_a_school_alone_in_its_phase_has_an_empty_family():
    x = np.array([[0.0], [1.0], [2.0], [3.0]])
    result = families(x, groups=np.array(["primary", "primary", "primary", "special"]), k=2)
    assert result.members[3].tolist() == [-1, -1]
    assert np.isinf(result.distances[3]).all()
    assert result.members[0].tolist() == [1, 2]
