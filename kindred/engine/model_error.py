"""The expected value's own out-of-sample error, measured by cohort band and phase.

A school's cross-fitted residual r_i = y_i - yhat_i is its own effect u_i, plus luck eps_i, plus the
error of the expected value at its context, d_i = f(x_i) - yhat_i (f: what context really does). Its
variance is tau_i^2 + s_i^2 + E[d_i^2]. The sandwich variance p_i (`expected.py`) measures the part of
d_i that comes from fitting on a sample; it cannot see what the chosen model misses (a step the
splines round off, a phase where context acts differently). That part does not shrink with more
years: the same context gives the same error every year, so it would be read as the school's own effect.

The between-school variance tau_i^2 is one function of cohort for every school (`variance.fit_between`;
a phase's offset on it, when there is one, is partially pooled towards the others'), so where the
expected value does worse than elsewhere, the residuals spread more than
tau_i^2 + s_i^2 + p_i says. In each cohort band (<15, 15-30, 30-60, 60+ pupils) and phase, the mean of
r_i^2 - (tau_i^2 + s_i^2 + p_i) over its schools is that excess, measured out of sample (every r_i is
cross-fitted); when it is above zero it is added to the noise of every school in the band and phase,
so it widens their intervals, enters their shrinkage, and is kept (not averaged away) when years are
pooled. tau^2 is then fitted again with it, and the excess measured again (twice).

An error the expected value makes equally everywhere cannot be seen that way: the spread of the
residuals takes it for real differences between schools (it raises tau^2 for all). What tells it
apart is that it depends on the context: two schools of alike context share it, while their own
effects and their luck are independent. `shared_error` measures it, by phase, from the products of
the residuals of alike schools of the same fold, and carries it into every interval of the phase
(docs/methods.md, "What the sandwich cannot see"). A band and phase with fewer than
MIN_CELL_SCHOOLS schools is not measured for its excess. The planted countries
(`tests/engine/test_hard_truth.py`) show how much is left. Pure numpy and scipy; no Django.
"""

import numpy as np
from scipy.spatial import cKDTree

#: A band and phase needs this many schools for its excess to be measured.
MIN_CELL_SCHOOLS = 50
#: Only the excess beyond this many of its own standard errors is added: an excess a cell's luck alone
#: could give (most of a thousand schools' worth of noise in their squared residuals) adds nothing.
SIGNIFICANT = 2.0
#: Cohort bands: upper edges of all but the last band (<15, 15-30, 30-60, 60+).
BAND_EDGES = (15.0, 30.0, 60.0)
BAND_LABELS = ("<15", "15-30", "30-60", "60+")


def cohort_band(cohort: np.ndarray) -> np.ndarray:
    """Index of each cohort's band in BAND_LABELS (an unknown cohort falls in the last band)."""
    known = np.nan_to_num(np.asarray(cohort, dtype=float), nan=np.inf)
    return np.searchsorted(np.asarray(BAND_EDGES), known, side="right")


def excess_by_cell(
    residual: np.ndarray, explained: np.ndarray, cohort: np.ndarray, groups: np.ndarray | None
) -> tuple[np.ndarray, dict[str, float]]:
    """Each school's share of its band and phase's excess spread, and the excess of every cell measured.

    `explained` (m,) is tau_i^2 + s_i^2 + p_i. Returns (extra (m,), {"<band> <group>": excess}); a
    cell's excess below zero (no error beyond the model's) adds nothing.
    """
    m = residual.size
    gap = residual**2 - explained
    band = cohort_band(cohort)
    labels, group = (
        (np.array([""]), np.zeros(m, dtype=np.int64))
        if groups is None
        else np.unique(np.asarray(groups), return_inverse=True)
    )
    cell = group * len(BAND_LABELS) + band
    size = np.bincount(cell, minlength=labels.size * len(BAND_LABELS))
    total = np.bincount(cell, weights=gap, minlength=size.size)
    squares = np.bincount(cell, weights=gap**2, minlength=size.size)
    measured = size >= MIN_CELL_SCHOOLS
    count = np.maximum(size, 1)
    # against the spread of all schools together: tau^2 was fitted to all of them, so only what a cell
    # has more than the rest can be told from real differences
    overall = float(gap.mean())
    excess = np.where(measured, total / count - overall, 0.0)
    error = np.sqrt(np.maximum(squares / count - (total / count) ** 2, 0.0) / count)
    found = {
        f"{BAND_LABELS[c % len(BAND_LABELS)]} {labels[c // len(BAND_LABELS)]}".strip(): float(excess[c])
        for c in np.flatnonzero(measured)
    }
    return np.maximum(excess - SIGNIFICANT * error, 0.0)[cell], found


