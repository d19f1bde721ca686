"""Relative performance: how a school's result compares with what its context predicts, and how sure we are.

For one measure in one year, over all schools with a usable result:

0. Refusals and skips. Values outside the measure's valid range (a percentage above 100, say) cannot
   be right: they are left out before anything is fitted and counted in `refused`. Schools with none
   of the chosen context measures known get no estimate (`no_context`). A measure-year that cannot be
   estimated at all is *skipped* with its reason (`skipped`, `reason`), and nothing else stops: no
   result at all, no cohort and no roll to size the luck by, no intake context, fewer than
   MIN_SCHOOLS schools, values that do not vary (a flat measure or a flat year), or (one year,
   nothing declared, no bound from the unit) a noise that cannot be sized.
1. Expected value. A flexible regression of the result on the chosen context (`expected.py`): the
   candidates are compared by out-of-sample error over five folds and the best is used,
   *cross-fitted*: each school's expected value comes from a model fitted without it. Its variance
   p_i (the sandwich variance of the fitted expectation) is kept. With fewer than CROSS_FIT_MIN
   schools the mean of the group is used instead, and no verdict is given.
2. The expected value's own error beyond p_i (`model_error.py`): what the chosen model cannot follow,
   measured by phase from the products of the residuals of alike schools of the same fold (an error
   of the expected value is shared by schools of alike context; their own effects are not); then by
   cohort band and phase, the out-of-sample residuals' spread beyond tau_i^2 + s_i^2 + p_i and that
   shared error. Both are added to every school's noise there (and kept when years are pooled).
3. Effect e_i = result - expected.
4. Sampling variance s_i^2 (`units.py`). A percentage of pupils has p (100 - p) / n_i, p the expected
   percentage. Otherwise pupil_sd^2 / n_i, with the pupil-level SD *declared* when the publisher
   documents it (Progress 8: 1.28), else estimated robustly from how each school's result moves from
   one year to the next, where its own effect and context cancel (`pupil_sd_from_years`). With one
   year only it is estimated from how the spread of the residuals falls with cohort size
   (`pupil_sd_from_cohorts`); but one year cannot tell luck from real differences that change with
   size (measured: even where `pupil_sd_range` finds a narrow range of compatible SDs, on planted
   countries it can miss the truth by half), so the estimates are published without verdicts
   (`withheld`), shrunk with the middle of the SDs the year allows, with intervals spanning every SD
   from 0 to the largest (the robust estimate is reported, within that range). Any SD above
   what the unit allows is replaced by the bound (`BOUNDED`).
5. Between-school variance. e_i ~ Normal(0, tau_i^2 + s_i^2 + p_i + m_i), by maximum likelihood, m_i
   the model error of step 2. tau^2 is a constant, or log tau_i^2 = a + b log(cohort_i) when the data
   support it (likelihood-ratio test at the 1% level).
6. Empirical-Bayes shrinkage. B_i = tau_i^2 / (tau_i^2 + noise_i), noise_i = s_i^2 + p_i + m_i; the
   estimate is B_i e_i with posterior variance B_i noise_i, plus the uncertainty of tau^2 itself
   carried by the delta method (Kass & Steffey 1989), and never less than the posterior variance at
   tau^2 equal to its own standard error: no interval has width zero, even when tau^2 is fitted as 0.
7. A 95% interval is estimate +/- 1.96 posterior SDs. A measure is a *strength* when the whole interval
   is on the good side of zero and a *need* when it is all on the bad side; "good" respects
   higher_is_better (lower absence is a strength).

Missing (suppressed, NaN) results are left out of the fit and get NaN estimates and no verdict.
`pool_years` combines a school's years into one estimate per measure (see its docstring).
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Protocol

import numpy as np
from scipy import stats

from kindred.engine.blas import one_blas_thread
from kindred.engine.expected import (
    BY_PHASE,
    PHASE_SLOPES,
    STEPS,
    Expectation,
    design,
    expected_values,
    folds_of,
)
from kindred.engine.families import standardise
from kindred.engine.model_error import NEIGHBOURS, alike_schools, excess_by_cell, shared_error
from kindred.engine.units import (
    BOUNDED,
    COHORT_SPREAD,
    DECLARED,
    FROM_UNIT,
    PERCENT_OF_PUPILS,
    PERCENT_UNITS,
    SCORE,
    SHARE_FLOOR,
    YEAR_TO_YEAR,
    sd_bound,
    share_pupil_sd,
    share_variance,
)
from kindred.engine.variance import (
    TAU_CONSTANT,
    BetweenFit,
    YearSeries,
    fit_between,
    pupil_sd_from_cohorts,
    pupil_sd_from_years,
    pupil_sd_range,
)

__all__ = [  # the noise-model methods are named here too, for callers of this module
    "BOUNDED",
    "COHORT_SPREAD",
    "DECLARED",
    "FROM_UNIT",
    "YEAR_TO_YEAR",
]

STRENGTH = 1
NEED = -1
NEITHER = 0

#: Why a measure-year has no estimate (`Evidence.skipped`).
NO_RESULTS = "no_results"  # every value suppressed, missing or refused
NO_COHORT = "no_cohort"  # results, but no school has a cohort or a roll to size its luck by
NO_CONTEXT = "no_context"  # results, but no school has any intake context
FEW_SCHOOLS = "few_schools"  # fewer than MIN_SCHOOLS schools with a usable result
FLAT = "flat"  # every school has the same value: nothing to estimate
NOISE_UNKNOWN = "noise_unknown"  # one year, nothing declared, no bound, and no way to size the luck
NO_YEAR = "no_year"  # pooled: no year of the measure could be estimated
SKIP_REASONS = (NO_RESULTS, NO_COHORT, NO_CONTEXT, FEW_SCHOOLS, FLAT, NOISE_UNKNOWN, NO_YEAR)
#: Why a measure-year has estimates but no verdicts (`Evidence.withheld`).
NOISE_UNIDENTIFIED = "noise_unidentified"  # one year cannot tell luck from real differences
FEW_FOR_VERDICTS = "few_for_verdicts"  # too few schools to cross-fit the expected value
WITHHOLD_REASONS = (NOISE_UNIDENTIFIED, FEW_FOR_VERDICTS)

#: Context features that describe the school, not its intake: alone they do not make a school's context known.
STRUCTURAL_FEATURES = frozenset({"log_pupils", "urban"})
#: Fewer schools with a usable result than this: the measure-year is skipped.
MIN_SCHOOLS = 10
#: Below this many schools the expected value is the group mean fitted in sample, and no verdict is given.
CROSS_FIT_MIN = 20
#: Pupil SDs from 0 to the largest one year allows whose intervals are joined when the noise is not known.
ENVELOPE_POINTS = 5


class OutcomeSeriesLike(YearSeries, Protocol):
    """One measure in one year: values (NaN where suppressed) and cohorts for some schools."""

    @property
    def measure(self) -> str: ...


@dataclass(frozen=True)
class MeasureModel:
    """What is declared about a measure: direction, unit, valid range, pupil SD and predicting context."""

    higher_is_better: bool = True
    pupil_sd: float | None = None
    valid_min: float | None = None
    valid_max: float | None = None
    predictors: tuple[str, ...] = ()  # context feature names; empty = every feature given
    unit: str = SCORE  # units.py: a percentage of pupils brings its own noise model


@dataclass(frozen=True)
class Evidence:
    """Relative performance of schools on one measure, in one year (or pooled over `years`).

    Arrays are aligned with `school_index` (row numbers in the caller's school table). Entries for
    schools without a usable result (`valid` False) are NaN and their verdict is NEITHER. A skipped
    measure-year (`skipped`) has no valid entry; one with `withheld` has estimates and no verdicts.
    """

    measure: str
    years: tuple[int, ...]
    higher_is_better: bool
    school_index: np.ndarray  # (n,) int64
    valid: np.ndarray  # (n,) bool
    value: np.ndarray
    expected: np.ndarray
    effect: np.ndarray  # value - expected, raw
    sampling_var: np.ndarray  # s^2: pupil_sd^2 / cohort, or p (100 - p) / cohort
    prediction_var: np.ndarray  # variance of the expected value's error: sandwich plus model error
    shrinkage: np.ndarray  # B = tau^2 / (tau^2 + s^2 + p)
    shrunk: np.ndarray  # posterior mean of the school's effect
    posterior_sd: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    verdict: np.ndarray  # int8: STRENGTH, NEED or NEITHER
    tau2: float  # between-school variance at the median cohort
    pupil_sd: float  # for a percentage of pupils: sqrt(mean p (100 - p)) over the schools
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
    unit: str = SCORE
    skipped: str = ""  # SKIP_REASONS: no estimate at all
    withheld: str = ""  # WITHHOLD_REASONS: estimates without verdicts
    reason: dict[str, float] = field(default_factory=dict)  # figures the reason quotes
    pupil_sd_estimate: float = float("nan")  # what was declared or estimated, before any bound
    pupil_sd_low: float = float("nan")  # one year, nothing declared: the SDs the data are compatible with
    pupil_sd_high: float = float("nan")
    pupil_sd_bound: float = float("nan")  # the largest SD the unit allows (NaN: no bound)
    model_error: dict[str, float] = field(default_factory=dict)  # excess spread by band and phase

    @property
    def verdicts(self) -> bool:
        """Whether this result gives verdicts (strengths and needs) at all."""
        return not (self.skipped or self.withheld)

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


@dataclass(frozen=True)
class _Noise:
    """The sampling-noise model of one measure-year: a pupil SD (None: a percentage of pupils)."""

    sd: float | None
    method: str
    estimate: float = float("nan")
    low: float = float("nan")
    high: float = float("nan")
    bound: float | None = None
    identified: bool = True

    def variance(self, expected: np.ndarray, cohort: np.ndarray) -> np.ndarray:
        if self.sd is None:
            return share_variance(expected, cohort)
        return self.sd**2 / cohort


@dataclass(frozen=True)
class _Fit:
    """One measure-year fitted: the expected value, its errors, the luck and the between-school variance."""

    expected: np.ndarray
    residual: np.ndarray
    sampling_var: np.ndarray
    sandwich_var: np.ndarray
    model_error_var: np.ndarray
    model_error: dict[str, float]
    between: BetweenFit
    model: str
    r2: float

    @property
    def prediction_var(self) -> np.ndarray:
        return self.sandwich_var + self.model_error_var

    def noise(self, cross: bool) -> np.ndarray:
        return self.sampling_var + (self.prediction_var if cross else 0.0)


def relative_performance(
    value: np.ndarray,
    cohort: np.ndarray,
    context: np.ndarray,
    *,
    pupil_sd: float | None = None,
    pupil_sd_method: str | None = None,
    unit: str = SCORE,
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
    alike: np.ndarray | None = None,
) -> Evidence:
    """Relative performance of every school on one measure in one year (see the module docstring).

    `value` (n,) has NaN where suppressed; `cohort` (n,) is the number of pupils behind each value;
    `context` (n, p) is the schools' raw context (NaN where missing; p may be 0: compare with the mean).
    `pupil_sd` is the pupil-level SD of the measure (`pupil_sd_method` says how it was found: declared
    by default); None estimates it from this year's spread by cohort, unless `unit` is a percentage of
    pupils, whose noise follows from the value. `groups` (n,), e.g. phase, gives each group its own
    baseline. Values outside [valid_min, valid_max] are refused before the fit. `intake` (p,) bool marks
    the context columns that describe the intake (default: all): a school with none of them known gets
    no estimate. `alike` (n, k) gives each school's nearest alike schools (rows of these n; -1 for
    none; `model_error.alike_schools`) when the caller has them already; otherwise they are found here.
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
    results = finite & ~out_of_range
    has_cohort = np.isfinite(cohort) & (cohort > 0)
    usable = results & has_cohort
    valid = usable & has_context
    bound = sd_bound(unit, valid_min, valid_max)
    common: dict[str, Any] = {
        "measure": measure,
        "years": (year,),
        "higher_is_better": higher_is_better,
        "school_index": index,
        "value": np.where(results, value, np.nan),
        "refused": int(out_of_range.sum()),
        "no_context": int((usable & ~has_context).sum()),
        "predictors": tuple(predictors),
        "level": level,
        "unit": unit,
        "pupil_sd_bound": np.nan if bound is None else bound,
    }
    m = int(valid.sum())
    skip: tuple[str, dict[str, float]] | None = (
        (NO_RESULTS, {})
        if not results.any()
        else (NO_COHORT, {"schools": int(results.sum())})
        if not usable.any()
        else (NO_CONTEXT, {"schools": int(usable.sum())})
        if not valid.any()
        else (FEW_SCHOOLS, {"schools": m, "needed": MIN_SCHOOLS})
        if m < MIN_SCHOOLS
        else (FLAT, {"value": float(value[valid][0])})
        if np.ptp(value[valid]) == 0
        else None
    )
    if skip is not None:
        return _skipped(n, reason=skip[0], figures=skip[1], **common)

    y = value[valid]
    n_valid = cohort[valid]
    z, missing = standardise(context[valid], np.zeros(m, dtype=np.int64))
    group = None if groups is None else np.asarray(groups)[valid]
    cross = m >= CROSS_FIT_MIN
    fold = folds_of(index[valid]) if cross else np.zeros(m, dtype=np.int64)
    columns = design(z, missing, group)
    if not cross:
        near = np.full((m, NEIGHBOURS), -1, dtype=np.int64)
    elif alike is None:
        near = alike_schools(z, fold, group)
    else:  # the caller's, as rows of the valid schools (an alike school without a result drops out)
        position = np.where(valid, np.cumsum(valid) - 1, -1)
        given = np.asarray(alike, dtype=np.int64)[valid]
        near = np.where(given >= 0, position[np.maximum(given, 0)], -1)

    def fit(noise: _Noise) -> _Fit:
        return _fit(
            y,
            z,
            missing,
            n_valid,
            fold,
            group,
            columns,
            noise,
            near,
            cross=cross,
            sized=size_dependent_tau,
            percentage=unit in PERCENT_UNITS,
        )

    def pilot_residual() -> np.ndarray:  # equal weights: the noise is what is being sized
        pilot = expected_values(
            y, z, missing, np.ones(m), fold=fold, groups=group, columns=columns, robust=False
        )
        return y - pilot.expected

    noise = _noise_model(pupil_sd, pupil_sd_method, unit, bound, pilot_residual, n_valid)
    if noise is None:
        return _skipped(n, reason=NOISE_UNKNOWN, figures={"schools": m}, **common)
    fitted = fit(noise)
    withheld, figures = "", dict[str, float]()
    if not cross:
        withheld, figures = FEW_FOR_VERDICTS, {"schools": m, "needed": CROSS_FIT_MIN}
    elif not noise.identified:
        withheld, figures = NOISE_UNIDENTIFIED, {"low": noise.low, "high": noise.high}

    def spread(values: np.ndarray) -> np.ndarray:
        full = np.full(n, np.nan)
        full[valid] = values
        return full

    shrunk = _shrink(
        effect=spread(fitted.residual),
        sampling_var=spread(fitted.sampling_var),
        prediction_var=np.where(valid, spread(fitted.prediction_var), 0.0),
        between=spread(fitted.between.values),
        extra_var=np.where(
            valid, spread(fitted.between.extra_variance(fitted.residual, fitted.noise(cross))), 0.0
        ),
        floor_var=np.where(valid, spread(fitted.between.value_se()), 0.0),
        cross_fitted=cross,
        valid=valid,
        withheld=withheld,
        reason=figures,
        expected=spread(fitted.expected),
        tau2=float(fitted.between.at(float(np.median(np.log(n_valid))))),
        pupil_sd=_reported_sd(noise, fitted.expected),
        pupil_sd_estimated=noise.method not in (DECLARED, FROM_UNIT),
        pupil_sd_method=noise.method,
        pupil_sd_estimate=noise.estimate,
        pupil_sd_low=noise.low,
        pupil_sd_high=noise.high,
        tau2_model=fitted.between.kind,
        tau2_slope=float(fitted.between.slope),
        expected_model=fitted.model,
        r2=float(fitted.r2),
        cohort=np.where(valid, cohort, np.nan),
        model_error=fitted.model_error,
        **common,
    )
    if withheld == NOISE_UNIDENTIFIED:
        # every SD the year's data allow: the interval is the union of theirs, so it covers whichever is true
        lower, upper = shrunk.lower.copy(), shrunk.upper.copy()
        for sd in np.linspace(noise.low, noise.high, ENVELOPE_POINTS):
            other = _refit_noise(
                fitted,
                replace(noise, sd=float(sd)),
                n_valid,
                cross,
                size_dependent_tau,
                unit in PERCENT_UNITS,
                group,
            )
            half = stats.norm.ppf(0.5 + level / 2) * other[1]
            lower[valid] = np.minimum(lower[valid], other[0] - half)
            upper[valid] = np.maximum(upper[valid], other[0] + half)
        shrunk = replace(shrunk, lower=lower, upper=upper)
    return shrunk


