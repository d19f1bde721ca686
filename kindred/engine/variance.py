"""Variances of the evidence model: between schools (tau^2) and between pupils (the pupil SD).

- `fit_between`: maximum-likelihood tau^2 for residual_i ~ N(0, tau_i^2 + noise_i), constant or
  log-linear in log cohort (chosen by a likelihood-ratio test), with the inverse Fisher information
  so that the uncertainty of tau^2 can enter every interval (delta method, Kass & Steffey 1989).
  Fitted by Newton's method: the constant's score root kept in its bracket (`constant_tau2`), the
  coefficients by cohort and level by Newton steps (`_scoring` with SCORING_FIT), the phases' offsets
  by Fisher scoring; each step one pass over the schools, as the engine fits six per measure-year.
- `pupil_sd_from_years`: a robust pupil SD from year-to-year changes, when none is declared.
- `pupil_sd_from_cohorts`: a robust pupil SD from how the spread of one year's results falls with cohort
  size, when there is only one year and nothing declared.
- `fit_variances`: tau^2 and the pupil SD jointly by maximum likelihood: only a cross-check of the above.

See performance.py for how they are used. Pure numpy/scipy; no Django.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Any, Protocol

import numpy as np
from scipy import optimize, stats

from kindred.engine.units import SHARE_FLOOR

#: How tau^2 is modelled.
TAU_CONSTANT = "constant"
TAU_LOG_COHORT = "log cohort"
TAU_BENT = "bent"
#: chi-square(1) critical value at 1%: the size-dependent tau^2 must beat the constant by this much.
LIKELIHOOD_RATIO_CRITICAL = float(stats.chi2.ppf(0.99, 1))
#: Median of a chi-square variable with one degree of freedom.
CHI2_1_MEDIAN = float(stats.chi2.ppf(0.5, 1))
#: The log-linear tau^2 is only tried with at least this many schools.
MIN_SCHOOLS_FOR_SLOPE = 20


class YearSeries(Protocol):
    # Read-only (properties), so frozen dataclasses match it.
    @property
    def year(self) -> int: ...
    @property
    def school_index(self) -> np.ndarray: ...
    @property
    def value(self) -> np.ndarray: ...
    @property
    def cohort(self) -> np.ndarray: ...


def pupil_sd_from_years(
    items: Sequence[YearSeries], *, valid_min: float | None = None, valid_max: float | None = None
) -> float | None:
    """A robust pupil-level SD from how much schools' results move between consecutive years.

    For a school with results y_t, y_t' on cohorts n_t, n_t', its own effect and its context cancel in
    the change, leaving Var = pupil_sd^2 (1/n_t + 1/n_t') (plus any real change, which makes the
    estimate err on the wide side). The national change is removed with the median change, and the
    median of the standardised squared changes, divided by the chi-square(1) median, estimates
    pupil_sd^2: a handful of wild values cannot move it. None when fewer than 30 schools have two years.
    """
    ordered = sorted(items, key=lambda s: s.year)
    ratios = []
    for first, second in pairwise(ordered):
        _, a, b = np.intersect1d(
            np.asarray(first.school_index), np.asarray(second.school_index), return_indices=True
        )
        y0, y1 = np.asarray(first.value, dtype=float)[a], np.asarray(second.value, dtype=float)[b]
        n0, n1 = np.asarray(first.cohort, dtype=float)[a], np.asarray(second.cohort, dtype=float)[b]
        ok = np.isfinite(y0) & np.isfinite(y1) & (n0 > 0) & (n1 > 0)
        for bound, below in ((valid_min, True), (valid_max, False)):
            if bound is not None:
                ok &= (y0 >= bound) & (y1 >= bound) if below else (y0 <= bound) & (y1 <= bound)
        if ok.sum() < 2:
            continue
        change = y1[ok] - y0[ok]
        change -= np.median(change)
        ratios.append(change**2 / (1.0 / n0[ok] + 1.0 / n1[ok]))
    if not ratios or sum(r.size for r in ratios) < 30:
        return None
    estimate = float(np.sqrt(np.median(np.concatenate(ratios)) / CHI2_1_MEDIAN))
    return estimate if estimate > 0 else None


#: Squared residuals are capped at this many times their bin's median-based variance (the 99.9th
#: percentile of a chi-square(1)); KEPT is the share of a chi-square(1)'s mean that survives the cap.
WINSOR = float(stats.chi2.ppf(0.999, 1))
KEPT = float(stats.chi2.cdf(WINSOR, 3) + WINSOR * stats.chi2.sf(WINSOR, 1))


def _winsorised_variance(e2: np.ndarray) -> float:
    scale = float(np.median(e2)) / CHI2_1_MEDIAN
    return float(np.mean(np.minimum(e2, WINSOR * scale))) / KEPT


#: At least this many schools are needed to estimate the pupil SD from one year's spread by cohort.
MIN_SCHOOLS_FOR_COHORT_SPREAD = 30
#: Schools per cohort bin in `pupil_sd_from_cohorts` (at least), and the most bins.
SCHOOLS_PER_BIN = 40
MAX_BINS = 20


def _cohort_bins(
    residual: np.ndarray, cohort: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """Schools sorted by 1/cohort and cut into bins of equal count: (mean 1/n, robust variance, size).

    None with fewer than MIN_SCHOOLS_FOR_COHORT_SPREAD schools or when the cohorts hardly differ.
    """
    residual = np.asarray(residual, dtype=float)
    cohort = np.asarray(cohort, dtype=float)
    ok = np.isfinite(residual) & np.isfinite(cohort) & (cohort > 0)
    m = int(ok.sum())
    if m < MIN_SCHOOLS_FOR_COHORT_SPREAD:
        return None
    inv = 1.0 / cohort[ok]
    e2 = residual[ok] ** 2
    order = np.argsort(inv, kind="stable")
    count = int(np.clip(m // SCHOOLS_PER_BIN, 3, MAX_BINS))
    bins = np.array_split(order, count)
    x = np.array([inv[b].mean() for b in bins])
    if np.ptp(x) <= 1e-12 * max(float(x.max()), 1e-300):
        return None
    v = np.array([_winsorised_variance(e2[b]) for b in bins])
    return x, v, np.array([b.size for b in bins], dtype=float)


def pupil_sd_from_cohorts(residual: np.ndarray, cohort: np.ndarray) -> float | None:
    """A robust pupil-level SD from one year: how the spread of schools' residuals falls with cohort.

    A school's residual (result - expected) has variance tau^2 + pupil_sd^2 / n. Schools are sorted by
    1/n and cut into bins of equal count (at least SCHOOLS_PER_BIN each, at most MAX_BINS bins); in each
    bin the variance is the mean squared residual with each square capped at WINSOR times the bin's
    median-based variance (median squared residual / chi-square(1) median), then divided by the share of
    a chi-square(1) mean the cap keeps: unbiased for normal residuals, almost as precise as the plain
    mean, and a few wild values cannot move it far. The bins' variances are regressed on their mean 1/n by weighted least squares (a
    bin's variance is uncertain in proportion to its size): the slope is pupil_sd^2, the intercept tau^2
    (both kept at or above 0). None with fewer than MIN_SCHOOLS_FOR_COHORT_SPREAD schools, when the
    cohorts hardly differ, or when the spread does not fall with cohort.

    This assumes tau^2 does not depend on cohort. When smaller schools really differ more (tau^2 falls
    with cohort), that fall is read as sampling noise too: from one year alone the two cannot be told
    apart, and the estimate errs on the wide side. `pupil_sd_range` says how far it could be off.
    """
    bins = _cohort_bins(residual, cohort)
    if bins is None:
        return None
    x, v, size = bins
    count = x.size
    fitted = np.full(count, max(float(np.median(v)), 1e-300))
    slope = 0.0
    for _ in range(3):  # weights from the fitted variances: Var(v_b) is about 2 fitted_b^2 / size_b
        w = size / np.maximum(fitted, 1e-300) ** 2
        xm, vm = np.average(x, weights=w), np.average(v, weights=w)
        slope = float(np.sum(w * (x - xm) * (v - vm)) / np.sum(w * (x - xm) ** 2))
        intercept = vm - slope * xm
        if intercept < 0:  # tau^2 cannot be negative: through the origin
            slope, intercept = float(np.sum(w * x * v) / np.sum(w * x * x)), 0.0
        if slope <= 0:
            return None
        fitted = intercept + slope * x
    return float(np.sqrt(slope))


#: Slopes b of tau^2 proportional to cohort^b that `pupil_sd_range` tries: from small schools differing
#: far more (b = -1.5; England's Progress 8 shows -0.67) to big schools differing more (b = 1).
SIZE_SLOPES = tuple(round(b, 2) for b in np.arange(-1.5, 1.0001, 0.1))
#: A slope is compatible with the data when its fit is within this of the best (chi-square(1), 95%).
PROFILE_CRITICAL = float(stats.chi2.ppf(0.95, 1))


@dataclass(frozen=True)
class SdRange:
    """What one year's spread by cohort allows: the pupil SDs and the size slopes b it cannot rule out."""

    low: float
    high: float
    slope_low: float
    slope_high: float


