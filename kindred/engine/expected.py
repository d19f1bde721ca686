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
    model: str  # one of CANDIDATES, then STEPS and BY_PHASE when they were added
    r2: float  # out-of-sample R^2 of the chosen model (weighted), NaN when not measurable
    errors: dict[str, float]  # out-of-sample weighted mean squared error of every candidate tried
    steps: tuple[tuple[int, float], ...] = ()  # (feature, threshold) of each step added
    phase_penalties: tuple[float, ...] = ()  # of the per-phase slopes (`_phase_slopes`), () when not used


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
    recalibrate: bool | None = None,
    steps: tuple[tuple[int, float], ...] | None = None,
    phase_penalties: tuple[float, ...] | None = None,
) -> Expectation:
    """Choose a candidate by out-of-sample error and return its cross-fitted expected values (module docstring).

    `columns` is `design(z, missing, groups)` when the caller has it already (it is the same every pass).
    `robust` False gives the model-based variance x' A^-1 x instead of the sandwich (a cheaper pilot).
    Steps (`find_steps`) are searched for in the chosen model's out-of-sample residuals and kept when
    they lower its out-of-sample error (`steps` None), or the steps given are used (a second pass).
    With `groups`, the chosen model recalibrated by group (`_by_group`) is used when its out-of-sample
    error is smaller (`recalibrate` None), always (True) or never (False); its name ends in BY_PHASE.
    Then the chosen model recalibrated by group with slopes of each phase's own (`_phase_slopes`) replaces
    it when a phase's own held-out schools gain clearly, with penalties chosen (`phase_penalties` None)
    or given ((): not tried); its name then ends in PHASE_SLOPES (after BY_PHASE when the other phases
    keep the recalibration by phase).
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
    ridge = np.full(x.shape[1], RIDGE * float(weights.sum()) / m)
    ridge[: ends[0]] = 0.0
    smallest_training = m - max(rows.size for rows in blocks)
    centred = y - (weights * y).sum() / weights.sum()
    total_ss = float((weights * centred**2).sum())

    errors: dict[str, float] = {}
    predictions: dict[str, np.ndarray] = {}
    gram_total, moment_total = np.sum(grams, axis=0), np.sum(moments, axis=0)
    for name, end in zip(CANDIDATES, ends, strict=True):
        if name not in candidates or (name != "mean" and smallest_training < SCHOOLS_PER_COLUMN * end):
            continue
        predicted = np.empty(m)
        for rows, xk, gram, moment in zip(blocks, xs, grams, moments, strict=True):
            beta = _solve(gram_total - gram, moment_total - moment, ridge, end)
            predicted[rows] = xk[:, :end] @ beta
        predictions[name] = predicted
        errors[name] = float((weights * (y - predicted) ** 2).sum() / weights.sum())
    chosen = min(errors, key=errors.__getitem__)
    end = ends[CANDIDATES.index(chosen)]
    xs = [xk[:, :end] for xk in xs]
    grams = [gram[:end, :end] for gram in grams]
    moments = [moment[:end] for moment in moments]
    ridge = ridge[:end]
    found = find_steps(z, y - predictions[chosen], weights) if steps is None else steps
    if found:
        stepped = _with_steps(z, found, blocks, xs, grams, moments, ridge, weights, y)
        if steps is not None or stepped[4] < errors[chosen]:
            xs, grams, moments, ridge, errors[chosen + STEPS] = stepped
            chosen += STEPS
        else:
            found = ()
    expected, prediction_var = _cross_fit(blocks, xs, grams, moments, ridge, weights, y, robust=robust)
    expected_fit, sandwich_fit = expected, prediction_var
    recalibrated = None
    if groups is not None:  # computed even when not used: it measures what not using it misses
        recalibrated = _by_group(y, expected, prediction_var, weights, blocks, groups)
        if recalibrated is not None and recalibrate is not False:
            errors[chosen + BY_PHASE] = float((weights * (y - recalibrated[0]) ** 2).sum() / weights.sum())
            if recalibrate or errors[chosen + BY_PHASE] < errors[chosen]:
                chosen += BY_PHASE
                expected, prediction_var = recalibrated[:2]
    penalties: tuple[float, ...] = ()
    if groups is not None and phase_penalties != ():
        sloped = _phase_slopes(
            y,
            expected_fit,
            sandwich_fit,
            weights,
            blocks,
            groups,
            x[:, ends[0] : ends[1]],
            penalties=phase_penalties,
            baseline=(expected, prediction_var),
        )
        if sloped is not None:
            expected, prediction_var, penalties = sloped
            chosen += PHASE_SLOPES
            errors[chosen] = float((weights * (y - expected) ** 2).sum() / weights.sum())
    unrecalibrated = not chosen.removesuffix(PHASE_SLOPES).endswith(BY_PHASE)
    if recalibrated is not None and groups is not None and unrecalibrated:
        prediction_var = prediction_var + _unrecalibrated_error(expected_fit, recalibrated, groups, penalties)
    r2 = 1.0 - errors[chosen] * float(weights.sum()) / total_ss if total_ss > 0 else np.nan
    return Expectation(expected, prediction_var, chosen, float(r2), errors, tuple(found), penalties)


def _cross_fit(
    blocks: list[np.ndarray],
    xs: list[np.ndarray],
    grams: list[np.ndarray],
    moments: list[np.ndarray],
    ridge: np.ndarray,
    weights: np.ndarray,
    y: np.ndarray,
    *,
    robust: bool,
) -> tuple[np.ndarray, np.ndarray]:
    """Each fold's expected values from the model fitted on the other folds, and their variances.

    The sandwich (Huber-White) covariance of the coefficients comes from the residuals of the fit on
    all schools: right even when the weights are not exactly the inverse variances. HC3: each residual
    divided by (1 - its leverage), as if it had been left out of the fit.
    """
    gram_total, moment_total = np.sum(grams, axis=0), np.sum(moments, axis=0)
    k = gram_total.shape[0]
    meats = [np.zeros((k, k))] * len(blocks)
    if robust:
        full_inverse = np.linalg.pinv(gram_total + np.diag(ridge))
        full_beta = full_inverse @ moment_total
        meats = []
        for rows, xk in zip(blocks, xs, strict=True):
            leverage = np.clip(weights[rows] * _quadratic(xk, full_inverse), 0.0, 0.99)
            scores = xk * (weights[rows] * (y[rows] - xk @ full_beta) / (1.0 - leverage))[:, None]
            meats.append(scores.T @ scores)
    meat_total = sum(meats)
    expected = np.empty(y.size)
    prediction_var = np.empty(y.size)
    for rows, xk, gram, moment, meat in zip(blocks, xs, grams, moments, meats, strict=True):
        inverse = np.linalg.pinv(gram_total - gram + np.diag(ridge))
        expected[rows] = xk @ (inverse @ (moment_total - moment))
        covariance = inverse @ (meat_total - meat) @ inverse if robust else inverse
        prediction_var[rows] = _quadratic(xk, covariance)
    return expected, np.maximum(prediction_var, 0.0)


#: Suffix of a model with steps added (`find_steps`).
STEPS = "+steps"
#: A step is kept when its jump is this many standard errors (the largest of many tried, so well
#: above the 1.96 of a single test), at most MAX_STEPS of them, each with at least STEP_TAIL of the
#: schools on either side of it.
STEP_T = 4.5
MAX_STEPS = 4
STEP_TAIL = 0.05


def find_steps(z: np.ndarray, residual: np.ndarray, weights: np.ndarray) -> tuple[tuple[int, float], ...]:
    """Jumps in the residuals along one context feature that the smooth candidates round off.

    Context can act through a step (a funding threshold, a share of pupils learning the language past
    which a school is organised differently): splines and products bend, they do not jump. For each
    feature with enough distinct values, every cut between two distinct values leaving at least
    STEP_TAIL of the schools on each side is tried: the weighted mean residual on each side, and the
    jump's t-statistic (the residuals scaled by their own weighted spread). The largest is kept when
    above STEP_T, the residuals are refitted with it, and the search goes on (at most MAX_STEPS).
    Returns (feature column, threshold) pairs: the step is 1 where z[:, feature] > threshold.
    """
    m = residual.size
    if m < 100 or z.shape[1] == 0:
        return ()
    scale = float(np.sqrt(np.sum(weights * residual**2) / np.sum(weights))) or 1.0
    w = weights / float(np.mean(weights))
    r = residual / scale
    orders = [np.argsort(column, kind="stable") for column in z.T]
    usable = [np.unique(column).size >= 16 for column in z.T]
    chosen: list[tuple[int, float]] = []
    indicators: list[np.ndarray] = []
    current = r.copy()
    for _ in range(MAX_STEPS):
        best: tuple[float, int, float] | None = None
        for j, order in enumerate(orders):
            if not usable[j]:
                continue
            values = z[order, j]
            cw = np.cumsum(w[order])
            cs = np.cumsum((w * current)[order])
            position = np.flatnonzero(values[1:] > values[:-1])  # cut after these sorted positions
            left = position + 1
            position = position[(left >= STEP_TAIL * m) & (left <= (1 - STEP_TAIL) * m)]
            if position.size == 0:
                continue
            w_left, s_left = cw[position], cs[position]
            w_right, s_right = cw[-1] - w_left, cs[-1] - s_left
            t = (s_right / w_right - s_left / w_left) / np.sqrt(1.0 / w_left + 1.0 / w_right)
            k = int(np.argmax(np.abs(t)))
            if best is None or abs(t[k]) > best[0]:
                best = (float(abs(t[k])), j, float((values[position[k]] + values[position[k] + 1]) / 2))
        if best is None or best[0] < STEP_T or any(j == best[1] and t == best[2] for j, t in chosen):
            break
        chosen.append((best[1], best[2]))
        indicators.append((z[:, best[1]] > best[2]).astype(float))
        basis = np.column_stack([np.ones(m), *indicators])
        root = np.sqrt(w)
        beta = np.linalg.lstsq(basis * root[:, None], r * root, rcond=None)[0]
        current = r - basis @ beta
    return tuple(chosen)


def _with_steps(
    z: np.ndarray,
    steps: tuple[tuple[int, float], ...],
    blocks: list[np.ndarray],
    xs: list[np.ndarray],
    grams: list[np.ndarray],
    moments: list[np.ndarray],
    ridge: np.ndarray,
    weights: np.ndarray,
    y: np.ndarray,
) -> tuple[list[np.ndarray], list[np.ndarray], list[np.ndarray], np.ndarray, float]:
    """The chosen model's fold matrices with step columns added, and its out-of-sample error."""
    s = np.column_stack([(z[:, j] > t).astype(float) for j, t in steps])
    xs2, grams2, moments2 = [], [], []
    for rows, xk, gram, moment in zip(blocks, xs, grams, moments, strict=True):
        sk = s[rows]
        sw = sk * weights[rows, None]
        cross = xk.T @ sw
        grams2.append(np.block([[gram, cross], [cross.T, sw.T @ sk]]))
        moments2.append(np.concatenate([moment, sw.T @ y[rows]]))
        xs2.append(np.column_stack([xk, sk]))
    ridge2 = np.concatenate([ridge, np.full(s.shape[1], ridge.max() if ridge.size else 0.0)])
    gram_total, moment_total = np.sum(grams2, axis=0), np.sum(moments2, axis=0)
    residual_ss = 0.0
    end = gram_total.shape[0]
    for rows, xk, gram, moment in zip(blocks, xs2, grams2, moments2, strict=True):
        beta = _solve(gram_total - gram, moment_total - moment, ridge2, end)
        residual_ss += float((weights[rows] * (y[rows] - xk @ beta) ** 2).sum())
    return xs2, grams2, moments2, ridge2, residual_ss / float(weights.sum())