def _noise_model(
    pupil_sd: float | None,
    method: str | None,
    unit: str,
    bound: float | None,
    pilot_residual,
    cohort: np.ndarray,
) -> _Noise | None:
    """The noise model of a measure-year (module docstring, step 4); None when it cannot be sized."""
    if pupil_sd is not None:
        noise = _Noise(float(pupil_sd), method or DECLARED, estimate=float(pupil_sd), bound=bound)
    elif unit == PERCENT_OF_PUPILS:
        return _Noise(None, FROM_UNIT, bound=bound)
    else:  # one year and nothing declared: how the spread falls with cohort size
        residual = pilot_residual()
        robust = pupil_sd_from_cohorts(residual, cohort)
        span = pupil_sd_range(residual, cohort)
        # one year cannot pin the SD down (docs/methods.md, "One year, nothing declared"): estimates
        # without verdicts, with intervals spanning every SD from 0 to the largest the year allows
        largest = [v for v in (robust, None if span is None else span.high) if v is not None and v > 0]
        high = max(largest) if largest else None
        if bound is not None:
            high = bound if high is None else min(high, bound)
        if high is None or high <= 0:
            return None
        # the estimate is shrunk with the middle of that range: the robust estimate is its top whenever
        # smaller schools really differ more, and shrinking by it pulls estimates too far towards 0
        noise = _Noise(
            high / 2,
            COHORT_SPREAD if robust else BOUNDED,
            estimate=float(np.nan if robust is None else robust),
            low=0.0,
            high=high,
            bound=bound,
            identified=False,
        )
    if bound is not None and noise.sd is not None and noise.sd > bound:
        noise = replace(noise, sd=bound, method=BOUNDED)
    return noise


