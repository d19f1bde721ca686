"""The expected value's error that alike schools share (`model_error.shared_error`), against planted truth."""

import numpy as np
import pytest

from kindred.engine.expected import folds_of
from kindred.engine.model_error import NEIGHBOURS, alike_schools, shared_error

M = 4000


def measured(residual, z, fold, groups=None, explained=None):
    explained = np.ones(residual.size) if explained is None else explained
    return shared_error(residual, alike_schools(z, fold, groups), groups, explained)


def planted(seed: int, *, missed: float) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Residuals of M schools: own effect plus luck (variance 1), plus `missed` times a smooth error of
    the context that the expected value did not follow (mean square about missed^2 / 2)."""
    rng = np.random.default_rng(seed)
    z = rng.standard_normal((M, 2))
    error = missed * np.sin(1.5 * z[:, 0]) * np.cos(z[:, 1])
    residual = error + rng.standard_normal(M)
    return residual, z, error, np.ones(M)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_an_error_the_expected_value_shares_with_alike_schools_is_measured_and_carried(seed):
    residual, z, error, explained = planted(seed, missed=0.8)
    carried, found = measured(residual, z, folds_of(np.arange(M)), None, explained)
    truth = float(np.mean(error**2))  # about 0.13, against a residual variance of 1.13
    assert 0.6 * truth <= found["shared"] <= 1.3 * truth, (found, truth)
    assert np.allclose(carried, found["shared"])


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_without_a_shared_error_almost_nothing_is_carried(seed):
    residual, z, _, explained = planted(seed, missed=0.0)
    carried, found = measured(residual, z, folds_of(np.arange(M)), None, explained)
    # the mean of M products of independent residuals: its standard error is about 1 / sqrt(M * k)
    assert abs(found["shared"]) < 4.0 / np.sqrt(M * NEIGHBOURS)
    assert carried.max() < 0.03  # carried only when above two of its own standard errors


def test_a_school_is_never_its_own_neighbour_even_when_every_context_is_the_same():
    rng = np.random.default_rng(4)
    residual = rng.standard_normal(M)
    _, found = measured(residual, np.zeros((M, 3)), folds_of(np.arange(M)))
    # with itself among its neighbours the mean would be near 1 / (k + 1) = 0.17
    assert abs(found["shared"]) < 4.0 / np.sqrt(M * NEIGHBOURS)


def test_schools_of_other_folds_are_not_neighbours():
    """Cross-fitted residuals of different folds are pulled apart (each school was in the other's fit):
    here every school has a twin of the same context in another fold with the opposite residual."""
    rng = np.random.default_rng(5)
    half = rng.standard_normal((M // 2, 2))
    z = np.vstack([half, half])
    own = rng.standard_normal(M // 2)
    residual = np.concatenate([own, -own])
    fold = np.concatenate([np.zeros(M // 2, dtype=np.int64), np.ones(M // 2, dtype=np.int64)])
    _, found = measured(residual, z, fold)
    assert abs(found["shared"]) < 4.0 / np.sqrt(M * NEIGHBOURS)


def test_each_phase_is_measured_on_its_own_and_a_phase_too_small_to_measure_carries_nothing():
    residual, z, _, explained = planted(6, missed=0.0)
    groups = np.where(np.arange(M) < M // 2, "primary", "secondary").astype(object)
    residual[: M // 2] += 0.8 * np.sin(1.5 * z[: M // 2, 0])  # only primaries' expected values miss
    groups[:50] = "special"  # too few to be measured
    carried, found = measured(residual, z, folds_of(np.arange(M)), groups, explained)
    assert found["shared primary"] > 0.15
    assert abs(found["shared secondary"]) < 0.05
    assert "shared special" not in found
    assert np.all(carried[groups == "special"] == 0.0)
    assert np.all(carried[groups == "secondary"] == 0.0)  # not above two of its standard errors
    assert np.all(carried[groups == "primary"] == found["shared primary"])


def test_alike_schools_are_of_the_same_phase_and_fold_and_never_the_school_itself():
    rng = np.random.default_rng(7)
    z = np.round(rng.standard_normal((M, 2)), 1)  # many ties
    fold = folds_of(np.arange(M))
    groups = rng.choice(np.array(["primary", "secondary"]), M)
    groups[:3] = "special"  # too few for any alike school
    near = alike_schools(z, fold, groups)
    assert near.shape == (M, NEIGHBOURS)
    assert np.all(near[:3] == -1)
    rows = np.repeat(np.arange(3, M)[:, None], NEIGHBOURS, axis=1)
    found = near[3:]
    assert np.all(found >= 0) and not np.any(found == rows)
    assert np.all(fold[found] == fold[rows]) and np.all(groups[found] == groups[rows])