#: Alike schools (nearest in standardised context, same phase, same fold) whose residuals are
#: multiplied with a school's to measure the error the expected value shares with them.
NEIGHBOURS = 5
#: A phase needs this many schools with neighbours for its own shared error; fewer use every school's.
MIN_LOCAL_SCHOOLS = 100
#: The shared error is carried (whole) when it is this many of its own standard errors above zero:
#: below, it cannot be told from the products' own noise, and the part of the fitting error alike
#: schools share (in p_i already) would be counted twice for nothing.
SHARED_SIGNIFICANT = 2.0


def alike_schools(z: np.ndarray, fold: np.ndarray, groups: np.ndarray | None) -> np.ndarray:
    """(m, NEIGHBOURS) row numbers of each school's nearest alike schools in standardised context `z`:
    same group (phase), same fold, never itself; -1 where its group and fold have too few schools.

    It depends only on the schools and their context, so a caller with several years or measures of
    the same schools computes it once (`performance.relative_performance_table` does).
    """
    m = z.shape[0]
    near_all = np.full((m, NEIGHBOURS), -1, dtype=np.int64)
    if z.shape[1] == 0:
        return near_all
    group = (
        np.zeros(m, dtype=np.int64)
        if groups is None
        else np.unique(np.asarray(groups), return_inverse=True)[1]
    )
    for g in np.unique(group):
        for k in np.unique(fold):
            rows = np.flatnonzero((group == g) & (fold == k))
            if rows.size <= NEIGHBOURS:
                continue
            _, near = cKDTree(z[rows]).query(z[rows], k=NEIGHBOURS + 1)
            # drop each school itself (not always the first when contexts tie)
            is_self = near == np.arange(rows.size)[:, None]
            near = np.take_along_axis(near, np.argsort(is_self, axis=1, kind="stable"), axis=1)
            near_all[rows] = rows[near[:, :NEIGHBOURS]]
    return near_all


def shared_error(
    residual: np.ndarray,
    alike: np.ndarray,
    groups: np.ndarray | None,
    explained: np.ndarray,
) -> tuple[np.ndarray, dict[str, float]]:
    """The expected value's error shared by schools of alike context, by phase: what the model misses.

    The sandwich variance p_i measures how much the expected value moves with the sample it was fitted
    on; it cannot see what the chosen model cannot follow at all (a threshold that a spline rounds off,
    deprivation acting through the language of the school). That error b(x) depends on the context, so
    two schools of alike context share it, while their own effects and their luck are independent.
    For schools of the *same fold* (whose expected values come from the same fit, neither of them in
    it: schools of other folds were in each other's fits, which pulls their residuals apart) the
    product r_i * r_j has expectation E[d_i d_j], the error their expected values share. Its mean over
    each school and its alike schools (`alike`, (m, k) rows from `alike_schools`, -1 for none), weighted
    by the inverse of the product's variance (`explained`: tau_i^2 + s_i^2 + p_i), is measured by phase
    (a phase with fewer than MIN_LOCAL_SCHOOLS schools with alike schools carries none) and,
    when above SHARED_SIGNIFICANT of its standard errors, carried in every school's interval of that
    phase on top of p_i.
    Returns (per-school variance to add (m,), {"shared <phase>": measured}).
    """
    m = residual.size
    labels, group = (
        (np.array([""]), np.zeros(m, dtype=np.int64))
        if groups is None
        else np.unique(np.asarray(groups), return_inverse=True)
    )
    known = alike >= 0
    count = known.sum(axis=1)
    has = count > 0
    if not has.any():
        return np.zeros(m), {}
    safe = np.where(known, alike, 0)
    mean_residual = np.where(known, residual[safe], 0.0).sum(axis=1) / np.maximum(count, 1)
    mean_explained = np.where(known, explained[safe], 0.0).sum(axis=1) / np.maximum(count, 1)
    product = residual * mean_residual
    # the product's variance: explained_i times that of the mean of its alike schools' residuals
    weight = np.where(has, count / np.maximum(explained * mean_explained, 1e-300), 0.0)

    def mean_and_error(rows: np.ndarray) -> tuple[float, float]:
        w, x = weight[rows], product[rows]
        mean = float(np.sum(w * x) / np.sum(w))
        return mean, float(np.sqrt(np.sum((w * (x - mean)) ** 2)) / np.sum(w))

    measured = np.full(labels.size, np.nan)
    error = np.zeros(labels.size)
    for g in range(labels.size):
        own = has & (group == g)
        if own.sum() >= MIN_LOCAL_SCHOOLS:
            measured[g], error[g] = mean_and_error(own)
    found = {
        f"shared {labels[g]}".strip(): float(measured[g])
        for g in range(labels.size)
        if np.isfinite(measured[g])
    }
    carried = np.where(np.isfinite(measured) & (measured > SHARED_SIGNIFICANT * error), measured, 0.0)
    return carried[group], found