def _reported_sd(noise: _Noise, expected: np.ndarray) -> float:
    """The pupil SD a measure-year reports: the one used, or (one year, nothing declared) the robust
    estimate within the range the year allows, though the estimates are shrunk with the range's middle."""
    if noise.sd is None:
        return share_pupil_sd(expected)
    if not noise.identified and np.isfinite(noise.estimate):
        return float(min(noise.estimate, noise.high))
    return float(noise.sd)


def _fit(
    y: np.ndarray,
    z: np.ndarray,
    missing: np.ndarray,
    cohort: np.ndarray,
    fold: np.ndarray,
    group: np.ndarray | None,
    columns: tuple[np.ndarray, list[int]],
    noise: _Noise,
    alike: np.ndarray,
    *,
    cross: bool,
    sized: bool,
    percentage: bool = False,
) -> _Fit:
    """Steps 1-5 for one noise model: a pilot pass chooses the expected value and gives the weights, the
    second refits the chosen model with those weights and the sandwich variance. A percentage is also
    fitted on the log-odds scale in the pilot, and the scale with the smaller out-of-sample error kept."""
    m = y.size
    log_cohort = np.log(cohort)
    sampling = noise.variance(np.full(m, float(np.mean(y))), cohort)
    spread = float(np.var(y))
    tau_values = np.full(m, max(spread - float(np.mean(sampling)), 0.1 * spread, 1e-12))
    chosen: dict[str, object] = {}
    scales = (False, True) if percentage and cross else (False,)
    for robust in (False, True):
        weights = 1.0 / np.maximum(tau_values + sampling, 1e-300)
        tried = [
            _expected(y, z, missing, weights, fold, group, columns, robust, log_odds=scale, **chosen)
            for scale in scales
        ]
        fitted = min(tried, key=lambda f: float(np.sum(weights * (y - f.expected) ** 2)))
        scales = (fitted.model.startswith(LOG_ODDS),)
        recalibrated = fitted.model.removeprefix(LOG_ODDS).removesuffix(PHASE_SLOPES)
        base = recalibrated.removesuffix(BY_PHASE).removesuffix(STEPS)
        chosen = {
            "candidates": (base,),
            "recalibrate": recalibrated.endswith(BY_PHASE),
            "steps": fitted.steps,
            "phase_penalties": fitted.phase_penalties,
        }
        residual = y - fitted.expected
        sampling = noise.variance(fitted.expected, cohort)
        sandwich = fitted.prediction_var if cross else np.zeros(m)
        extra, cells = np.zeros(m), dict[str, float]()
        shared, shared_cells = np.zeros(m), dict[str, float]()
        # a percentage's tau^2 may follow its level (`fit_between`), in the last pass only: as weights of
        # the expected value's fit, the small tau^2 of schools near 0 or 100 made it lean on them
        level = fitted.expected if percentage and robust else None
        # so may each phase's tau^2 (partially pooled), in the last pass only too: the expected value is
        # fitted with the weights of the pilot pass whatever the phases' spreads turn out to be
        phases = group if robust else None
        between = fit_between(
            residual,
            _floored(sampling + sandwich, spread),
            log_cohort,
            size_dependent=sized and cross,
            level=level,
            groups=phases,
        )
        for _ in range(2 if cross else 0):  # the excess by band and phase, then tau^2 again with it
            extra, cells = excess_by_cell(residual, between.values + sampling + sandwich, cohort, group)
            between = fit_between(
                residual,
                _floored(sampling + sandwich + extra, spread),
                log_cohort,
                size_dependent=sized,
                level=level,
                groups=phases,
            )
        if cross and robust:
            # the error alike schools share (what the model misses), carried in the intervals; tau^2 is
            # not fitted again without it: the same products also hold the fitting error alike schools
            # share, which p_i carries already, and tau^2 would be pulled down by it
            shared, shared_cells = shared_error(residual, alike, group, between.values + sampling + sandwich)
        tau_values = between.values
    return _Fit(
        expected=fitted.expected,
        residual=residual,
        sampling_var=sampling,
        sandwich_var=fitted.prediction_var,
        model_error_var=shared + extra,
        model_error={**shared_cells, **cells},
        between=between,
        model=fitted.model,
        r2=fitted.r2,
    )