def pupil_sd_range(residual: np.ndarray, cohort: np.ndarray) -> SdRange | None:
    """The pupil-level SDs one year's results are compatible with, when tau^2 may depend on cohort.

    The binned robust variances of `pupil_sd_from_cohorts` are fitted as tau^2 (n / n0)^b + pupil_sd^2 / n
    for each slope b in SIZE_SLOPES (weighted least squares, both variances kept at or above 0). The
    slopes whose fit is within PROFILE_CRITICAL of the best (after scaling by the best fit's own excess
    spread, when the bins scatter more than normal residuals would) are those the data cannot rule out,
    and the range of their pupil SDs and slopes is returned: narrow when cohorts differ enough for the
    fall of luck with 1/n to be told from a change of real differences with size, wide (the SD down to 0)
    when they do not. None when `pupil_sd_from_cohorts` has no bins (too few schools, cohorts alike).
    """
    bins = _cohort_bins(residual, cohort)
    if bins is None:
        return None
    x, v, size = bins
    centre = float(np.exp(np.mean(np.log(x))))
    fits = [_fit_power(x, v, size, (x / centre) ** -b) for b in SIZE_SLOPES]
    misfit = np.array([fit[1] for fit in fits])
    dispersion = max(1.0, float(misfit.min()) / max(x.size - 3, 1))
    compatible = misfit <= misfit.min() + PROFILE_CRITICAL * dispersion
    sds = np.sqrt(np.array([fit[0] for fit in fits]))[compatible]
    slopes = np.array(SIZE_SLOPES)[compatible]
    return SdRange(float(sds.min()), float(sds.max()), float(slopes.min()), float(slopes.max()))