#: Suffix of a model with slopes of its own per phase (`_phase_slopes`).
PHASE_SLOPES = "+phase slopes"
#: Penalties tried on the per-phase slopes, in schools' worth of average weight at one SD of a feature:
#: the larger, the closer each phase's slopes stay to the slopes of all phases.
PHASE_PENALTIES = (2.0, 8.0, 32.0, 128.0)
#: The penalty that holds a phase's own slopes at zero (the slopes of all phases).
NO_SLOPES = 1e9
#: A phase keeps its own slopes when its held-out schools' error falls by this many standard errors.
SLOPES_SIGNIFICANT = 2.0


def _phase_slopes(
    y: np.ndarray,
    expected: np.ndarray,
    prediction_var: np.ndarray,
    weights: np.ndarray,
    blocks: list[np.ndarray],
    groups: np.ndarray,
    linear: np.ndarray,
    *,
    penalties: tuple[float, ...] | None,
    baseline: tuple[np.ndarray, np.ndarray],
) -> tuple[np.ndarray, np.ndarray, tuple[float, ...]] | None:
    """`_by_group` with slopes of each phase's own on the features: a_g + b_g yhat + sum_j c_gj z_j.

    One slope per phase on the expected value scales all of it: where context acts more strongly in
    one phase on some features and not on others (deprivation, not prior attainment), a small phase's
    expected value stays wrong however it is scaled. Here each group with MIN_GROUP_SCHOOLS schools
    but the largest also gets a slope of its own on every feature (`linear`: the features' columns),
    with a ridge penalty pulling it towards none (partial pooling towards the recalibrated all-phase
    model). Fitted on the other folds and applied to each fold in turn, like `_by_group`. Each group's
    penalty is chosen among PHASE_PENALTIES by the out-of-sample error of *that group's* schools, and
    kept only when it beats `baseline` (the expected values this would replace, and their variances)
    on those schools by SLOPES_SIGNIFICANT standard errors of the paired gain; other groups keep
    NO_SLOPES. `penalties` (one per group) are used as given instead. Only the schools of groups with
    slopes of their own take the new values: every other school keeps its baseline value and variance
    (recalibrating a large phase again would change nothing but its variance). Returns (expected,
    variance, penalties), or None when no group keeps slopes of its own.
    """
    dummies = _dummies(groups)
    if dummies.shape[1] == 0 or linear.shape[1] == 0:
        return None
    if penalties is not None and len(penalties) != dummies.shape[1]:
        return None
    p = linear.shape[1]
    base = np.column_stack([np.ones_like(y), expected, dummies, dummies * expected[:, None]])
    x = np.column_stack([base, *[dummies[:, [g]] * linear for g in range(dummies.shape[1])]])
    slope = np.column_stack([np.ones_like(y), dummies])
    slope_columns = [1, *range(2 + dummies.shape[1], base.shape[1])]
    unit = float(weights.sum()) / y.size
    grams, moments = [], []
    for rows in blocks:
        xw = x[rows] * weights[rows, None]
        grams.append(xw.T @ x[rows])
        moments.append(xw.T @ y[rows])
    gram_total, moment_total = np.sum(grams, axis=0), np.sum(moments, axis=0)

    def fitted(chosen: np.ndarray, *, variance: bool) -> tuple[np.ndarray, np.ndarray]:
        ridge = np.concatenate([np.zeros(base.shape[1]), np.repeat(chosen * unit, p)])
        out, var = np.empty_like(y), np.zeros_like(y)
        for rows, gram, moment in zip(blocks, grams, moments, strict=True):
            inverse = np.linalg.pinv(gram_total - gram + np.diag(ridge))
            beta = inverse @ (moment_total - moment)
            out[rows] = x[rows] @ beta
            if variance:
                b = slope[rows] @ beta[slope_columns]
                var[rows] = b**2 * prediction_var[rows] + _quadratic(x[rows], inverse)
        return out, var

    if penalties is None:
        labels = np.flatnonzero(dummies.any(axis=0))
        without = weights * (y - baseline[0]) ** 2
        chosen = np.full(dummies.shape[1], NO_SLOPES)
        kept = np.zeros(dummies.shape[1])
        for c in PHASE_PENALTIES:
            gain = without - weights * (y - fitted(np.full(dummies.shape[1], c), variance=False)[0]) ** 2
            for g in labels:
                mine = gain[dummies[:, g] > 0]
                # the best of a few penalties on a few dozen schools gains by luck: kept only when clear
                clear = mine.mean() > SLOPES_SIGNIFICANT * mine.std() / np.sqrt(mine.size)
                if clear and (chosen[g] == NO_SLOPES or mine.sum() > kept[g]):
                    chosen[g], kept[g] = c, mine.sum()
        if np.all(chosen == NO_SLOPES):
            return None
    else:
        chosen = np.asarray(penalties, dtype=float)
    out, var = fitted(chosen, variance=True)
    own = dummies[:, chosen < NO_SLOPES].any(axis=1)
    out, var = np.where(own, out, baseline[0]), np.where(own, var, baseline[1])
    return out, var, tuple(float(c) for c in chosen)