#: Prefix of the name of an expected value fitted on the log-odds scale.
LOG_ODDS = "log-odds "


def _expected(
    y: np.ndarray,
    z: np.ndarray,
    missing: np.ndarray,
    weights: np.ndarray,
    fold: np.ndarray,
    group: np.ndarray | None,
    columns: tuple[np.ndarray, list[int]],
    robust: bool,
    *,
    log_odds: bool,
    **chosen: Any,
) -> Expectation:
    """`expected_values` of y, or of a percentage's log-odds brought back to per cent (delta method).

    A percentage bends towards 0 and 100: context that moves a school from 50% to 60% moves one at 90%
    far less. On the log-odds scale (values kept within SHARE_FLOOR of the ends) each school's weight
    becomes w (p (100 - p) / 100)^2, p its current expected percentage; the expected value comes back
    as 100 / (1 + exp(-eta)), its variance times (p (100 - p) / 100)^2.
    """
    if not log_odds:
        return expected_values(
            y, z, missing, weights, fold=fold, groups=group, columns=columns, robust=robust, **chosen
        )
    q = np.clip(y, SHARE_FLOOR, 100.0 - SHARE_FLOOR) / 100.0
    level = float(np.clip(np.sum(weights * y) / np.sum(weights), SHARE_FLOOR, 100.0 - SHARE_FLOOR)) / 100.0
    slope = (100.0 * level * (1.0 - level)) ** 2
    fitted = expected_values(
        np.log(q / (1.0 - q)),
        z,
        missing,
        weights * slope,
        fold=fold,
        groups=group,
        columns=columns,
        robust=robust,
        **chosen,
    )
    back = 100.0 / (1.0 + np.exp(-fitted.expected))
    derivative = (back * (100.0 - back) / 100.0) ** 2
    return Expectation(
        back,
        fitted.prediction_var * derivative,
        LOG_ODDS + fitted.model,
        fitted.r2,
        fitted.errors,
        fitted.steps,
        fitted.phase_penalties,
    )


