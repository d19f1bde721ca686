"""Evidence with chosen estimates, for tests of what is built on relative performance."""

import numpy as np
from scipy import stats

from kindred.engine.performance import NEED, STRENGTH, Evidence


def evidence(
    measure: str,
    shrunk: list[float],
    *,
    sd: float = 1.0,
    tau2: float = 1.0,
    higher_is_better: bool = True,
    school_index: list[int] | None = None,
) -> Evidence:
    """Evidence whose schools have the given shrunk estimates, each with posterior SD `sd` (NaN = no result)."""
    estimate = np.array(shrunk, dtype=float)
    n = estimate.size
    valid = np.isfinite(estimate)
    posterior_sd = np.where(valid, sd, np.nan)
    half = stats.norm.ppf(0.975) * posterior_sd
    lower, upper = estimate - half, estimate + half
    verdict = np.zeros(n, dtype=np.int8)
    good, bad = (lower > 0, upper < 0) if higher_is_better else (upper < 0, lower > 0)
    verdict[good], verdict[bad] = STRENGTH, NEED
    return Evidence(
        measure=measure,
        years=(2023,),
        higher_is_better=higher_is_better,
        school_index=np.arange(n) if school_index is None else np.array(school_index),
        valid=valid,
        value=estimate,
        expected=np.zeros(n),
        effect=estimate,
        sampling_var=np.ones(n),
        prediction_var=np.zeros(n),
        shrinkage=np.ones(n),
        shrunk=estimate,
        posterior_sd=posterior_sd,
        lower=lower,
        upper=upper,
        verdict=verdict,
        tau2=tau2,
        pupil_sd=1.0,
        pupil_sd_estimated=False,
        level=0.95,
    )
