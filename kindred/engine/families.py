"""Families of similar schools: each school's k nearest schools of the same phase by context.

How a family is found, in order:

1. Context is a matrix with one row per school and one column per feature (free school meals,
   additional language, special needs, prior attainment, size, urban/rural; see `context_matrix`).
2. Missing values are imputed with the median of the school's group (its phase) and flagged in
   `Families.imputed`, so a page can say "size not known; treated as typical for its phase".
   A feature missing for every school of a group becomes 0 after standardisation: it does not
   separate the schools of that group.
3. Each feature is standardised within the group (mean 0, SD 1), then multiplied by its weight.
   The distance between two schools is the Euclidean distance between these scaled rows, so a
   weight of 2 makes a difference on that feature count twice as much.
4. A k-d tree per group (scipy.spatial.cKDTree) finds the k nearest other schools.

Geography is a filter, not similarity: distance never enters the context space. To keep families
inside a region, pass groups that combine phase and region (`combine_groups(phase, region)`).

The weights are not guessed: `fit_weights` chooses the weights under which the family mean best
predicts schools' outcomes out of sample (leave-one-out, since a school is never in its own family).
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import optimize
from scipy.spatial import cKDTree

from kindred.engine.blas import one_blas_thread

#: The context features, in column order, that `context_matrix` builds.
CONTEXT_FEATURES: tuple[str, ...] = (
    "fsm_pct",
    "eal_pct",
    "sen_support_pct",
    "sen_ehcp_pct",
    "prior_attainment",
    "log_pupils",
    "urban",
)


@dataclass(frozen=True)
class Families:
    """Each school's family: `members[i]` are row indices of its k most similar schools, nearest first.

    `distances[i, j]` is the weighted standardised distance to `members[i, j]`. Where a group has
    fewer than k + 1 schools the missing places hold -1 and an infinite distance.
    `imputed[i, f]` is True where school i's value of feature f was missing and imputed.
    """

    members: np.ndarray  # (n, k) int64
    distances: np.ndarray  # (n, k) float64
    imputed: np.ndarray  # (n, p) bool
    weights: np.ndarray  # (p,) float64

    @property
    def k(self) -> int:
        return int(self.members.shape[1])


#: Percentages are floored at this (and capped at 100 minus it) before taking log-odds.
PERCENT_FLOOR = 0.5


def log_odds(percent: np.ndarray, *, floor: float = PERCENT_FLOOR) -> np.ndarray:
    """log(p / (1 - p)) of a percentage, with p kept within [floor, 100 - floor] %; NaN stays NaN."""
    p = np.clip(np.asarray(percent, dtype=float), floor, 100.0 - floor) / 100.0
    return np.log(p / (1.0 - p))


def context_matrix(
    context: Mapping[str, np.ndarray],
    *,
    pupils: np.ndarray | None = None,
    urban: np.ndarray | None = None,
    features: Sequence[str] = CONTEXT_FEATURES,
) -> np.ndarray:
    """Stack context arrays into an (n, p) float matrix in the order of `features`.

    Features ending in `_pct` are put on the log-odds scale (`log_odds`): going from 2% to 4% of pupils
    with additional language is a bigger change in a school's intake than going from 50% to 52%, and
    outcomes follow the log-odds more closely than the raw percentage (see docs/methods.md).
    `log_pupils` is log(1 + pupils): a school of 200 differs from one of 400 as much as 1,000 from 2,000.
    `urban` is 1 for urban, 0 for rural. A feature that is not supplied is a column of NaN (imputed later).
    """
    columns: list[np.ndarray] = []
    n: int | None = None
    for name in features:
        if name == "log_pupils":
            column = None if pupils is None else np.log1p(np.asarray(pupils, dtype=float))
        elif name == "urban":
            column = None if urban is None else np.asarray(urban, dtype=float)
        else:
            column = None if name not in context else np.asarray(context[name], dtype=float)
            if column is not None and name.endswith("_pct"):
                column = log_odds(column)
        if column is not None:
            if column.ndim != 1:
                raise ValueError(
                    f"context feature {name!r} must be one-dimensional, got shape {column.shape}"
                )
            if n is not None and column.shape[0] != n:
                raise ValueError(f"context feature {name!r} has {column.shape[0]} values, expected {n}")
            n = column.shape[0]
        columns.append(column)  # type: ignore[arg-type]
    if n is None:
        raise ValueError("no context feature was supplied")
    return np.column_stack([np.full(n, np.nan) if c is None else c for c in columns])


def combine_groups(*keys: np.ndarray) -> np.ndarray:
    """One integer group id per distinct combination of keys (e.g. phase and region)."""
    if not keys:
        raise ValueError("at least one key array is needed")
    stacked = np.rec.fromarrays([np.asarray(k) for k in keys])
    _, ids = np.unique(stacked, return_inverse=True)
    return ids.astype(np.int64)


def standardise(context: np.ndarray, groups: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Impute each missing value with its group's median, then standardise each column within its group.

    Returns (z, imputed): z has mean 0 and SD 1 per column within each group (a column that is constant
    within a group becomes 0 there), and imputed marks the values that were missing.
    """
    x = np.array(context, dtype=float, copy=True)
    if x.ndim != 2:
        raise ValueError(f"context must be a 2-D matrix (schools x features), got shape {x.shape}")
    groups = _check_groups(groups, x.shape[0])
    imputed = ~np.isfinite(x)
    x[imputed] = np.nan
    z = np.zeros_like(x)
    for group in np.unique(groups):
        rows = groups == group
        block = x[rows]
        known = ~np.isnan(block)
        # the median of the known values; a column with none known gets 0 (it becomes 0 after standardising)
        median = np.array(
            [np.median(block[known[:, j], j]) if known[:, j].any() else 0.0 for j in range(x.shape[1])]
        )
        block = np.where(np.isnan(block), median, block)
        mean = block.mean(axis=0)
        sd = block.std(axis=0)
        z[rows] = np.where(sd > 0, (block - mean) / np.where(sd > 0, sd, 1.0), 0.0)
    return z, imputed