def _fit_power(x: np.ndarray, v: np.ndarray, size: np.ndarray, shape: np.ndarray) -> tuple[float, float]:
    """v ~ t * shape + s * x by weighted least squares with t, s >= 0: (s, misfit in chi-square units)."""
    design = np.column_stack([shape, x])
    fitted = np.full(v.size, max(float(np.median(v)), 1e-300))
    coef = np.zeros(2)
    for _ in range(4):
        w = size / (2.0 * np.maximum(fitted, 1e-300) ** 2)
        root = np.sqrt(w)
        coef = np.linalg.lstsq(design * root[:, None], v * root, rcond=None)[0]
        if coef[0] < 0 or coef[1] < 0:  # one of them at 0: the better of the two one-term fits
            only = [
                np.array(
                    [max(float(np.sum(w * c * v) / np.sum(w * c * c)), 0.0) * (j == k) for j in range(2)]
                )
                for k, c in enumerate(design.T)
            ]
            coef = min(only, key=lambda b: float(np.sum(w * (v - design @ b) ** 2)))
        fitted = np.maximum(design @ coef, 1e-300)
    w = size / (2.0 * fitted**2)
    return float(coef[1]), float(np.sum(w * (v - fitted) ** 2))


@dataclass(frozen=True)
class BetweenFit:
    """The fitted between-school variance: per-school values, and what its own uncertainty is.

    log tau_i^2 = basis(log cohort_i) . theta, the basis being [1] (constant), [1, x] (log-linear) or
    [1, x, (x - k1)+, (x - k2)+] (bent), x the log cohort less its mean; for a percentage, plus
    by_level times log(p_i (100 - p_i)) less its mean when the data support it; with phases, plus the
    offset of the school's phase (`by_group`).
    """

    kind: str
    theta: np.ndarray  # (k,) tau^2 itself when constant, else the coefficients of log tau^2
    centre: float
    knots: tuple[float, ...]
    values: np.ndarray
    jacobian: np.ndarray  # (m, k) d tau_i^2 / d theta
    covariance: np.ndarray  # (k, k) inverse Fisher information of theta (and of by_level, last)
    # c in log tau_i^2 = ... + c log(p_i (100 - p_i)) for a percentage (0: not by level); with it, theta
    # holds log tau^2's coefficients even when `kind` is constant, and `at` gives tau^2 at the mean level
    by_level: float = 0.0
    # gamma_g in log tau_i^2 = ... + gamma_g for a school of phase g (none: the reference, the largest
    # phase), partially pooled (`_with_groups`); with them, `at` gives tau^2 of the reference phase
    by_group: tuple[tuple[str, float], ...] = ()

    @property
    def slope(self) -> float:
        """b in log tau^2 = a + b log(cohort) (for a bent fit: below its first knot); 0 when constant."""
        return float(self.theta[1]) if self.theta.size > 1 else 0.0

    def at(self, log_cohort: float) -> float:
        if self.kind == TAU_CONSTANT and not self.by_level and not self.by_group:
            return float(self.theta[0])
        basis = _basis(np.array([log_cohort - self.centre]), self.knots, self.theta.size)
        return float(np.exp(basis @ self.theta)[0])

    def value_se(self) -> np.ndarray:
        """Standard error of each school's tau_i^2 (from the inverse Fisher information)."""
        return np.sqrt(np.maximum(np.sum((self.jacobian @ self.covariance) * self.jacobian, axis=1), 0.0))

    def extra_variance(self, effect: np.ndarray, noise: np.ndarray) -> np.ndarray:
        """Variance the uncertainty of tau^2 adds to each shrunk estimate (delta method)."""
        total = self.values + noise
        with np.errstate(invalid="ignore", divide="ignore"):
            d_tau = np.where(total > 0, noise * effect / total**2, 0.0)
        gradient = d_tau[:, None] * self.jacobian
        return np.sum((gradient @ self.covariance) * gradient, axis=1)


