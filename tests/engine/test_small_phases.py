"""Small phases borrow what they cannot measure alone (docs/methods.md, "Small phases"): the error of an
expected value that is not recalibrated for a phase where context acts more strongly
(`expected._unrecalibrated_error`), checked against planted truth."""

import numpy as np
import pytest

from kindred.engine.expected import design, expected_values, folds_of

LARGE, SMALL = 3000, 40


def planted(seed: int, *, small_slope: float):
    """A large phase and a small one (40 schools); context acts `small_slope` times as strongly in the
    small one. Each school: what context does, its own effect (SD 1) and luck (SD 0.5)."""
    rng = np.random.default_rng(seed)
    m = LARGE + SMALL
    z = rng.standard_normal((m, 3))
    groups = np.array(["primary"] * LARGE + ["middle"] * SMALL)
    context = 1.5 * z[:, 0] - 1.0 * z[:, 1] + 0.5 * z[:, 2]
    truth = context * np.where(groups == "middle", small_slope, 1.0)
    y = truth + rng.standard_normal(m) + 0.5 * rng.standard_normal(m)
    return y, z, groups, truth


def fitted(y, z, groups):
    missing = np.zeros(z.shape, dtype=bool)
    weights = np.full(y.size, 1.0 / 1.25)
    return expected_values(
        y,
        z,
        missing,
        weights,
        fold=folds_of(np.arange(y.size)),
        groups=groups,
        columns=design(z, missing, groups),
        candidates=("mean", "linear"),
        recalibrate=False,  # as when the largest phase decides: the small phase is not recalibrated
        phase_penalties=(),
    )


def test_a_small_phase_not_recalibrated_carries_the_error_its_schools_share():
    carried, realised, before = [], [], []
    for seed in range(1, 9):
        y, z, groups, truth = planted(seed, small_slope=1.6)
        fit = fitted(y, z, groups)
        small = groups == "middle"
        assert "+phase" not in fit.model
        realised.append(float(np.mean((fit.expected[small] - truth[small]) ** 2)))
        carried.append(float(np.mean(fit.prediction_var[small])))
        before.append(float(np.mean(fit.prediction_var[~small])))
    # context acting 1.6 times as strongly: an error of about 0.36 * 3.5 = 1.3 the large phase's fit
    # cannot see; carried now, within a third on average over the seeds (one draw per seed)
    assert np.mean(carried) == pytest.approx(np.mean(realised), rel=0.35)
    # the large phase carries only its own fitting error, as before
    assert np.mean(before) < 0.01


def test_a_small_phase_like_the_others_carries_almost_nothing_more():
    added = []
    for seed in range(1, 9):
        y, z, groups, _ = planted(seed, small_slope=1.0)
        fit = fitted(y, z, groups)
        small = groups == "middle"
        added.append(float(np.mean(fit.prediction_var[small]) - np.mean(fit.prediction_var[~small])))
    # the recalibration's own luck is taken off: what is left is about 0, against 1.3 above
    assert np.mean(added) < 0.15