@one_blas_thread
def families(
    context: np.ndarray,
    *,
    groups: np.ndarray | None = None,
    k: int = 20,
    weights: np.ndarray | Sequence[float] | None = None,
    workers: int = -1,
) -> Families:
    """Each school's k most similar schools of its own group, by weighted standardised context.

    `context` is (n, p) raw context (NaN where missing); `groups` (n,) keeps families within a phase
    (or phase and region); `weights` (p,) scale the standardised features (default: all 1).
    """
    if k < 1:
        raise ValueError(f"k must be at least 1, got {k}")
    context = np.asarray(context, dtype=float)
    n = context.shape[0]
    groups = np.zeros(n, dtype=np.int64) if groups is None else _check_groups(groups, n)
    w = _check_weights(weights, context.shape[1])
    z, imputed = standardise(context, groups)
    members, distances = _nearest(z * w, groups, k=k, workers=workers)
    return Families(members=members, distances=distances, imputed=imputed, weights=w)


def family_mean(outcome: np.ndarray, members: np.ndarray) -> np.ndarray:
    """Mean outcome of each school's family, ignoring members with a missing (NaN) outcome.

    `outcome` is (n,) or (n, m); the result has the same shape, NaN where no member has a value.
    """
    y = np.asarray(outcome, dtype=float)
    padded = np.concatenate([y, np.full((1, *y.shape[1:]), np.nan)])  # index -1 reads NaN
    values = padded[members]  # (n, k) or (n, k, m)
    known = np.isfinite(values)
    total = np.where(known, values, 0.0).sum(axis=1)
    count = known.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(count > 0, total / np.maximum(count, 1), np.nan)


@dataclass(frozen=True)
class WeightFit:
    """The outcome of `fit_weights`: the weights, and the error they give against equal weights."""

    weights: np.ndarray
    loo_mse: float  # mean squared error of the family mean, outcomes standardised within group
    equal_weights_mse: float
    start_weights: np.ndarray


@one_blas_thread
def fit_weights(
    context: np.ndarray,
    outcomes: np.ndarray,
    *,
    groups: np.ndarray | None = None,
    k: int = 20,
    sample: int | None = 4000,
    seed: int = 0,
    max_evaluations: int = 120,
) -> WeightFit:
    """Weights under which the family mean best predicts outcomes (leave-one-out squared error).

    `outcomes` is (n, m) with NaN where a school has no value for an outcome. Each outcome is
    standardised within its group so each counts equally. The error of a weighting is the mean, over
    all known (school, outcome) pairs, of (outcome - family mean)^2; a school is never in its own family,
    so this is a leave-one-out error.

    The search starts from weights proportional to the size of each feature's coefficient in a linear
    regression of the outcomes on standardised context (root mean square over outcomes), then refines
    them with Nelder-Mead on log-weights (the first weight is held at its starting value: only ratios
    matter). If equal weights do at least as well, equal weights are returned. Families are recomputed
    for every candidate; to keep this fast the error is measured on a random `sample` of schools
    (families are still drawn from all schools).
    """
    context = np.asarray(context, dtype=float)
    n, p = context.shape
    y = np.asarray(outcomes, dtype=float)
    if y.ndim == 1:
        y = y[:, None]
    if y.shape[0] != n:
        raise ValueError(f"outcomes have {y.shape[0]} rows, context has {n}")
    groups = np.zeros(n, dtype=np.int64) if groups is None else _check_groups(groups, n)
    z, _ = standardise(context, groups)
    y = _standardise_outcomes(y, groups)
    if not np.isfinite(y).any():
        raise ValueError("no outcome values to fit weights on")

    rng = np.random.default_rng(seed)
    rows = (
        np.arange(n) if sample is None or sample >= n else np.sort(rng.choice(n, size=sample, replace=False))
    )
    start = _regression_weights(z, y)

    def loss(w: np.ndarray) -> float:
        members, _ = _nearest(z * w, groups, k=k, workers=-1, query_rows=rows)
        error = y[rows] - family_mean(y, members)
        return float(np.nanmean(error**2))

    active = np.flatnonzero(start > 0)
    anchor = active[0]
    free = active[1:]

    def objective(log_w: np.ndarray) -> float:
        w = start.copy()
        w[free] = start[anchor] * np.exp(np.clip(log_w, -5.0, 3.0))
        return loss(w)

    x0 = np.log(start[free] / start[anchor])
    if free.size:
        simplex = np.vstack([x0, x0 + 0.7 * np.eye(free.size)])
        result = optimize.minimize(
            objective,
            x0,
            method="Nelder-Mead",
            options={"initial_simplex": simplex, "maxfev": max_evaluations, "xatol": 0.05, "fatol": 1e-4},
        )
        best = start.copy()
        best[free] = start[anchor] * np.exp(np.clip(result.x, -5.0, 3.0))
        best_loss = float(result.fun)
    else:
        best, best_loss = start, loss(start)
    equal_loss = loss(np.ones(p))
    if equal_loss <= best_loss:  # the search is local: never return worse than the plain choice
        best, best_loss = np.ones(p), equal_loss
    return WeightFit(
        weights=best / best.max(),
        loo_mse=best_loss,
        equal_weights_mse=equal_loss,
        start_weights=start / start.max(),
    )