def _basis(x: np.ndarray, knots: tuple[float, ...], k: int) -> np.ndarray:
    columns = [np.ones_like(x), x, *(np.maximum(x - knot, 0.0) for knot in knots)]
    return np.column_stack(columns[:k])


#: chi-square(2) critical value at 1%: the bent tau^2 must beat the log-linear one by this much.
BENT_CRITICAL = float(stats.chi2.ppf(0.99, 2))


def fit_between(
    residual: np.ndarray,
    noise: np.ndarray,
    log_cohort: np.ndarray,
    *,
    size_dependent: bool,
    level: np.ndarray | None = None,
    groups: np.ndarray | None = None,
) -> BetweenFit:
    """Maximum-likelihood tau^2 for residual_i ~ N(0, tau_i^2 + noise_i): constant; log-linear in log
    cohort when that is better by a likelihood-ratio test at the 1% level; and bent (a log-linear slope
    that changes at the thirds of log cohort) when that is better again, at 1%: smaller schools may
    differ more, but not without end (a school of 20 pupils and one of 10 differ less than the slope says).

    `level` (m,), for a percentage: each school's expected value in per cent. Schools near 0 or 100 can
    differ less than schools near 50 (a percentage bends towards its bounds, so the same difference in
    teaching moves it less there), so log tau_i^2 may also follow log(p_i (100 - p_i)), kept when that is
    better again by a likelihood-ratio test at 1% (`BetweenFit.by_level`, its coefficient).

    `groups` (m,), the phases: schools of one phase may differ among themselves more or less than those
    of another at the same cohort (special schools and pupil referral units are not primaries; a
    year group is a different share of the school in a middle school than in a primary). Each phase
    with MIN_GROUP_SCHOOLS schools but the largest may get its own offset on log tau_i^2, partially
    pooled towards none (`_with_groups`): a phase of thirty schools borrows most of its tau^2 from
    the others."""
    fitted = _fit_between_by_cohort(residual, noise, log_cohort, size_dependent=size_dependent)
    if not size_dependent or residual.size < MIN_SCHOOLS_FOR_SLOPE:
        return fitted
    shape = None
    if level is not None:
        p = np.clip(np.asarray(level, dtype=float), SHARE_FLOOR, 100.0 - SHARE_FLOOR)
        shape = np.log(p * (100.0 - p))
        shape = shape - float(np.mean(shape))
        if np.ptp(shape) == 0 or fitted.values.max() <= 0:
            shape = None
    if shape is not None:
        fitted = _with_level(fitted, residual, noise, log_cohort, shape)
    if groups is not None:
        fitted = _with_groups(fitted, residual, noise, log_cohort, shape, np.asarray(groups))
    return fitted


def _minimise(
    basis: np.ndarray,
    start: np.ndarray,
    e2: np.ndarray,
    noise: np.ndarray,
    penalty: np.ndarray | None = None,
) -> tuple[np.ndarray, float]:
    """Minimise the negative log-likelihood of log tau_i^2 = basis . theta (plus theta' diag(penalty)
    theta / 2 when given): (theta, its value). The first coefficient is free; the others within +-3.

    A quasi-Newton search (L-BFGS-B): how tau^2 was fitted by cohort and level until 7 December 2026,
    kept as the plain reference that the tests hold `_scoring` to (tests/engine/test_variance_fits.py
    runs it to tight tolerances); the engine itself fits with `_scoring`."""

    def nll(theta: np.ndarray) -> tuple[float, np.ndarray]:
        t = np.exp(np.clip(basis @ theta, -700, 700))
        v = np.maximum(t + noise, 1e-300)
        d = 0.5 * (1.0 / v - e2 / v**2) * t
        value, gradient = 0.5 * float(np.sum(np.log(v) + e2 / v)), basis.T @ d
        if penalty is not None:
            value += 0.5 * float(np.sum(penalty * theta**2))
            gradient = gradient + penalty * theta
        return value, gradient

    bounds = [(None, None)] + [(-3.0, 3.0)] * (basis.shape[1] - 1)
    fit = optimize.minimize(nll, start, jac=True, method="L-BFGS-B", bounds=bounds)
    return (fit.x, float(fit.fun)) if fit.success else (start, nll(start)[0])