def _floored(noise: np.ndarray, spread: float) -> np.ndarray:
    """Noise variances kept above a tiny share of the results' spread, so no likelihood divides by 0."""
    return np.maximum(noise, 1e-9 * max(spread, 1e-300))


def _refit_noise(
    fitted: _Fit,
    noise: _Noise,
    cohort: np.ndarray,
    cross: bool,
    sized: bool,
    percentage: bool,
    group: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """(shrunk estimate, posterior SD) of every school with the same expected value and another noise model."""
    sampling = noise.variance(fitted.expected, cohort)
    prediction = fitted.prediction_var if cross else 0.0
    total = _floored(sampling + prediction, float(np.var(fitted.residual)))
    between = fit_between(
        fitted.residual,
        total,
        np.log(cohort),
        size_dependent=sized and cross,
        level=fitted.expected if percentage else None,
        groups=group,
    )
    b = between.values / (between.values + total)
    variance = b * total + between.extra_variance(fitted.residual, total)
    se = between.value_se()
    return b * fitted.residual, np.sqrt(np.maximum(variance, se * total / (se + total)))


def _skipped(n: int, *, reason: str, figures: dict[str, float], **common: Any) -> Evidence:
    """A measure-year with no estimate at all, and why."""
    nan = np.full(n, np.nan)
    return Evidence(
        valid=np.zeros(n, dtype=bool),
        expected=nan,
        effect=nan,
        sampling_var=nan,
        prediction_var=np.zeros(n),
        shrinkage=nan,
        shrunk=nan,
        posterior_sd=nan,
        lower=nan,
        upper=nan,
        verdict=np.zeros(n, dtype=np.int8),
        tau2=float("nan"),
        pupil_sd=float("nan"),
        pupil_sd_estimated=False,
        pupil_sd_method="",
        cohort=nan,
        skipped=reason,
        reason=figures,
        **common,
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
    declared pupil SD, not a percentage of pupils, and with two or more years that vary gets one
    estimated from year-to-year changes (`pupil_sd_from_years`).
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
    alike_of: dict[tuple[bytes, bytes], np.ndarray] = {}  # the same schools and context: found once
    for measure, items in by_measure.items():
        model = models[measure]
        chosen = [name for name in model.predictors if name in names] if model.predictors else names
        columns = np.array([names.index(name) for name in chosen], dtype=np.int64)
        every = np.unique(np.concatenate([np.asarray(item.school_index, dtype=np.int64) for item in items]))
        key = (every.tobytes(), columns.tobytes())
        if key not in alike_of:
            z, _ = standardise(context[np.ix_(every, columns)], np.zeros(every.size, dtype=np.int64))
            near = alike_schools(z, folds_of(every), None if groups is None else np.asarray(groups)[every])
            alike_of[key] = np.where(near >= 0, every[np.maximum(near, 0)], -1)  # as school rows
        school_alike = np.full((context.shape[0], NEIGHBOURS), -1, dtype=np.int64)
        school_alike[every] = alike_of[key]
        sd, method = model.pupil_sd, DECLARED
        if sd is None and model.unit != PERCENT_OF_PUPILS:
            varying = [item for item in items if _varies(item)]
            if len(varying) >= 2:
                sd = pupil_sd_from_years(varying, valid_min=model.valid_min, valid_max=model.valid_max)
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
                    unit=model.unit,
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
                    alike=_rows_of(school_alike[index], index, context.shape[0]),
                )
            )
    return results


