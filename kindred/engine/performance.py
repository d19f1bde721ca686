"""Relative performance: how a school's result compares with what its context predicts, and how sure we are.

For one measure in one year, over all schools with a result:

1. Expected value. A linear regression of the result on the schools' standardised context (the same
   features as families; missing context imputed with the median). It is fitted by weighted least
   squares, each school weighted by 1 / (tau^2 + s_i^2), so small, noisy schools pull less; the
   weights come from step 3 and the two steps are iterated three times (a standard random-effects
   meta-regression).
2. Effect = result - expected. This mixes the school's real difference with chance: a cohort of
   8 pupils can be far from expectation by luck alone.
3. Sampling variance s_i^2 = pupil_sd^2 / cohort_i, the variance of a mean of `cohort` pupils whose
   scores spread with `pupil_sd`. The between-school variance tau^2 of real effects is fitted by
   maximum likelihood, modelling effect_i ~ Normal(0, tau^2 + s_i^2). When pupil_sd is not given
   it is fitted by maximum likelihood together with tau^2 (it is identified because cohorts differ
   in size; with equal cohorts give it explicitly).
4. Empirical-Bayes shrinkage. B_i = tau^2 / (tau^2 + s_i^2); the shrunk estimate is B_i * effect_i
   and its posterior variance B_i * s_i^2 (plus the small uncertainty of the expected value). A big
   school keeps most of its effect; a tiny one is pulled towards "as expected". If tau^2 = 0 every
   school is shrunk to zero: the data show no differences beyond chance.
5. A 95% interval is shrunk +/- 1.96 posterior SDs. A measure is a *strength* when the whole
   interval is on the good side of zero and a *need* when it is all on the bad side; "good" respects
   higher_is_better (lower absence is a strength).

Missing (suppressed, NaN) results are left out of the fit and get NaN estimates and no verdict.
`pool_years` combines a school's years into one estimate per measure (see its docstring).
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np
from scipy import optimize, stats

from kindred.engine.families import standardise

STRENGTH = 1
NEED = -1
NEITHER = 0


class OutcomeSeriesLike(Protocol):
    """One measure in one year: values (NaN where suppressed) and cohorts for some schools."""

    measure: str
    year: int
    school_index: np.ndarray
    value: np.ndarray
    cohort: np.ndarray


@dataclass(frozen=True)
class Evidence:
    """Relative performance of schools on one measure, in one year (or pooled over `years`).

    Arrays are aligned with `school_index` (row numbers in the caller's school table). Entries for
    schools without a usable result (`valid` False) are NaN and their verdict is NEITHER.
    """

    measure: str
    years: tuple[int, ...]
    higher_is_better: bool
    school_index: np.ndarray  # (n,) int64
    valid: np.ndarray  # (n,) bool
    value: np.ndarray
    expected: np.ndarray
    effect: np.ndarray  # value - expected, raw
    sampling_var: np.ndarray  # s^2 = pupil_sd^2 / cohort
    prediction_var: np.ndarray  # variance of the expected value (uncertainty of the regression)
    shrinkage: np.ndarray  # B = tau^2 / (tau^2 + s^2)
    shrunk: np.ndarray  # posterior mean of the school's effect
    posterior_sd: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    verdict: np.ndarray  # int8: STRENGTH, NEED or NEITHER
    tau2: float
    pupil_sd: float
    pupil_sd_estimated: bool
    level: float

    @property
    def year(self) -> int | None:
        """The year, or None when pooled over several years."""
        return self.years[0] if len(self.years) == 1 else None

    @property
    def sign(self) -> float:
        """+1 when higher is better, -1 when lower is better: multiply to make 'up' mean 'better'."""
        return 1.0 if self.higher_is_better else -1.0

    @property
    def better(self) -> np.ndarray:
        """Shrunk effect oriented so that positive means better than expected."""
        return self.sign * self.shrunk

    @property
    def better_lower(self) -> np.ndarray:
        """Lower end of the interval of `better`: above 0 means a reliable strength."""
        return self.lower if self.higher_is_better else -self.upper

    @property
    def better_upper(self) -> np.ndarray:
        """Upper end of the interval of `better`: below 0 means a reliable need."""
        return self.upper if self.higher_is_better else -self.lower

    @property
    def z(self) -> np.ndarray:
        """`better` in posterior SDs: the strength of evidence (NaN where the SD is 0)."""
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(self.posterior_sd > 0, self.better / self.posterior_sd, np.nan)


def one_per_measure(evidence: Iterable[Evidence], *, n_schools: int) -> Iterable[Evidence]:
    """Yield `evidence`, refusing a measure given twice or a school index outside `n_schools` schools.

    Summaries over measures (categories, good practice) need one estimate per measure: the latest
    year, or the years pooled with `pool_years`.
    """
    seen: set[str] = set()
    for item in evidence:
        if item.measure in seen:
            raise ValueError(
                f"{item.measure} is given more than once: pass one year per measure, or pool the years first"
            )
        seen.add(item.measure)
        index = item.school_index
        if index.size and (index.min() < 0 or index.max() >= n_schools):
            raise ValueError(f"{item.measure}: school_index outside a table of {n_schools} schools")
        yield item


def relative_performance(
    value: np.ndarray,
    cohort: np.ndarray,
    context: np.ndarray,
    *,
    pupil_sd: float | None = None,
    groups: np.ndarray | None = None,
    higher_is_better: bool = True,
    measure: str = "",
    year: int = 0,
    school_index: np.ndarray | None = None,
    level: float = 0.95,
    iterations: int = 3,
) -> Evidence:
    """Relative performance of every school on one measure in one year (see the module docstring).

    `value` (n,) has NaN where suppressed; `cohort` (n,) is the number of pupils behind each value;
    `context` (n, p) is the schools' raw context (NaN where missing). `pupil_sd` is the pupil-level
    SD of the measure; None estimates it from the data. `groups` (n,), e.g. phase, gives each group
    its own baseline (a dummy per group in the regression): absence in a special school is not
    compared with a primary's. A group with fewer than MIN_GROUP_SCHOOLS results shares the
    largest group's baseline.
    """
    value = np.asarray(value, dtype=float)
    cohort = np.asarray(cohort, dtype=float)
    context = np.asarray(context, dtype=float)
    n = value.shape[0]
    if value.ndim != 1 or cohort.shape != (n,) or context.ndim != 2 or context.shape[0] != n:
        raise ValueError(
            f"value, cohort and context rows must match: got {value.shape}, {cohort.shape}, {context.shape}"
        )
    if pupil_sd is not None and not (np.isfinite(pupil_sd) and pupil_sd > 0):
        raise ValueError(f"pupil_sd must be a positive number, got {pupil_sd}")
    if not 0 < level < 1:
        raise ValueError(f"level must be between 0 and 1, got {level}")
    index = np.arange(n, dtype=np.int64) if school_index is None else np.asarray(school_index, dtype=np.int64)
    if index.shape != (n,):
        raise ValueError(f"school_index must have {n} entries, got shape {index.shape}")
    if groups is not None and np.shape(groups) != (n,):
        raise ValueError(f"groups must have {n} entries, got shape {np.shape(groups)}")

    valid = np.isfinite(value) & np.isfinite(cohort) & (cohort > 0)
    nan = np.full(n, np.nan)
    expected, effect, sampling_var = nan.copy(), nan.copy(), nan.copy()
    tau2, sigma2, estimated = np.nan, np.nan if pupil_sd is None else pupil_sd**2, pupil_sd is None
    prediction_var = np.zeros(n)

    m = int(valid.sum())
    if m >= 3:
        y = value[valid]
        inv_cohort = 1.0 / cohort[valid]
        z, _ = standardise(context[valid], np.zeros(m, dtype=np.int64))
        dummies = np.zeros((m, 0)) if groups is None else _dummies(np.asarray(groups)[valid])
        design = np.column_stack([np.ones(m), z, dummies])
        if m <= 2 * design.shape[1] + 2:
            # too few schools to learn how context matters: compare with the mean instead
            design = design[:, :1]
        weights = np.ones(m)
        for _ in range(max(1, iterations)):
            # weighted least squares through the normal equations: the system is tiny (features + groups),
            # and a pseudo-inverse copes with a feature that does not vary
            covariance = np.linalg.pinv((design * weights[:, None]).T @ design)
            beta = covariance @ (design.T @ (weights * y))
            residual = y - design @ beta
            tau2, sigma2 = _fit_variances(residual, inv_cohort, None if estimated else sigma2)
            weights = 1.0 / np.maximum(tau2 + sigma2 * inv_cohort, 1e-300)
        covariance = np.linalg.pinv((design * weights[:, None]).T @ design)
        expected[valid] = design @ beta
        effect[valid] = residual
        sampling_var[valid] = sigma2 * inv_cohort
        prediction_var[valid] = np.einsum("ij,jk,ik->i", design, covariance, design)

    return _shrink(
        measure=measure,
        years=(year,),
        higher_is_better=higher_is_better,
        school_index=index,
        valid=valid & np.isfinite(effect),
        value=np.where(valid, value, np.nan),
        expected=expected,
        effect=effect,
        sampling_var=sampling_var,
        prediction_var=prediction_var,
        tau2=float(tau2),
        pupil_sd=float(np.sqrt(sigma2)),
        pupil_sd_estimated=estimated,
        level=level,
    )


def relative_performance_table(
    series: Iterable[OutcomeSeriesLike],
    *,
    context: np.ndarray,
    groups: np.ndarray | None = None,
    higher_is_better: Mapping[str, bool],
    pupil_sd: Mapping[str, float] | None = None,
    level: float = 0.95,
) -> list[Evidence]:
    """`relative_performance` for every measure-year in `series`.

    `context` is (N, p) and `groups` (N,) for the whole school table; each series' `school_index` picks
    its rows.
    `higher_is_better` must name every measure; `pupil_sd` may name some (the rest are estimated).
    """
    context = np.asarray(context, dtype=float)
    if groups is not None and np.shape(groups) != (context.shape[0],):
        raise ValueError(
            f"groups must have one value per school ({context.shape[0]}), got {np.shape(groups)}"
        )
    results = []
    for item in series:
        if item.measure not in higher_is_better:
            raise ValueError(f"higher_is_better does not say which way is better for {item.measure!r}")
        index = np.asarray(item.school_index, dtype=np.int64)
        if index.size and (index.min() < 0 or index.max() >= context.shape[0]):
            raise ValueError(f"{item.measure} {item.year}: school_index outside the context table")
        results.append(
            relative_performance(
                item.value,
                item.cohort,
                context[index],
                pupil_sd=None if pupil_sd is None else pupil_sd.get(item.measure),
                groups=None if groups is None else np.asarray(groups)[index],
                higher_is_better=higher_is_better[item.measure],
                measure=item.measure,
                year=int(item.year),
                school_index=index,
                level=level,
            )
        )
    return results


def pool_years(results: Sequence[Evidence], *, n_schools: int) -> list[Evidence]:
    """One estimate per measure and school from all its years.

    A school's yearly raw effects are averaged with inverse sampling-variance weights (a bigger cohort
    counts more), giving a pooled effect with sampling variance 1 / sum(1 / s_t^2). The between-school
    variance tau^2 of pooled effects is fitted afresh by maximum likelihood and the pooled effects are
    shrunk as in a single year. What is estimated is the school's (weighted) average effect over the
    years it has results: equal to its lasting effect when that is stable, and otherwise a summary of
    the period, not a prediction for next year. A school with one year keeps that year's evidence.
    The result has `years` set to all years pooled and `school_index` 0..n_schools-1.
    """
    by_measure: dict[str, list[Evidence]] = {}
    for result in results:
        if len(result.years) != 1:
            raise ValueError(f"{result.measure}: only single-year results can be pooled")
        by_measure.setdefault(result.measure, []).append(result)
    pooled = []
    for measure, items in by_measure.items():
        directions = {item.higher_is_better for item in items}
        if len(directions) != 1:
            raise ValueError(f"{measure}: years disagree on whether higher is better")
        years = tuple(sorted(item.years[0] for item in items))
        if len(set(years)) != len(years):
            raise ValueError(f"{measure}: a year appears twice")
        precision = np.zeros(n_schools)
        weighted = {name: np.zeros(n_schools) for name in ("value", "expected", "effect")}
        prediction = np.zeros(n_schools)
        for item in items:
            if item.school_index.size and item.school_index.max() >= n_schools:
                raise ValueError(f"{measure}: school_index outside a table of {n_schools} schools")
            usable = item.valid & (item.sampling_var > 0)
            rows = item.school_index[usable]
            w = 1.0 / item.sampling_var[usable]
            np.add.at(precision, rows, w)
            for name, total in weighted.items():
                np.add.at(total, rows, w * getattr(item, name)[usable])
            # the expected value's own uncertainty, carried through the same weights
            np.add.at(prediction, rows, w**2 * item.prediction_var[usable])
        has = precision > 0
        safe = np.where(has, precision, 1.0)
        means = {name: np.where(has, total / safe, np.nan) for name, total in weighted.items()}
        sampling_var = np.where(has, 1.0 / safe, np.nan)
        prediction_var = np.where(has, prediction / safe**2, 0.0)
        tau2 = np.nan
        if has.sum() >= 3:
            tau2, _ = _fit_variances(means["effect"][has], sampling_var[has], 1.0)
        sds = [item.pupil_sd for item in items]
        pooled.append(
            _shrink(
                measure=measure,
                years=years,
                higher_is_better=items[0].higher_is_better,
                school_index=np.arange(n_schools, dtype=np.int64),
                valid=has,
                value=means["value"],
                expected=means["expected"],
                effect=means["effect"],
                sampling_var=sampling_var,
                prediction_var=prediction_var,
                tau2=float(tau2),
                pupil_sd=float(np.sqrt(np.mean(np.square(sds)))),
                pupil_sd_estimated=any(item.pupil_sd_estimated for item in items),
                level=items[0].level,
            )
        )
    return pooled


#: A group (phase) needs this many schools with a result to get its own baseline; smaller groups are
#: compared with the largest group's, rather than with themselves.
MIN_GROUP_SCHOOLS = 10


def _dummies(groups: np.ndarray) -> np.ndarray:
    """One 0/1 column per group with enough schools, except the largest (which the intercept stands for)."""
    labels, ids = np.unique(groups, return_inverse=True)
    counts = np.bincount(ids, minlength=labels.size)
    own = np.flatnonzero(counts >= MIN_GROUP_SCHOOLS)
    own = own[own != np.argmax(counts)]
    return (ids[:, None] == own[None, :]).astype(float)


def _shrink(
    *,
    effect: np.ndarray,
    sampling_var: np.ndarray,
    prediction_var: np.ndarray,
    tau2: float,
    valid: np.ndarray,
    level: float,
    higher_is_better: bool,
    **fields: object,
) -> Evidence:
    """Empirical-Bayes posterior for each school's effect, its interval and its verdict."""
    n = effect.shape[0]
    if np.isfinite(tau2) and valid.any():
        total = tau2 + sampling_var
        with np.errstate(invalid="ignore", divide="ignore"):
            shrinkage = np.where(total > 0, tau2 / np.where(total > 0, total, 1.0), 1.0)
        shrinkage = np.where(valid, shrinkage, np.nan)
        shrunk = shrinkage * effect
        posterior_var = shrinkage * sampling_var + shrinkage**2 * prediction_var
        posterior_sd = np.sqrt(posterior_var)
    else:
        shrinkage = shrunk = posterior_sd = np.full(n, np.nan)
    half = stats.norm.ppf(0.5 + level / 2) * posterior_sd
    lower, upper = shrunk - half, shrunk + half
    verdict = np.zeros(n, dtype=np.int8)
    above, below = (lower > 0), (upper < 0)
    verdict[above] = STRENGTH if higher_is_better else NEED
    verdict[below] = NEED if higher_is_better else STRENGTH
    return Evidence(
        effect=effect,
        sampling_var=sampling_var,
        prediction_var=prediction_var,
        tau2=tau2,
        valid=valid,
        level=level,
        higher_is_better=higher_is_better,
        shrinkage=shrinkage,
        shrunk=shrunk,
        posterior_sd=posterior_sd,
        lower=lower,
        upper=upper,
        verdict=verdict,
        **fields,  # type: ignore[arg-type]
    )


def _fit_variances(residual: np.ndarray, inv_cohort: np.ndarray, sigma2: float | None) -> tuple[float, float]:
    """Maximum-likelihood tau^2 (and sigma^2 = pupil_sd^2 when None) for residual_i ~ N(0, tau^2 + sigma^2/n_i).

    With sigma^2 known the likelihood's score in tau^2 is checked at 0 (if it does not fall, tau^2 = 0
    exactly) and otherwise solved by Brent's method. Otherwise both are fitted with L-BFGS-B, bounded
    below by 0, on a scale set by the residuals' variance.
    """
    e2 = residual**2
    if sigma2 is not None:
        s2 = sigma2 * inv_cohort

        def score(tau2: float) -> float:
            v = tau2 + s2
            return float(np.sum(1.0 / v - e2 / v**2))

        if score(0.0) >= 0:
            return 0.0, sigma2
        upper = float(e2.max())
        return float(optimize.brentq(score, 0.0, upper, xtol=1e-12 * upper + 1e-300)), sigma2

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
