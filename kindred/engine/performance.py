"""Relative performance: how a school's result compares with what its context predicts, and how sure we are.

For one measure in one year, over all schools with a usable result:

0. Refusals. Values outside the measure's valid range (a percentage above 100, say) cannot be right:
   they are left out before anything is fitted and counted in `refused`. Schools with none of the
   chosen context measures known get no estimate (`no_context`): what their intake predicts
   cannot be worked out.
1. Expected value. A flexible regression of the result on the chosen context (`expected.py`): the
   mean, linear, spline and interaction candidates are compared by out-of-sample error over five
   folds and the best is used, *cross-fitted*: each school's expected value comes from a model fitted
   without it. Its variance p_i (the uncertainty of the fitted expectation) is kept. With fewer than
   `CROSS_FIT_MIN` schools the mean of the group is used instead.
2. Effect e_i = result - expected.
3. Sampling variance s_i^2 = pupil_sd^2 / cohort_i. The pupil-level SD is the *declared* one when the
   publisher documents it (Progress 8: 1.28). Otherwise it is estimated robustly from how much each
   school's result moves from one year to the next, where the school's own effect and context cancel:
   Var(y_t - y_t') = pupil_sd^2 (1/n_t + 1/n_t'), and the median of the standardised squared changes
   (divided by the chi-square(1) median, 0.455) gives pupil_sd^2 without being thrown by a few wild
   values or by bigger and smaller schools differing in spread. With one year only it is estimated
   robustly from how the spread of the residuals falls with cohort size (`pupil_sd_from_cohorts`: the
   slope of binned median squared residuals on 1/cohort); the joint maximum-likelihood fit of pupil_sd^2
   and tau^2 is kept only as a cross-check (`pupil_sd_check`), and when the two disagree by more than a
   factor WILD_DISAGREEMENT the robust one is used all the same and `pupil_sd_disagrees` says so.
   `pupil_sd_method` says which was used.
4. Between-school variance. e_i ~ Normal(0, tau_i^2 + s_i^2 + p_i), by maximum likelihood. tau^2 is a
   constant, or log tau_i^2 = a + b log(cohort_i) when the data support it (likelihood-ratio test at
   the 1% level): in real countries small schools often vary more than big ones, and a constant tau^2
   would read that as sampling noise.
5. Empirical-Bayes shrinkage. B_i = tau_i^2 / (tau_i^2 + s_i^2 + p_i); the estimate is B_i e_i with
   posterior variance tau_i^2 (1 - B_i), plus the uncertainty of tau^2 itself carried by the delta
   method (Kass & Steffey 1989): (d estimate / d theta)' I(theta)^-1 (d estimate / d theta), where I is
   the Fisher information of the variance parameters. When tau^2 is fitted as 0 the estimates are 0,
   but the intervals are never of zero width.
6. A 95% interval is estimate +/- 1.96 posterior SDs. A measure is a *strength* when the whole interval
   is on the good side of zero and a *need* when it is all on the bad side; "good" respects
   higher_is_better (lower absence is a strength).

Missing (suppressed, NaN) results are left out of the fit and get NaN estimates and no verdict.
`pool_years` combines a school's years into one estimate per measure (see its docstring).
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np
from scipy import stats

from kindred.engine.blas import one_blas_thread
from kindred.engine.expected import design, expected_values, folds_of
from kindred.engine.families import standardise
from kindred.engine.variance import (
    TAU_CONSTANT,
    fit_between,
    fit_variances,
    pupil_sd_from_cohorts,
    pupil_sd_from_years,
)

STRENGTH = 1
NEED = -1
NEITHER = 0

#: How the pupil-level SD was found.
DECLARED = "declared"
YEAR_TO_YEAR = "year-to-year"
COHORT_SPREAD = "cohort spread"  # one year: the spread's fall with cohort size (robust)
JOINT_FIT = "joint fit"  # one year, too few schools for the robust estimate: fitted with tau^2
#: The joint fit's pupil SD more than this many times the robust one (or less than 1/this) is "wild".
WILD_DISAGREEMENT = 1.5


#: Context features that describe the school, not its intake: alone they do not make a school's context known.
STRUCTURAL_FEATURES = frozenset({"log_pupils", "urban"})
#: Below this many schools with a result, the expected value is the group mean fitted in sample.
CROSS_FIT_MIN = 20


class OutcomeSeriesLike(Protocol):
    """One measure in one year: values (NaN where suppressed) and cohorts for some schools."""

    measure: str
    year: int
    school_index: np.ndarray
    value: np.ndarray
    cohort: np.ndarray


@dataclass(frozen=True)
class MeasureModel:
    """What is declared about a measure: direction, valid range, pupil SD and predicting context."""

    higher_is_better: bool = True
    pupil_sd: float | None = None
    valid_min: float | None = None
    valid_max: float | None = None
    predictors: tuple[str, ...] = ()  # context feature names; empty = every feature given


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
    shrinkage: np.ndarray  # B = tau^2 / (tau^2 + s^2 + p)
    shrunk: np.ndarray  # posterior mean of the school's effect
    posterior_sd: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    verdict: np.ndarray  # int8: STRENGTH, NEED or NEITHER
    tau2: float  # between-school variance at the median cohort
    pupil_sd: float
    pupil_sd_estimated: bool
    level: float
    pupil_sd_method: str = DECLARED
    tau2_model: str = TAU_CONSTANT
    tau2_slope: float = 0.0  # b in log tau^2 = a + b log(cohort); 0 when constant
    expected_model: str = "linear"
    r2: float = float("nan")  # out-of-sample R^2 of the expected value
    refused: int = 0  # values outside the valid range, left out before the fit
    no_context: int = 0  # results of schools without any chosen context, left out
    predictors: tuple[str, ...] = ()
    cohort: np.ndarray = field(default_factory=lambda: np.zeros(0))
    cross_fitted: bool = False  # expected values from models fitted without the school
    pupil_sd_check: float = float(
        "nan"
    )  # one year, nothing declared: the joint fit's pupil SD, a cross-check

    @property
    def pupil_sd_disagrees(self) -> bool:
        """The joint fit's pupil SD is wildly unlike the robust one used (`WILD_DISAGREEMENT`)."""
        if not (np.isfinite(self.pupil_sd_check) and np.isfinite(self.pupil_sd) and self.pupil_sd > 0):
            return False
        ratio = self.pupil_sd_check / self.pupil_sd
        return not (1 / WILD_DISAGREEMENT <= ratio <= WILD_DISAGREEMENT)

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

    def raw_interval(self) -> tuple[np.ndarray, np.ndarray]:
        """The interval of the school's measured value from sampling alone: value +/- z * s_i.

        This is the interval publishers print (DfE's Progress 8 confidence interval): no context, no shrinkage.
        """
        half = stats.norm.ppf(0.5 + self.level / 2) * np.sqrt(self.sampling_var)
        return self.value - half, self.value + half

    @property
    def flagged_share(self) -> float:
        """Share of schools with a result that are a strength or a need."""
        count = int(self.valid.sum())
        return float((self.verdict[self.valid] != NEITHER).sum() / count) if count else 0.0


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
    pupil_sd_method: str | None = None,
    groups: np.ndarray | None = None,
    higher_is_better: bool = True,
    measure: str = "",
    year: int = 0,
    school_index: np.ndarray | None = None,
    level: float = 0.95,
    valid_min: float | None = None,
    valid_max: float | None = None,
    predictors: Sequence[str] = (),
    intake: np.ndarray | None = None,
    size_dependent_tau: bool = True,
) -> Evidence:
    """Relative performance of every school on one measure in one year (see the module docstring).

    `value` (n,) has NaN where suppressed; `cohort` (n,) is the number of pupils behind each value;
    `context` (n, p) is the schools' raw context (NaN where missing; p may be 0: compare with the mean).
    `pupil_sd` is the pupil-level SD of the measure; None estimates it from this year's spread by cohort
    (`pupil_sd_from_cohorts`), cross-checked by the joint fit with tau^2, which is used only when there
    are too few schools for the robust estimate (`pupil_sd_method` says how a given one was found:
    declared by default). `groups` (n,), e.g. phase, gives each group its
    own baseline. Values outside [valid_min, valid_max] are refused before the fit. `intake` (p,) bool
    marks the context columns that describe the intake (default: all): a school with none of them known
    gets no estimate (size or urban/rural alone say too little about what its pupils would achieve).
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
    if valid_min is not None and valid_max is not None and valid_min > valid_max:
        raise ValueError(f"valid_min {valid_min} is above valid_max {valid_max}")
    index = np.arange(n, dtype=np.int64) if school_index is None else np.asarray(school_index, dtype=np.int64)
    if index.shape != (n,):
        raise ValueError(f"school_index must have {n} entries, got shape {index.shape}")
    if groups is not None and np.shape(groups) != (n,):
        raise ValueError(f"groups must have {n} entries, got shape {np.shape(groups)}")

    finite = np.isfinite(value)
    out_of_range = np.zeros(n, dtype=bool)
    if valid_min is not None:
        out_of_range |= finite & (value < valid_min)
    if valid_max is not None:
        out_of_range |= finite & (value > valid_max)
    intake_columns = (
        np.ones(context.shape[1], dtype=bool) if intake is None else np.asarray(intake, dtype=bool)
    )
    if intake_columns.shape != (context.shape[1],):
        raise ValueError(f"intake must have one entry per context column, got shape {intake_columns.shape}")
    if intake_columns.any():
        has_context = np.isfinite(context[:, intake_columns]).any(axis=1)
    else:
        has_context = np.ones(n, dtype=bool)
    usable = finite & ~out_of_range & np.isfinite(cohort) & (cohort > 0)
    valid = usable & has_context

    nan = np.full(n, np.nan)
    expected, effect, sampling_var, between = nan.copy(), nan.copy(), nan.copy(), nan.copy()
    prediction_var = np.zeros(n)
    extra_var = np.zeros(n)
    sigma2 = np.nan if pupil_sd is None else pupil_sd**2
    method = JOINT_FIT if pupil_sd is None else (pupil_sd_method or DECLARED)
    tau2, slope, tau_model, model_name, r2, cross = np.nan, 0.0, TAU_CONSTANT, "mean", np.nan, False
    check = np.nan

    m = int(valid.sum())
    if m >= (3 if pupil_sd is None else 1):
        y = value[valid]
        inv_cohort = 1.0 / cohort[valid]
        log_cohort = np.log(cohort[valid])
        z, missing = standardise(context[valid], np.zeros(m, dtype=np.int64))
        group = None if groups is None else np.asarray(groups)[valid]
        cross = m >= CROSS_FIT_MIN
        fold = folds_of(index[valid]) if cross else np.zeros(m, dtype=np.int64)
        columns = design(z, missing, group)
        if pupil_sd is None:
            pilot = expected_values(
                y, z, missing, np.ones(m), fold=fold, groups=group, columns=columns, robust=False
            )
            _, joint = fit_variances(y - pilot.expected, inv_cohort, None)
            robust_sd = pupil_sd_from_cohorts(y - pilot.expected, cohort[valid])
            check = float(np.sqrt(joint))
            if robust_sd is None:
                sigma2 = joint
            else:
                sigma2, method = robust_sd**2, COHORT_SPREAD
        spread = float(np.var(y))
        tau_values = np.full(m, max(spread - float(np.mean(sigma2 * inv_cohort)), 0.1 * spread, 1e-12))
        # a pilot pass chooses the model and gives the weights; the second refits the chosen model
        # with those weights and the sandwich variance
        chosen_only: tuple[str, ...] | None = None
        for robust in (False, True):
            weights = 1.0 / np.maximum(tau_values + sigma2 * inv_cohort, 1e-300)
            fitted = expected_values(
                y,
                z,
                missing,
                weights,
                fold=fold,
                groups=group,
                columns=columns,
                robust=robust,
                **({} if chosen_only is None else {"candidates": chosen_only}),
            )
            chosen_only = (fitted.model,)
            residual = y - fitted.expected
            noise = sigma2 * inv_cohort + (fitted.prediction_var if cross else 0.0)
            fit = fit_between(residual, noise, log_cohort, size_dependent=size_dependent_tau and cross)
            tau_values = fit.values
        expected[valid] = fitted.expected
        effect[valid] = residual
        sampling_var[valid] = sigma2 * inv_cohort
        prediction_var[valid] = fitted.prediction_var
        between[valid] = tau_values
        extra_var[valid] = fit.extra_variance(residual, noise)
        tau2, slope, tau_model = fit.at(float(np.median(log_cohort))), fit.slope, fit.kind
        model_name, r2 = fitted.model, fitted.r2

    return _shrink(
        measure=measure,
        years=(year,),
        higher_is_better=higher_is_better,
        school_index=index,
        valid=valid & np.isfinite(effect),
        value=np.where(finite & ~out_of_range, value, np.nan),
        expected=expected,
        effect=effect,
        sampling_var=sampling_var,
        prediction_var=prediction_var,
        between=between,
        extra_var=extra_var,
        cross_fitted=cross,
        tau2=float(tau2),
        pupil_sd=float(np.sqrt(sigma2)),
        pupil_sd_estimated=method != DECLARED,
        pupil_sd_method=method,
        pupil_sd_check=check if method == COHORT_SPREAD else np.nan,
        tau2_model=tau_model,
        tau2_slope=float(slope),
        expected_model=model_name,
        r2=float(r2),
        refused=int(out_of_range.sum()),
        no_context=int((usable & ~has_context).sum()),
        predictors=tuple(predictors),
        cohort=np.where(valid, cohort, np.nan),
        level=level,
    )


@one_blas_thread
def relative_performance_table(
    series: Iterable[OutcomeSeriesLike],
    *,
    context: np.ndarray,
    feature_names: Sequence[str] | None = None,
    groups: np.ndarray | None = None,
    models: Mapping[str, MeasureModel] | None = None,
    higher_is_better: Mapping[str, bool] | None = None,
    pupil_sd: Mapping[str, float] | None = None,
    level: float = 0.95,
) -> list[Evidence]:
    """`relative_performance` for every measure-year in `series`.

    `context` is (N, p) and `groups` (N,) for the whole school table; each series' `school_index` picks
    its rows. `feature_names` names the p columns, so a measure's declared `predictors` can choose
    among them. Each measure's model comes from `models`, or (the short form) from `higher_is_better`
    (which must then name every measure) and `pupil_sd` (which may name some). A measure without a
    declared pupil SD and with two or more years gets one estimated from year-to-year changes
    (`pupil_sd_from_years`).
    """
    series = list(series)
    context = np.asarray(context, dtype=float)
    names = list(feature_names) if feature_names is not None else [str(i) for i in range(context.shape[1])]
    if len(names) != context.shape[1]:
        raise ValueError(f"feature_names has {len(names)} names for {context.shape[1]} context columns")
    if groups is not None and np.shape(groups) != (context.shape[0],):
        raise ValueError(
            f"groups must have one value per school ({context.shape[0]}), got {np.shape(groups)}"
        )
    if models is None:
        models = {}
        for item in series:
            if higher_is_better is None or item.measure not in higher_is_better:
                raise ValueError(f"higher_is_better does not say which way is better for {item.measure!r}")
            models[item.measure] = MeasureModel(
                higher_is_better=higher_is_better[item.measure],
                pupil_sd=None if pupil_sd is None else pupil_sd.get(item.measure),
            )
    by_measure: dict[str, list[OutcomeSeriesLike]] = {}
    for item in series:
        if item.measure not in models:
            raise ValueError(f"no model is declared for {item.measure!r}")
        index = np.asarray(item.school_index, dtype=np.int64)
        if index.size and (index.min() < 0 or index.max() >= context.shape[0]):
            raise ValueError(f"{item.measure} {item.year}: school_index outside the context table")
        by_measure.setdefault(item.measure, []).append(item)

    results = []
    for measure, items in by_measure.items():
        model = models[measure]
        chosen = [name for name in model.predictors if name in names] if model.predictors else names
        columns = [names.index(name) for name in chosen]
        sd, method = model.pupil_sd, DECLARED
        if sd is None and len(items) >= 2:
            sd = pupil_sd_from_years(items, valid_min=model.valid_min, valid_max=model.valid_max)
            method = YEAR_TO_YEAR
        for item in sorted(items, key=lambda s: s.year):
            index = np.asarray(item.school_index, dtype=np.int64)
            results.append(
                relative_performance(
                    item.value,
                    item.cohort,
                    context[np.ix_(index, columns)],
                    pupil_sd=sd,
                    pupil_sd_method=method if sd is not None else None,
                    groups=None if groups is None else np.asarray(groups)[index],
                    higher_is_better=model.higher_is_better,
                    measure=measure,
                    year=int(item.year),
                    school_index=index,
                    level=level,
                    valid_min=model.valid_min,
                    valid_max=model.valid_max,
                    predictors=chosen,
                    intake=np.array([name not in STRUCTURAL_FEATURES for name in chosen], dtype=bool),
                )
            )
    return results


@one_blas_thread
def pool_years(results: Sequence[Evidence], *, n_schools: int) -> list[Evidence]:
    """One estimate per measure and school from all its years; every measure with a year gets one.

    A school's yearly raw effects are averaged with inverse sampling-variance weights (a bigger cohort
    counts more), giving a pooled effect with sampling variance 1 / sum(1 / s_t^2). The uncertainty of
    the expected value is *not* averaged away: the same context gives the same error every year, so the
    pooled prediction variance is (sum w_t sqrt(p_t) / sum w_t)^2. The between-school variance of pooled
    effects is fitted afresh (as in a single year, against the mean cohort) and the pooled effects are
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
        prediction_sd = np.zeros(n_schools)
        cohort_total = np.zeros(n_schools)
        count = np.zeros(n_schools)
        for item in items:
            if item.school_index.size and item.school_index.max() >= n_schools:
                raise ValueError(f"{measure}: school_index outside a table of {n_schools} schools")
            usable = item.valid & (item.sampling_var > 0)
            rows = item.school_index[usable]
            w = 1.0 / item.sampling_var[usable]
            np.add.at(precision, rows, w)
            for name, total in weighted.items():
                np.add.at(total, rows, w * getattr(item, name)[usable])
            np.add.at(prediction_sd, rows, w * np.sqrt(item.prediction_var[usable]))
            if item.cohort.size == item.school_index.size:
                np.add.at(cohort_total, rows, np.nan_to_num(item.cohort[usable], nan=0.0))
            else:
                np.add.at(cohort_total, rows, 1.0)
            np.add.at(count, rows, 1)
        has = precision > 0
        safe = np.where(has, precision, 1.0)
        means = {name: np.where(has, total / safe, np.nan) for name, total in weighted.items()}
        sampling_var = np.where(has, 1.0 / safe, np.nan)
        prediction_var = np.where(has, (prediction_sd / safe) ** 2, 0.0)
        mean_cohort = np.where(has, cohort_total / np.maximum(count, 1), np.nan)
        cross = all(item.cross_fitted for item in items)
        between, extra = np.full(n_schools, np.nan), np.zeros(n_schools)
        tau2, slope, kind = np.nan, 0.0, TAU_CONSTANT
        if has.any():
            e = means["effect"][has]
            noise = sampling_var[has] + (prediction_var[has] if cross else 0.0)
            log_cohort = np.log(np.maximum(mean_cohort[has], 1e-9))
            fit = fit_between(e, noise, log_cohort, size_dependent=cross and has.sum() >= CROSS_FIT_MIN)
            between[has] = fit.values
            extra[has] = fit.extra_variance(e, noise)
            tau2, slope, kind = fit.at(float(np.median(log_cohort))), fit.slope, fit.kind
        sds = [item.pupil_sd for item in items if np.isfinite(item.pupil_sd)]
        first = items[0]
        pooled.append(
            _shrink(
                measure=measure,
                years=years,
                higher_is_better=first.higher_is_better,
                school_index=np.arange(n_schools, dtype=np.int64),
                valid=has,
                value=means["value"],
                expected=means["expected"],
                effect=means["effect"],
                sampling_var=sampling_var,
                prediction_var=prediction_var,
                between=between,
                extra_var=extra,
                cross_fitted=cross,
                tau2=float(tau2),
                pupil_sd=float(np.sqrt(np.mean(np.square(sds)))) if sds else float("nan"),
                pupil_sd_estimated=any(item.pupil_sd_estimated for item in items),
                pupil_sd_method=first.pupil_sd_method,
                pupil_sd_check=first.pupil_sd_check if len(items) == 1 else float("nan"),
                tau2_model=kind,
                tau2_slope=float(slope),
                expected_model=first.expected_model,
                r2=float(np.nanmean([item.r2 for item in items]))
                if any(np.isfinite(i.r2) for i in items)
                else float("nan"),
                refused=sum(item.refused for item in items),
                no_context=max(item.no_context for item in items),
                predictors=first.predictors,
                cohort=mean_cohort,
                level=first.level,
            )
        )
    return pooled