def _rows_of(schools: np.ndarray, index: np.ndarray, n_schools: int) -> np.ndarray:
    """School rows (-1: none) as positions in `index` (-1 where a school is not in it)."""
    position = np.full(n_schools, -1, dtype=np.int64)
    position[index] = np.arange(index.size)
    return np.where(schools >= 0, position[np.maximum(schools, 0)], -1)


def _varies(item: OutcomeSeriesLike) -> bool:
    """Whether a year's results differ at all (a flat year says nothing about luck)."""
    values = np.asarray(item.value, dtype=float)
    values = values[np.isfinite(values)]
    return values.size >= 2 and float(np.ptp(values)) > 0


@one_blas_thread
def pool_years(
    results: Sequence[Evidence], *, n_schools: int, groups: np.ndarray | None = None
) -> list[Evidence]:
    """One estimate per measure and school from all its years; every measure with a year gets one.

    A school's yearly raw effects are averaged with inverse sampling-variance weights (a bigger cohort
    counts more), giving a pooled effect with sampling variance 1 / sum(1 / s_t^2). The uncertainty of
    the expected value is *not* averaged away: the same context gives the same error every year, so the
    pooled prediction variance is (sum w_t sqrt(p_t) / sum w_t)^2. The between-school variance of pooled
    effects is fitted afresh (as in a single year, against the mean cohort) and the pooled effects are
    shrunk as in a single year. What is estimated is the school's (weighted) average effect over the
    years it has results: equal to its lasting effect when that is stable, and otherwise a summary of
    the period, not a prediction for next year. A school with one year keeps that year's evidence, and
    a measure with one year keeps that year's result as it is. Skipped years add nothing; a measure with
    every year skipped is skipped (NO_YEAR); verdicts are withheld when a year's were for its noise.
    The excess spread by cohort band and `groups` (n_schools,; the phase) is measured again on the
    pooled effects (`model_error.py`), where the expected value's error stands out more (less luck).
    The result has `years` set to all years pooled and `school_index` 0..n_schools-1.
    """
    if groups is not None and np.shape(groups) != (n_schools,):
        raise ValueError(f"groups must have {n_schools} entries, got shape {np.shape(groups)}")
    by_measure: dict[str, list[Evidence]] = {}
    for result in results:
        if len(result.years) != 1:
            raise ValueError(f"{result.measure}: only single-year results can be pooled")
        by_measure.setdefault(result.measure, []).append(result)
    pooled = []
    for measure, every in by_measure.items():
        directions = {item.higher_is_better for item in every}
        if len(directions) != 1:
            raise ValueError(f"{measure}: years disagree on whether higher is better")
        years = tuple(sorted(item.years[0] for item in every))
        if len(set(years)) != len(years):
            raise ValueError(f"{measure}: a year appears twice")
        for item in every:
            if item.school_index.size and item.school_index.max() >= n_schools:
                raise ValueError(f"{measure}: school_index outside a table of {n_schools} schools")
        items = [item for item in every if not item.skipped]
        if not items:
            pooled.append(_all_years_skipped(every, years, n_schools))
        elif len(items) == 1:
            pooled.append(_as_pooled(items[0], years, n_schools))
        else:
            pooled.append(_pool(items, years, n_schools, groups))
    return pooled