def _scoring(
    basis: np.ndarray,
    start: np.ndarray,
    e2: np.ndarray,
    noise: np.ndarray,
    penalty: np.ndarray | None = None,
    *,
    steps: int = 8,
    tolerance: float = 1e-9,
    newton: bool = False,
    step_tolerance: float = 0.0,
) -> tuple[np.ndarray, float]:
    """`_minimise` by Fisher scoring: a few Newton steps with the expected information, each step
    halved until the (penalised) negative log-likelihood falls; the coefficients past the first kept
    within +-3. A log-linear variance model converges in a handful of steps, each one pass over the
    schools: far cheaper than a quasi-Newton search when it is done for every measure-year. It stops
    after `steps` steps or when a step lowers the objective by less than `tolerance` of it.

    With `newton`, each step uses the observed information (the Hessian) where it is positive
    definite, the expected one elsewhere, and a coefficient held at its bound by the likelihood stays
    there while the others move (as a bounded quasi-Newton search does). A step that would move no coefficient by `step_tolerance` is
    the last (taken unchecked: the objective cannot tell it from rounding); Newton's method converges
    quadratically, so what is left after it is about its square (`SCORING_FIT`, how tau^2 is fitted
    by cohort and level)."""
    extra = np.zeros(basis.shape[1]) if penalty is None else penalty
    basis = np.ascontiguousarray(basis, dtype=float)

    def evaluate(theta: np.ndarray) -> tuple[float, np.ndarray, np.ndarray]:
        t = np.exp(np.clip(basis @ theta, -700, 700))
        inverse = 1.0 / np.maximum(t + noise, 1e-300)
        # sum(log v) as -sum(log(1 / v)), and sum(e2 / v) as one dot product: a pass fewer each
        value = 0.5 * (float(e2 @ inverse) - float(np.sum(np.log(inverse)))) + 0.5 * float(extra @ theta**2)
        return value, t, inverse

    theta = start.astype(float)
    value, t, inverse = evaluate(theta)
    for _ in range(steps):
        share = t * inverse  # tau_i^2 / v_i
        excess = 1.0 - e2 * inverse
        gradient = basis.T @ (0.5 * share * excess) + extra * theta
        # expected information: sum of share^2 x x' / 2; observed (the Hessian): plus
        # share (1 - 2 share) (1 - e2 / v) x x' / 2, whose expectation is 0
        weight = 0.5 * share * share
        if newton:
            observed = weight + 0.5 * share * excess * (1.0 - 2.0 * share)
            information = basis.T @ (observed[:, None] * basis) + np.diag(extra)
            if np.any(np.linalg.eigvalsh(information) <= 0):
                information = basis.T @ (weight[:, None] * basis) + np.diag(extra)
        else:
            jacobian = share[:, None] * basis
            information = 0.5 * jacobian.T @ jacobian + np.diag(extra)
        free = np.ones(theta.size, dtype=bool)
        if newton:  # a coefficient held at its bound and pushed beyond it stays there: the others move
            free[1:] = ~(
                ((theta[1:] >= 3.0) & (gradient[1:] < 0)) | ((theta[1:] <= -3.0) & (gradient[1:] > 0))
            )
        step = np.zeros(theta.size)
        step[free] = np.linalg.lstsq(information[np.ix_(free, free)], gradient[free], rcond=None)[0]
        if np.max(np.abs(step)) < step_tolerance:
            # so close that the objective cannot tell the step from rounding: taken without checking
            # (the value changes by about gradient . step, far below what a likelihood-ratio test sees)
            theta = theta - step
            theta[1:] = np.clip(theta[1:], -3.0, 3.0)
            break
        for _ in range(20):
            trial = theta - step
            trial[1:] = np.clip(trial[1:], -3.0, 3.0)
            trial_value, trial_t, trial_inverse = evaluate(trial)
            if trial_value <= value:
                break
            step = step / 2.0
        else:
            break
        converged = value - trial_value < tolerance * max(abs(value), 1.0)
        theta, value, t, inverse = trial, trial_value, trial_t, trial_inverse
        if converged:
            break
    return theta, value