def _shrink(
    *,
    effect: np.ndarray,
    sampling_var: np.ndarray,
    prediction_var: np.ndarray,
    between: np.ndarray,
    extra_var: np.ndarray,
    cross_fitted: bool,
    valid: np.ndarray,
    level: float,
    higher_is_better: bool,
    **fields: object,
) -> Evidence:
    """Empirical-Bayes posterior for each school's effect, its interval and its verdict.

    Cross-fitted, the expected value's error is part of the noise: B = tau^2 / (tau^2 + s^2 + p) and
    the posterior variance is B (s^2 + p). Fitted in sample (tiny groups), the posterior variance is
    B s^2 + B^2 p. Either way the uncertainty of tau^2 (`extra_var`) is added.
    """
    n = effect.shape[0]
    if valid.any():
        noise = sampling_var + (prediction_var if cross_fitted else 0.0)
        total = between + noise
        with np.errstate(invalid="ignore", divide="ignore"):
            shrinkage = np.where(total > 0, between / np.where(total > 0, total, 1.0), 1.0)
        shrinkage = np.where(valid, shrinkage, np.nan)
        shrunk = shrinkage * effect
        if cross_fitted:
            posterior_var = shrinkage * noise
        else:
            posterior_var = shrinkage * sampling_var + shrinkage**2 * prediction_var
        posterior_sd = np.sqrt(posterior_var + np.nan_to_num(extra_var))
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
        valid=valid,
        level=level,
        higher_is_better=higher_is_better,
        shrinkage=shrinkage,
        shrunk=shrunk,
        posterior_sd=posterior_sd,
        lower=lower,
        upper=upper,
        verdict=verdict,
        cross_fitted=cross_fitted,
        **fields,  # type: ignore[arg-type]
    )