def _all_years_skipped(items: list[Evidence], years: tuple[int, ...], n_schools: int) -> Evidence:
    first = items[0]
    return _skipped(
        n_schools,
        reason=NO_YEAR,
        figures={},
        measure=first.measure,
        years=years,
        higher_is_better=first.higher_is_better,
        school_index=np.arange(n_schools, dtype=np.int64),
        value=np.full(n_schools, np.nan),
        refused=sum(item.refused for item in items),
        no_context=max(item.no_context for item in items),
        predictors=first.predictors,
        level=first.level,
        unit=first.unit,
        pupil_sd_bound=first.pupil_sd_bound,
    )


#: Per-school arrays of an Evidence, scattered onto the whole school table when a year stands for the pool.
_PER_SCHOOL = (
    "value",
    "expected",
    "effect",
    "sampling_var",
    "shrinkage",
    "shrunk",
    "posterior_sd",
    "lower",
    "upper",
    "cohort",
)


def _as_pooled(item: Evidence, years: tuple[int, ...], n_schools: int) -> Evidence:
    """The only year that could be estimated, as the measure's pooled result (on the whole table)."""
    arrays: dict[str, Any] = {}
    for name in _PER_SCHOOL:
        full = np.full(n_schools, np.nan)
        full[item.school_index] = getattr(item, name)
        arrays[name] = full
    valid = np.zeros(n_schools, dtype=bool)
    valid[item.school_index] = item.valid
    verdict = np.zeros(n_schools, dtype=np.int8)
    verdict[item.school_index] = item.verdict
    prediction = np.zeros(n_schools)
    prediction[item.school_index] = item.prediction_var
    return replace(
        item,
        years=years,
        school_index=np.arange(n_schools, dtype=np.int64),
        valid=valid,
        verdict=verdict,
        prediction_var=prediction,
        **arrays,
    )


