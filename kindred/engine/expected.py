"""The expected value of a measure from a school's context: a flexible regression, chosen out of sample.

What is computed, for one measure in one year:

1. Features. Each context column is standardised (mean 0, SD 1; a missing value is imputed with the
   median and a 0/1 "was missing" column is added for every feature with gaps). Groups (phases) get a
   baseline of their own (one 0/1 column per group with enough schools).
2. Four nested candidate models, each a weighted ridge regression on more columns than the last:
   `mean` (the group baselines only), `linear` (+ the features), `splines` (+ a restricted cubic
   spline of every feature with enough distinct values, 4 knots at the 5th, 35th, 65th and 95th
   percentiles, so each can bend but stays linear beyond its outer knots) and `interactions`
   (+ the product of every pair of features). Weights are 1 / (tau^2 + s_i^2): precise schools count more.
3. Choice by out-of-sample error. Schools are split into `FOLDS` folds by a hash of their row number
   (the same school is in the same fold every year). Every candidate is fitted on all folds but one
   and scored on the one left out; the candidate with the smallest weighted squared error wins.
   Because the candidates are nested, one Gram matrix per fold serves all of them.
4. Cross-fitting. Each school's expected value comes from the chosen model fitted *without its fold*,
   so a school's own result never pulls its expectation towards itself, and the residual is an honest
   out-of-sample error. Its variance `prediction_var` = x' (X'WX + ridge)^-1 x, the uncertainty of the
   fitted expectation, is returned so that the interval can include it.

Pure numpy; no Django.
"""

from dataclasses import dataclass

import numpy as np

CANDIDATES: tuple[str, ...] = ("mean", "linear", "splines", "interactions", "flexible")
FOLDS = 5
#: Ridge penalty on every column but the baselines, relative to the total weight: it keeps the fit
#: stable when a feature hardly varies, and is far too small to bias a fit with many schools.
RIDGE = 1e-3
#: A candidate is only tried when there are this many schools per column in every training fold.
SCHOOLS_PER_COLUMN = 4
#: A group needs this many schools with a result to get its own baseline.
MIN_GROUP_SCHOOLS = 10
SPLINE_QUANTILES = (0.05, 0.35, 0.65, 0.95)
FINE_QUANTILES = (0.025, 0.1, 0.3, 0.5, 0.7, 0.9, 0.975)


@dataclass(frozen=True)
class Expectation:
    """Cross-fitted expected values for the schools given, and how the model was chosen."""

    expected: np.ndarray  # (m,)
    prediction_var: np.ndarray  # (m,) variance of each expected value
    model: str  # one of CANDIDATES
    r2: float  # out-of-sample R^2 of the chosen model (weighted), NaN when not measurable
    errors: dict[str, float]  # out-of-sample weighted mean squared error of every candidate tried


def folds_of(school_index: np.ndarray, *, folds: int = FOLDS) -> np.ndarray:
    """The fold of each school: a fixed hash of its row number, so a school keeps its fold across years."""
    index = np.asarray(school_index, dtype=np.uint64)
    return ((index * np.uint64(2654435761)) % np.uint64(2**32) % np.uint64(folds)).astype(np.int64)


def design(z: np.ndarray, missing: np.ndarray, groups: np.ndarray | None) -> tuple[np.ndarray, list[int]]:
    """The columns of the largest candidate and where each candidate's columns end.

    `z` (m, p) standardised features, `missing` (m, p) bool where a value was imputed.
    """
    m = z.shape[0]
    blocks = [np.ones((m, 1))]
    if groups is not None:
        blocks.append(_dummies(groups))
    ends = [sum(b.shape[1] for b in blocks)]
    gaps = missing[:, missing.any(axis=0) & ~missing.all(axis=0)].astype(float)
    varying = z[:, z.std(axis=0) > 0] if z.shape[1] else z
    blocks += [varying, gaps]
    ends.append(ends[-1] + varying.shape[1] + gaps.shape[1])
    splines = [_restricted_cubic(column) for column in varying.T if np.unique(column).size >= 8]
    spline_block = np.column_stack(splines) if splines else np.zeros((m, 0))
    blocks.append(spline_block)
    ends.append(ends[-1] + spline_block.shape[1])
    p = varying.shape[1]
    pairs = [varying[:, i] * varying[:, j] for i in range(p) for j in range(i + 1, p)]
    pair_block = np.column_stack(pairs) if pairs else np.zeros((m, 0))
    blocks.append(pair_block)
    ends.append(ends[-1] + pair_block.shape[1])
    fine = [_restricted_cubic(column, FINE_QUANTILES) for column in varying.T if np.unique(column).size >= 16]
    fine_block = np.column_stack(fine) if fine else np.zeros((m, 0))
    blocks.append(fine_block)
    ends.append(ends[-1] + fine_block.shape[1])
    return np.column_stack(blocks), ends