#: How `_scoring` fits tau^2 by cohort (and by level) to the maximum of the likelihood: Newton steps
#: until one would move no coefficient of log tau^2 by 1e-6 (what is left is about its square), at
#: most 50 steps.
SCORING_FIT: dict[str, Any] = {"steps": 50, "tolerance": 0.0, "newton": True, "step_tolerance": 1e-6}


def _log_basis(
    fitted: BetweenFit, log_cohort: np.ndarray, shape: np.ndarray | None
) -> tuple[np.ndarray, np.ndarray, int]:
    """The basis and coefficients of log tau_i^2 of a fit (a constant tau^2 as its log), its level
    column last when it has one, and how many of the columns are the cohort's."""
    if fitted.kind == TAU_CONSTANT and not fitted.by_level and not fitted.by_group:
        basis, theta = np.ones((log_cohort.size, 1)), np.log(fitted.theta[:1])
    else:
        basis = _basis(log_cohort - fitted.centre, fitted.knots, fitted.theta.size)
        theta = fitted.theta
    cohort_columns = basis.shape[1]
    if fitted.by_level and shape is not None:
        basis, theta = np.column_stack([basis, shape]), np.append(theta, fitted.by_level)
    return basis, theta, cohort_columns


def _with_level(
    fitted: BetweenFit, residual: np.ndarray, noise: np.ndarray, log_cohort: np.ndarray, shape: np.ndarray
) -> BetweenFit:
    """`fitted` with log tau_i^2 following the level too, when a likelihood-ratio test at 1% says so."""
    e2 = residual**2
    centre = float(np.mean(log_cohort))
    knots: tuple[float, ...] = ()
    if fitted.kind == TAU_CONSTANT:
        kind, cohort_basis = TAU_CONSTANT, np.ones((residual.size, 1))
        theta = np.log(fitted.theta[:1])
    else:
        kind, knots, centre = fitted.kind, fitted.knots, fitted.centre
        cohort_basis = _basis(log_cohort - centre, knots, fitted.theta.size)
        theta = fitted.theta
    base = np.concatenate([theta, [0.0]])
    basis = np.column_stack([cohort_basis, shape])
    best, best_nll = _scoring(basis, base, e2, noise, **SCORING_FIT)
    before = _nll_of(basis, base, e2, noise)
    if 2.0 * (before - best_nll) < LIKELIHOOD_RATIO_CRITICAL:
        return fitted
    x = log_cohort - centre
    if kind == TAU_CONSTANT and np.ptp(x) > 0:
        # with the level in, smaller schools may be seen to differ more where they were not before
        sized = np.column_stack([np.ones_like(x), x, shape])
        theta2, nll2 = _scoring(sized, np.array([best[0], 0.0, best[1]]), e2, noise, **SCORING_FIT)
        if 2.0 * (best_nll - nll2) >= LIKELIHOOD_RATIO_CRITICAL:
            kind, basis, best, best_nll = TAU_LOG_COHORT, sized, theta2, nll2
    values = np.exp(basis @ best)
    total = values + noise
    jacobian = values[:, None] * basis
    information = 0.5 * (jacobian / total[:, None]).T @ (jacobian / total[:, None])
    return BetweenFit(
        kind,
        best[:-1],
        centre,
        knots,
        values,
        jacobian,
        np.linalg.pinv(information),
        by_level=float(best[-1]),
    )


#: A phase needs this many schools for an offset of its own on log tau^2.
MIN_GROUP_SCHOOLS = 10