#: Suffix of a model recalibrated by phase (`_by_group`).
BY_PHASE = "+phase"


def _by_group(
    y: np.ndarray,
    expected: np.ndarray,
    prediction_var: np.ndarray,
    weights: np.ndarray,
    blocks: list[np.ndarray],
    groups: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """The cross-fitted expected values recalibrated within each group: a_g + b_g * expected.

    Context may act more or less strongly in one phase than in another (deprivation matters less to a
    special school's attendance than to a secondary's); one model for all phases cannot say so. Each
    group with MIN_GROUP_SCHOOLS schools gets its own intercept and slope on the cross-fitted expected
    value, fitted (weighted least squares) on the other folds and applied to each fold in turn, so the
    recalibrated value is out of sample too. Its variance: b_g^2 p_i plus the uncertainty of a_g, b_g
    alone (model-based). Returns (recalibrated, variance, the uncertainty
    of a_g, b_g alone), or None when no group has enough schools to differ from the rest.
    """
    dummies = _dummies(groups)
    if dummies.shape[1] == 0:
        return None
    x = np.column_stack([np.ones_like(y), expected, dummies, dummies * expected[:, None]])
    recalibrated = np.empty_like(y)
    variance = np.empty_like(y)
    own = np.empty_like(y)  # the part of the variance from the recalibration's own coefficients
    slope = np.column_stack([np.ones_like(y), dummies])  # d recalibrated / d expected = b_0 + b_g
    for rows in blocks:
        training = np.ones(y.size, dtype=bool)
        training[rows] = False
        xw = x[training] * weights[training, None]
        inverse = np.linalg.pinv(xw.T @ x[training])
        beta = inverse @ (xw.T @ y[training])
        recalibrated[rows] = x[rows] @ beta
        b = slope[rows] @ beta[[1, *range(2 + dummies.shape[1], x.shape[1])]]
        own[rows] = _quadratic(x[rows], inverse)
        variance[rows] = b**2 * prediction_var[rows] + own[rows]
    return recalibrated, variance, own


def _unrecalibrated_error(
    expected: np.ndarray,
    recalibrated: tuple[np.ndarray, np.ndarray, np.ndarray],
    groups: np.ndarray,
    penalties: tuple[float, ...],
) -> np.ndarray:
    """What a phase's expected value misses when it is not recalibrated: its share of the variance.

    The recalibration by phase is chosen, or not, by the out-of-sample error of all schools, which is
    the largest phase's: a phase of thirty schools where context acts more strongly than elsewhere
    (its a_g + b_g yhat far from yhat) gains too little to change the choice, and its expected value
    then carries an error its schools share that no interval carried. The recalibration measures it:
    for the schools of a phase (MIN_GROUP_SCHOOLS or more, not the largest: the model was fitted to
    it) that keep the expected value `expected` (not recalibrated, no slopes of their own), the mean
    of (recalibrated - expected)^2 less the recalibration's own variance (so luck in a_g, b_g adds
    nothing on average) is that phase's systematic error squared, added to the variance of each of
    its schools' expected values (0 when negative). Returns the variance to add (m,).
    """
    value, _, own_variance = recalibrated
    labels, ids = np.unique(groups, return_inverse=True)
    counts = np.bincount(ids, minlength=labels.size)
    dummies = _dummies(groups)
    with_slopes = np.asarray(penalties if penalties else [NO_SLOPES] * dummies.shape[1]) < NO_SLOPES
    sloped = np.asarray(dummies[:, with_slopes].any(axis=1), dtype=bool)
    gap = (value - expected) ** 2 - own_variance
    added = np.zeros(expected.size)
    for g in np.flatnonzero(counts >= MIN_GROUP_SCHOOLS):
        if g == np.argmax(counts):
            continue
        mine = (ids == g) & ~sloped
        if mine.any():
            added[mine] = max(float(gap[mine].mean()), 0.0)
    return added


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