def expected_values(
    y: np.ndarray,
    z: np.ndarray,
    missing: np.ndarray,
    weights: np.ndarray,
    *,
    fold: np.ndarray,
    groups: np.ndarray | None = None,
    candidates: tuple[str, ...] = CANDIDATES,
    columns: tuple[np.ndarray, list[int]] | None = None,
    robust: bool = True,
) -> Expectation:
    """Choose a candidate by out-of-sample error and return its cross-fitted expected values (module docstring).

    `columns` is `design(z, missing, groups)` when the caller has it already (it is the same every pass).
    `robust` False gives the model-based variance x' A^-1 x instead of the sandwich (a cheaper pilot).
    """
    m = y.shape[0]
    x, ends = design(z, missing, groups) if columns is None else columns
    fold_ids = np.unique(fold)
    if m < 2 * FOLDS or fold_ids.size < 2 or np.ptp(y) == 0:
        # too few schools to hold any out, or nothing that varies to explain (every school the same:
        # the fits below would divide by a zero total): the weighted mean, with its variance
        total = float(weights.sum())
        mean = float((weights * y).sum() / total)
        return Expectation(np.full(m, mean), np.full(m, 1.0 / total), "mean", np.nan, {})
    # one block of rows per fold, cut once: every fit below reads these
    blocks = [np.flatnonzero(fold == k) for k in fold_ids]
    xs = [x[rows] for rows in blocks]
    grams, moments = [], []
    for rows, xk in zip(blocks, xs, strict=True):
        xw = xk * weights[rows, None]
        grams.append(xw.T @ xk)
        moments.append(xw.T @ y[rows])
    gram_total, moment_total = sum(grams), sum(moments)
    ridge = np.full(x.shape[1], RIDGE * float(weights.sum()) / m)
    ridge[: ends[0]] = 0.0
    smallest_training = m - max(rows.size for rows in blocks)
    centred = y - (weights * y).sum() / weights.sum()
    total_ss = float((weights * centred**2).sum())

    errors: dict[str, float] = {}
    for name, end in zip(CANDIDATES, ends, strict=True):
        if name not in candidates or (name != "mean" and smallest_training < SCHOOLS_PER_COLUMN * end):
            continue
        residual_ss = 0.0
        for rows, xk, gram, moment in zip(blocks, xs, grams, moments, strict=True):
            beta = _solve(gram_total - gram, moment_total - moment, ridge, end)
            residual = y[rows] - xk[:, :end] @ beta
            residual_ss += float((weights[rows] * residual**2).sum())
        errors[name] = residual_ss / float(weights.sum())
    chosen = min(errors, key=errors.__getitem__)
    end = ends[CANDIDATES.index(chosen)]
    # The sandwich (Huber-White) covariance of the coefficients, from the residuals of the fit on all
    # schools: right even when the weights are not exactly the inverse variances. HC3: each residual
    # divided by (1 - its leverage), as if it had been left out of the fit.
    meats = [np.zeros((end, end))] * len(blocks)
    if robust:
        full_inverse = np.linalg.pinv(gram_total[:end, :end] + np.diag(ridge[:end]))
        full_beta = full_inverse @ moment_total[:end]
        meats = []
        for rows, xk in zip(blocks, xs, strict=True):
            xc = xk[:, :end]
            leverage = np.clip(weights[rows] * _quadratic(xc, full_inverse), 0.0, 0.99)
            scores = xc * (weights[rows] * (y[rows] - xc @ full_beta) / (1.0 - leverage))[:, None]
            meats.append(scores.T @ scores)
    meat_total = sum(meats)
    expected = np.empty(m)
    prediction_var = np.empty(m)
    for rows, xk, gram, moment, meat in zip(blocks, xs, grams, moments, meats, strict=True):
        inverse = np.linalg.pinv((gram_total - gram)[:end, :end] + np.diag(ridge[:end]))
        xc = xk[:, :end]
        expected[rows] = xc @ (inverse @ (moment_total - moment)[:end])
        covariance = inverse @ (meat_total - meat) @ inverse if robust else inverse
        prediction_var[rows] = _quadratic(xc, covariance)
    r2 = 1.0 - errors[chosen] * float(weights.sum()) / total_ss if total_ss > 0 else np.nan
    return Expectation(expected, np.maximum(prediction_var, 0.0), chosen, float(r2), errors)


def _quadratic(x: np.ndarray, matrix: np.ndarray) -> np.ndarray:
    """x_i' M x_i for every row i."""
    return np.sum((x @ matrix) * x, axis=1)


def _solve(gram: np.ndarray, moment: np.ndarray, ridge: np.ndarray, end: int) -> np.ndarray:
    a = gram[:end, :end] + np.diag(ridge[:end])
    try:
        return np.linalg.solve(a, moment[:end])
    except np.linalg.LinAlgError:
        return np.linalg.pinv(a) @ moment[:end]


def _restricted_cubic(x: np.ndarray, quantiles: tuple[float, ...] = SPLINE_QUANTILES) -> np.ndarray:
    """Harrell's restricted cubic spline terms of x (knots - 2 columns): linear past the outer knots."""
    knots = np.quantile(x, quantiles)
    if np.unique(knots).size < len(knots):
        return np.zeros((x.size, 0))
    t = knots
    scale = (t[-1] - t[0]) ** 2

    def plus(u: np.ndarray) -> np.ndarray:
        return np.maximum(u, 0.0) ** 3

    columns = []
    for j in range(len(t) - 2):
        columns.append(
            (
                plus(x - t[j])
                - plus(x - t[-2]) * (t[-1] - t[j]) / (t[-1] - t[-2])
                + plus(x - t[-1]) * (t[-2] - t[j]) / (t[-1] - t[-2])
            )
            / scale
        )
    return np.column_stack(columns)


def _dummies(groups: np.ndarray) -> np.ndarray:
    """One 0/1 column per group with enough schools, except the largest (which the intercept stands for)."""
    labels, ids = np.unique(groups, return_inverse=True)
    counts = np.bincount(ids, minlength=labels.size)
    own = np.flatnonzero(counts >= MIN_GROUP_SCHOOLS)
    own = own[own != np.argmax(counts)]
    return (ids[:, None] == own[None, :]).astype(float)