def _regression_weights(z: np.ndarray, y: np.ndarray) -> np.ndarray:
    """|coefficient| of each standardised feature in a least-squares fit, root mean square over outcomes."""
    p = z.shape[1]
    coefficients = np.zeros((p, y.shape[1]))
    for j in range(y.shape[1]):
        known = np.isfinite(y[:, j])
        if known.sum() > p + 1:
            design = np.column_stack([np.ones(known.sum()), z[known]])
            coefficients[:, j] = np.linalg.lstsq(design, y[known, j], rcond=None)[0][1:]
    scale = np.sqrt((coefficients**2).mean(axis=1))
    # A feature with no linear signal keeps a small weight, so the search can still raise it.
    floor = 0.05 * scale.max() if scale.max() > 0 else 1.0
    return np.maximum(scale, floor)


def _standardise_outcomes(y: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """Each outcome column to mean 0 and SD 1 within each group, over known values; NaN stays NaN."""
    out = np.full_like(y, np.nan)
    for group in np.unique(groups):
        rows = groups == group
        block = y[rows]
        known = np.isfinite(block)
        count = known.sum(axis=0)
        filled = np.where(known, block, 0.0)
        mean = filled.sum(axis=0) / np.maximum(count, 1)
        sd = np.sqrt(np.where(known, (block - mean) ** 2, 0.0).sum(axis=0) / np.maximum(count, 1))
        out[rows] = np.where(known & (sd > 0), (block - mean) / np.where(sd > 0, sd, 1.0), np.nan)
    return out


def _nearest(
    scaled: np.ndarray,
    groups: np.ndarray,
    *,
    k: int,
    workers: int,
    query_rows: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """k nearest other rows within each group: (members, distances) for query_rows (default all rows)."""
    n = scaled.shape[0]
    query = np.arange(n) if query_rows is None else query_rows
    members = np.full((query.size, k), -1, dtype=np.int64)
    distances = np.full((query.size, k), np.inf)
    query_groups = groups[query]
    for group in np.unique(query_groups):
        pool = np.flatnonzero(groups == group)
        asking = np.flatnonzero(query_groups == group)
        tree = cKDTree(scaled[pool])
        found = min(k + 1, pool.size)
        dist, local = tree.query(scaled[query[asking]], k=found, workers=workers)
        dist = np.reshape(dist, (asking.size, found))
        local = np.reshape(local, (asking.size, found))
        index = pool[np.minimum(local, pool.size - 1)]
        # Drop the school itself. With exact duplicates it may not come first, or (k + 1 ties) not at all:
        # then drop the last neighbour instead, so every row keeps exactly `found - 1`.
        is_self = index == query[asking][:, None]
        no_self = ~is_self.any(axis=1)
        is_self[no_self, -1] = True
        keep = ~is_self
        index = index[keep].reshape(asking.size, found - 1)
        dist = dist[keep].reshape(asking.size, found - 1)
        members[asking, : found - 1] = index
        distances[asking, : found - 1] = dist
    return members, distances


def _check_groups(groups: np.ndarray, n: int) -> np.ndarray:
    groups = np.asarray(groups)
    if groups.shape != (n,):
        raise ValueError(f"groups must have one value per school ({n}), got shape {groups.shape}")
    if groups.dtype.kind not in "iu":
        _, groups = np.unique(groups, return_inverse=True)
    return groups.astype(np.int64)


def _check_weights(weights: np.ndarray | Sequence[float] | None, p: int) -> np.ndarray:
    if weights is None:
        return np.ones(p)
    w = np.asarray(weights, dtype=float)
    if w.shape != (p,):
        raise ValueError(f"weights must have one value per feature ({p}), got shape {w.shape}")
    if not np.all(np.isfinite(w)) or np.any(w < 0):
        raise ValueError("weights must be finite and not negative")
    return w
