"""The expected value's own out-of-sample error, measured by cohort band and phase.

A school's cross-fitted residual r_i = y_i - yhat_i is its own effect u_i, plus luck eps_i, plus the
error of the expected value at its context, d_i = f(x_i) - yhat_i (f: what context really does). Its
variance is tau_i^2 + s_i^2 + E[d_i^2]. The sandwich variance p_i (`expected.py`) measures the part of
d_i that comes from fitting on a sample; it cannot see what the chosen model misses (a step the
splines round off, a phase where context acts differently). That part does not shrink with more
years: the same context gives the same error every year, so it would be read as the school's own effect.

The between-school variance tau_i^2 is one function of cohort for every school (`variance.fit_between`),
so where the expected value does worse than elsewhere, the residuals spread more than
tau_i^2 + s_i^2 + p_i says. In each cohort band (<15, 15-30, 30-60, 60+ pupils) and phase, the mean of
r_i^2 - (tau_i^2 + s_i^2 + p_i) over its schools is that excess, measured out of sample (every r_i is
cross-fitted); when it is above zero it is added to the noise of every school in the band and phase,
so it widens their intervals, enters their shrinkage, and is kept (not averaged away) when years are
pooled. tau^2 is then fitted again with it, and the excess measured again (twice).

What this cannot see: an error the expected value makes equally everywhere is read as real
differences between schools (it raises tau^2 for all), since nothing in one set of results tells the
two apart; a band and phase with fewer than MIN_CELL_SCHOOLS schools is not measured. The planted
countries (`tests/engine/test_hard_truth.py`) show how much is left. Pure numpy; no Django.
"""

import numpy as np

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