def _pool(
    items: list[Evidence], years: tuple[int, ...], n_schools: int, groups: np.ndarray | None
) -> Evidence:
    precision = np.zeros(n_schools)
    weighted = {name: np.zeros(n_schools) for name in ("value", "expected", "effect")}
    prediction_sd = np.zeros(n_schools)
    cohort_total = np.zeros(n_schools)
    count = np.zeros(n_schools)
    for item in items:
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
    between, extra, floor = np.full(n_schools, np.nan), np.zeros(n_schools), np.zeros(n_schools)
    tau2, slope, kind = np.nan, 0.0, TAU_CONSTANT
    cells: dict[str, float] = {}
    if has.any():
        e = means["effect"][has]
        noise = _floored(sampling_var[has] + (prediction_var[has] if cross else 0.0), float(np.var(e)))
        log_cohort = np.log(np.maximum(mean_cohort[has], 1e-9))
        sized = cross and has.sum() >= CROSS_FIT_MIN
        level = means["expected"][has] if items[0].unit in PERCENT_UNITS else None
        phases = None if groups is None else np.asarray(groups)[has]
        fit = fit_between(e, noise, log_cohort, size_dependent=sized, level=level, groups=phases)
        for _ in range(2 if cross else 0):  # the expected value's error by band and phase, pooled
            more, cells = excess_by_cell(e, fit.values + noise, mean_cohort[has], phases)
            fit = fit_between(e, noise + more, log_cohort, size_dependent=sized, level=level, groups=phases)
        if cross and cells:
            prediction_var[has] += more
            noise = noise + more
        between[has] = fit.values
        extra[has] = fit.extra_variance(e, noise)
        floor[has] = fit.value_se()
        tau2, slope, kind = fit.at(float(np.median(log_cohort))), fit.slope, fit.kind
    sds = [item.pupil_sd for item in items if np.isfinite(item.pupil_sd)]
    first = items[0]
    withheld = next((item for item in items if item.withheld == NOISE_UNIDENTIFIED), None)
    reason: dict[str, float] = {}
    if withheld is not None:
        reason = withheld.reason
    elif not cross:
        reason = {"schools": int(has.sum()), "needed": CROSS_FIT_MIN}
    methods = {item.pupil_sd_method for item in items}
    return _shrink(
        measure=first.measure,
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
        floor_var=floor,
        cross_fitted=cross,
        withheld=NOISE_UNIDENTIFIED if withheld is not None else "" if cross else FEW_FOR_VERDICTS,
        reason=reason,
        tau2=float(tau2),
        pupil_sd=float(np.sqrt(np.mean(np.square(sds)))) if sds else float("nan"),
        pupil_sd_estimated=any(item.pupil_sd_estimated for item in items),
        pupil_sd_method=BOUNDED if BOUNDED in methods else first.pupil_sd_method,
        pupil_sd_estimate=first.pupil_sd_estimate,
        pupil_sd_low=first.pupil_sd_low,
        pupil_sd_high=first.pupil_sd_high,
        pupil_sd_bound=first.pupil_sd_bound,
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
        unit=first.unit,
        model_error=cells,
    )


def _shrink(
    *,
    effect: np.ndarray,
    sampling_var: np.ndarray,
    prediction_var: np.ndarray,
    between: np.ndarray,
    extra_var: np.ndarray,
    floor_var: np.ndarray,
    cross_fitted: bool,
    valid: np.ndarray,
    level: float,
    higher_is_better: bool,
    withheld: str = "",
    **fields: object,
) -> Evidence:
    """Empirical-Bayes posterior for each school's effect, its interval and its verdict.

    Cross-fitted, the expected value's error is part of the noise: B = tau^2 / (tau^2 + s^2 + p) and
    the posterior variance is B (s^2 + p). Fitted in sample (tiny groups), the posterior variance is
    B s^2 + B^2 p. Either way the uncertainty of tau^2 (`extra_var`) is added, and the posterior
    variance is never below its value at tau^2 equal to its own standard error (`floor_var`): an
    interval never has width zero.
    """
    n = effect.shape[0]
    if valid.any():
        noise = sampling_var + (prediction_var if cross_fitted else 0.0)
        total = between + noise
        with np.errstate(invalid="ignore", divide="ignore"):
            shrinkage = np.where(total > 0, between / np.where(total > 0, total, 1.0), 1.0)
            floor = np.where(floor_var + noise > 0, floor_var * noise / (floor_var + noise), 0.0)
        shrinkage = np.where(valid, shrinkage, np.nan)
        shrunk = shrinkage * effect
        if cross_fitted:
            posterior_var = shrinkage * noise
        else:
            posterior_var = shrinkage * sampling_var + shrinkage**2 * prediction_var
        posterior_var = np.maximum(posterior_var + np.nan_to_num(extra_var), np.nan_to_num(floor))
        posterior_sd = np.sqrt(posterior_var)
    else:
        shrinkage = shrunk = posterior_sd = np.full(n, np.nan)
    half = stats.norm.ppf(0.5 + level / 2) * posterior_sd
    lower, upper = shrunk - half, shrunk + half
    verdict = np.zeros(n, dtype=np.int8)
    if not withheld:
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
        withheld=withheld,
        **fields,  # type: ignore[arg-type]
    )