def _with_groups(
    fitted: BetweenFit,
    residual: np.ndarray,
    noise: np.ndarray,
    log_cohort: np.ndarray,
    shape: np.ndarray | None,
    groups: np.ndarray,
) -> BetweenFit:
    """`fitted` with an offset of each phase's own on log tau_i^2, when the data say so, partially pooled.

    Each phase with MIN_GROUP_SCHOOLS schools but the largest gets an offset gamma_g (the largest is the
    reference), fitted jointly with the rest by maximum likelihood. A phase of a few dozen schools
    measures its own spread poorly, so the offsets are treated as drawn from N(0, omega^2) (random
    effects, empirical Bayes): omega^2 is estimated by the (unweighted) method of moments,
    mean(gamma_g^2 - se_g^2), se_g from the inverse Fisher information; when that is not above 0 the phases do not differ as
    far as the data can tell and the fit is left as it was; otherwise the offsets are fitted again
    with that prior (a penalty gamma_g^2 / 2 omega^2): each phase's offset is shrunk towards none by
    about omega^2 / (omega^2 + se_g^2), most for the smallest. No test before: the prior is what keeps
    a noisy offset small. With a constant tau^2 the log-linear one is tried again with the offsets (a
    phase of large schools that differ little can hide how small schools differ). The prior's
    precision enters the covariance, so the uncertainty of each phase's tau^2 is carried into its
    schools' intervals (delta method) as the rest is.
    """
    labels, ids = np.unique(groups, return_inverse=True)
    counts = np.bincount(ids, minlength=labels.size)
    own = np.flatnonzero(counts >= MIN_GROUP_SCHOOLS)
    own = own[own != np.argmax(counts)]
    if own.size == 0 or fitted.values.max() <= 0:
        return fitted
    e2 = residual**2
    basis, theta, cohort_columns = _log_basis(fitted, log_cohort, shape)
    dummies = (ids[:, None] == own[None, :]).astype(float)
    full = np.column_stack([basis, dummies])
    k = own.size
    best, best_nll = _scoring(full, np.concatenate([theta, np.zeros(k)]), e2, noise)
    kind, centre = fitted.kind, fitted.centre
    x = log_cohort - float(np.mean(log_cohort))
    if kind == TAU_CONSTANT and np.ptp(x) > 0:
        # with each phase's own spread, smaller schools may be seen to differ more where they were not
        # before (a phase of large schools that differ little hid it)
        sized = np.column_stack([full[:, :1], x, full[:, 1:]])
        theta2, nll2 = _scoring(sized, np.insert(best, 1, 0.0), e2, noise)
        if 2.0 * (best_nll - nll2) >= LIKELIHOOD_RATIO_CRITICAL:
            kind, centre, full, best = TAU_LOG_COHORT, float(np.mean(log_cohort)), sized, theta2
            cohort_columns += 1

    def information(theta_full: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        values = np.exp(full @ theta_full)
        jacobian = values[:, None] * full
        total = values + noise
        return values, jacobian, 0.5 * (jacobian / total[:, None]).T @ (jacobian / total[:, None])

    _, _, info = information(best)
    gamma = best[-k:]
    se2 = np.diag(np.linalg.pinv(info))[-k:]
    # the spread of the phases' true offsets, by the method of moments: when the offsets are no more
    # spread than their own standard errors, the phases do not differ (as far as the data can tell)
    omega2 = float(np.mean(gamma**2 - se2))
    if not omega2 > 0:
        return fitted
    penalty = np.concatenate([np.zeros(full.shape[1] - k), np.full(k, 1.0 / omega2)])
    best, _ = _scoring(full, best, e2, noise, penalty)
    values, jacobian, info = information(best)
    has_level = full.shape[1] - k > cohort_columns
    return BetweenFit(
        kind,
        best[:cohort_columns],
        centre,
        fitted.knots,
        values,
        jacobian,
        np.linalg.pinv(info + np.diag(penalty)),
        by_level=float(best[cohort_columns]) if has_level else 0.0,
        by_group=tuple((str(labels[g]), float(c)) for g, c in zip(own, best[-k:], strict=True)),
    )


def _nll_of(basis: np.ndarray, theta: np.ndarray, e2: np.ndarray, noise: np.ndarray) -> float:
    v = np.maximum(np.exp(np.clip(basis @ theta, -700, 700)) + noise, 1e-300)
    return 0.5 * float(np.sum(np.log(v) + e2 / v))


def _fit_between_by_cohort(
    residual: np.ndarray, noise: np.ndarray, log_cohort: np.ndarray, *, size_dependent: bool
) -> BetweenFit:
    m = residual.size
    e2 = residual**2
    tau2 = constant_tau2(e2, noise)
    total = tau2 + noise
    info = 0.5 * float(np.sum(1.0 / np.maximum(total, 1e-300) ** 2))
    constant = BetweenFit(
        TAU_CONSTANT,
        np.array([tau2]),
        0.0,
        (),
        np.full(m, tau2),
        np.ones((m, 1)),
        np.array([[1.0 / info if info > 0 else 0.0]]),
    )
    centre = float(np.mean(log_cohort)) if m else 0.0
    x = log_cohort - centre
    if not size_dependent or tau2 <= 0 or m < MIN_SCHOOLS_FOR_SLOPE or np.ptp(x) == 0:
        return constant
    knots = tuple(float(k) for k in np.quantile(x, (1 / 3, 2 / 3)))
    basis = _basis(x, knots, 4)

    best = np.array([np.log(tau2)])
    best_nll = _nll_of(basis[:, :1], best, e2, noise)
    kind = TAU_CONSTANT
    for k, name, critical in ((2, TAU_LOG_COHORT, LIKELIHOOD_RATIO_CRITICAL), (4, TAU_BENT, BENT_CRITICAL)):
        if k == 4 and (kind != TAU_LOG_COHORT or m < 3 * MIN_SCHOOLS_FOR_SLOPE or len(set(knots)) < 2):
            break
        start = np.concatenate([best, np.zeros(k - best.size)])
        theta, value = _scoring(basis[:, :k], start, e2, noise, **SCORING_FIT)
        if 2.0 * (best_nll - value) < critical:
            break
        best, best_nll, kind = theta, value, name
    if kind == TAU_CONSTANT:
        return constant
    values = np.exp(basis[:, : best.size] @ best)
    total = values + noise
    jacobian = values[:, None] * basis[:, : best.size]
    information = 0.5 * (jacobian / total[:, None]).T @ (jacobian / total[:, None])
    return BetweenFit(kind, best, centre, knots, values, jacobian, np.linalg.pinv(information))


def constant_tau2(e2: np.ndarray, noise: np.ndarray) -> float:
    """Maximum-likelihood constant tau^2 given the noise variances: 0 when the score does not fall at 0.

    The root of the score S(tau^2) = sum(1 / v_i - e2_i / v_i^2), v_i = tau^2 + noise_i, in the
    bracket [0, upper] where S changes sign, by Newton's method from the method-of-moments estimate,
    kept within the bracket (a step that leaves it, or that follows one which did not halve |S|, is
    a bisection instead: Press et al.'s rtsafe), to 1e-12 of the bracket: the root
    `scipy.optimize.brentq` finds there, in fewer passes over the schools.
    """
    if e2.size == 0:
        return 0.0

    def score(tau2: float) -> tuple[float, float]:
        inverse = 1.0 / np.maximum(tau2 + noise, 1e-300)
        weighted = e2 * inverse * inverse
        return float(np.sum(inverse - weighted)), float(np.sum(2.0 * weighted * inverse - inverse * inverse))

    if score(0.0)[0] >= 0:
        return 0.0
    upper = float(e2.max())
    while score(upper)[0] < 0:
        upper *= 2.0
    low, high = 0.0, upper
    tolerance = 1e-12 * upper + 1e-300
    moments = float(np.mean(e2 - noise))  # the start: the method of moments, when inside the bracket
    tau2 = moments if 0.0 < moments < upper else 0.5 * upper
    value, slope = score(tau2)
    previous = np.inf
    for _ in range(200):
        if value < 0:
            low = tau2
        else:
            high = tau2
        newton = tau2 - value / slope if slope > 0 else np.nan
        if low < newton < high and abs(value) < 0.5 * previous:
            step, tau2 = tau2 - newton, newton
        else:
            step, tau2 = tau2 - 0.5 * (low + high), 0.5 * (low + high)
        previous = abs(value)
        if abs(step) < tolerance or high - low < tolerance:
            break
        value, slope = score(tau2)
    return float(tau2)


def fit_variances(residual: np.ndarray, inv_cohort: np.ndarray, sigma2: float | None) -> tuple[float, float]:
    """Maximum-likelihood tau^2 and sigma^2 = pupil_sd^2 for residual_i ~ N(0, tau^2 + sigma^2/n_i).

    With a single year and no declared pupil SD it is only a cross-check of `pupil_sd_from_cohorts`
    (one wild value can move it a long way). Both are fitted with L-BFGS-B, bounded below by 0, on a
    scale set by the residuals' variance.
    """
    e2 = residual**2
    if sigma2 is not None:
        return constant_tau2(e2, sigma2 * inv_cohort), sigma2
    scale = float(np.mean(e2)) or 1.0
    relative = inv_cohort / np.mean(inv_cohort)

    def negative_log_likelihood(params: np.ndarray) -> tuple[float, np.ndarray]:
        a, b = params
        v = np.maximum(a + b * relative, 1e-12)
        nll = 0.5 * float(np.sum(np.log(v) + (e2 / scale) / v))
        d = 0.5 * (1.0 / v - (e2 / scale) / v**2)
        return nll, np.array([d.sum(), (d * relative).sum()])

    fit = optimize.minimize(
        negative_log_likelihood, np.array([0.5, 0.5]), jac=True, method="L-BFGS-B", bounds=[(0, None)] * 2
    )
    a, b = fit.x
    return float(a * scale), float(b * scale / np.mean(inv_cohort))
