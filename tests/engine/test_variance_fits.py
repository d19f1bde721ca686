"""tau^2 fitted by Newton's method (`variance.constant_tau2`, `variance._scoring` with SCORING_FIT) reaches
the maximum of the same likelihood that the root-finder and the quasi-Newton search (L-BFGS-B) found
before: checked on every fit the engine makes of hard generated countries, against those searches run
to tight tolerances, and against them as they were shipped (whose own stopping rule is the gap)."""

import numpy as np
import pytest
from scipy import optimize

from kindred.engine import generate, performance, variance
from tests.engine.test_hard_truth import hard_estimates


def _brentq_tau2(e2: np.ndarray, noise: np.ndarray) -> float:
    """The constant tau^2 as it was found before: the score's root by Brent's method."""

    def score(tau2: float) -> float:
        v = np.maximum(tau2 + noise, 1e-300)
        return float(np.sum(1.0 / v - e2 / v**2))

    if e2.size == 0 or score(0.0) >= 0:
        return 0.0
    upper = float(e2.max())
    while score(upper) < 0:
        upper *= 2.0
    return float(optimize.brentq(score, 0.0, upper, xtol=1e-12 * upper + 1e-300))


def _quasi_newton(tight: bool):
    """`_scoring` for the fits by cohort and level replaced by L-BFGS-B from the same start, as before
    (`tight`: run until the gradient is 1e-10, not scipy's default stopping rule)."""
    scoring = variance._scoring

    def search(basis, start, e2, noise, penalty=None, **options):
        if not options.get("newton"):  # the phases' offsets: Fisher scoring, as before
            return scoring(basis, start, e2, noise, penalty, **options)

        def nll(theta):
            t = np.exp(np.clip(basis @ theta, -700, 700))
            v = np.maximum(t + noise, 1e-300)
            return 0.5 * float(np.sum(np.log(v) + e2 / v)), basis.T @ (0.5 * (1.0 / v - e2 / v**2) * t)

        settings = {"ftol": 1e-15, "gtol": 1e-10, "maxiter": 1000} if tight else {}
        bounds = [(None, None)] + [(-3.0, 3.0)] * (basis.shape[1] - 1)
        fit = optimize.minimize(nll, start, jac=True, method="L-BFGS-B", bounds=bounds, options=settings)
        return fit.x, float(fit.fun)

    return search


def engine_fits(seed: int) -> list[tuple[tuple, dict]]:
    """The arguments of every `fit_between` the engine makes on a hard generated country."""
    country = generate.generate_country(n_schools=2500, seed=seed, hard=True)
    calls = []
    fit_between = performance.fit_between

    def recording(*args, **kwargs):
        calls.append((args, kwargs))
        return fit_between(*args, **kwargs)

    performance.fit_between = recording
    try:
        yearly = hard_estimates(country)
        performance.pool_years(yearly, n_schools=country.phase.size, groups=country.phase)
    finally:
        performance.fit_between = fit_between
    return calls


# One hard country in the suite (CI's time): seeds 2 and 3 agreed as closely when Newton's method
# landed (63a02f9); add them here to check a change to the fits again.
@pytest.fixture(scope="module", params=[1], ids=lambda s: f"seed {s}")
def fits(request):
    return engine_fits(request.param)


def test_the_constant_tau2_is_the_root_brents_method_finds(fits):
    for args, _ in fits:
        residual, noise = args[0], args[1]
        expected = _brentq_tau2(residual**2, noise)
        assert variance.constant_tau2(residual**2, noise) == pytest.approx(expected, rel=1e-9, abs=1e-300)


def test_newtons_method_reaches_the_maximum_a_tight_quasi_newton_search_finds(fits, monkeypatch):
    new = [variance.fit_between(*args, **kwargs) for args, kwargs in fits]
    monkeypatch.setattr(variance, "_scoring", _quasi_newton(tight=True))
    monkeypatch.setattr(variance, "constant_tau2", _brentq_tau2)
    reference = [variance.fit_between(*args, **kwargs) for args, kwargs in fits]
    assert sum(r.kind != variance.TAU_CONSTANT or bool(r.by_level) for r in reference) >= 3
    for a, b in zip(new, reference, strict=True):
        assert (a.kind, bool(a.by_level), [g for g, _ in a.by_group]) == (
            b.kind,
            bool(b.by_level),
            [g for g, _ in b.by_group],
        )
        np.testing.assert_allclose(a.values, b.values, rtol=1e-6)


def test_the_fits_as_shipped_before_differ_only_by_their_stopping_rule(fits, monkeypatch):
    """L-BFGS-B stops when the likelihood improves by less than 2.2e-9 of itself, which leaves tau^2 a
    little short of the maximum: by 1e-7 of itself for half the fits, 1e-4 for the worst hundredth, and
    8.5e-4 for the worst (a bent tau^2 of four coefficients, seed 1); the tight search above agrees
    with Newton's method to 1e-6. The same kind of tau^2 is chosen every time."""
    new = [variance.fit_between(*args, **kwargs) for args, kwargs in fits]
    monkeypatch.setattr(variance, "_scoring", _quasi_newton(tight=False))
    monkeypatch.setattr(variance, "constant_tau2", _brentq_tau2)
    before = [variance.fit_between(*args, **kwargs) for args, kwargs in fits]
    for a, b in zip(new, before, strict=True):
        assert a.kind == b.kind
        np.testing.assert_allclose(a.values, b.values, rtol=2e-3)
