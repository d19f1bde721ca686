"""What a measure's unit says about its sampling noise.

A school's result is an average over its pupils, so its luck is (pupil-level SD)^2 / cohort. The unit
bounds that SD, or gives the whole noise model:

* a **percentage of pupils** (each pupil in or out: reaching grade 5, persistently absent) has the
  sampling variance of a proportion, p (100 - p) / n in percentage points, where p is the school's
  expected percentage: nothing needs estimating, and the pupil-level SD, sqrt(p (100 - p)), is at
  most 50 by arithmetic;
* a **percentage that is a rate** (sessions missed) and any score with a valid range (Attainment 8,
  0 to 90) is a mean of values between min and max, whose pupil-level SD is at most (max - min) / 2
  (all pupils at the two ends, half and half): 50 for a percentage;
* a score without a declared range (a progress score) has no bound from its unit.

An SD outside its bound cannot be right: a declared or estimated one above it is never used; the
bound is used instead, and the result says so (`BOUNDED`). Pure numpy; no Django.
"""

import numpy as np

#: Units (MeasureDefinition.Unit values).
PERCENT_OF_PUPILS = "percent_pupils"
PERCENT = "percent"
SCORE = "score"
COUNT = "count"
PERCENT_UNITS = frozenset({PERCENT, PERCENT_OF_PUPILS})

#: How the pupil-level SD (or the whole noise model) of a measure was found.
DECLARED = "declared"  # by the publisher, in the catalogue, a mapping or the admin
FROM_UNIT = "unit"  # a percentage of pupils: p (100 - p) / n
YEAR_TO_YEAR = "year-to-year"  # estimated from how results move between years
COHORT_SPREAD = "cohort spread"  # one year: estimated from how the spread falls with cohort size
BOUNDED = "bounded"  # the unit's bound, used because what was declared or estimated is above it
METHODS = (DECLARED, FROM_UNIT, YEAR_TO_YEAR, COHORT_SPREAD, BOUNDED)

#: A percentage of pupils is kept this far from 0 and 100 when its noise is worked out, so a school
#: expected at 0% still has some luck (one pupil in 200).
SHARE_FLOOR = 0.5


def sd_bound(unit: str, valid_min: float | None, valid_max: float | None) -> float | None:
    """The largest pupil-level SD the unit allows, or None when it sets no bound."""
    if unit in PERCENT_UNITS:
        low = 0.0 if valid_min is None else valid_min
        high = 100.0 if valid_max is None else valid_max
        return (high - low) / 2.0
    if valid_min is not None and valid_max is not None and valid_max > valid_min:
        return (valid_max - valid_min) / 2.0
    return None


def share_variance(expected: np.ndarray, cohort: np.ndarray) -> np.ndarray:
    """Sampling variance of a percentage of pupils: p (100 - p) / n, p the expected percentage."""
    p = np.clip(np.asarray(expected, dtype=float), SHARE_FLOOR, 100.0 - SHARE_FLOOR)
    return p * (100.0 - p) / np.asarray(cohort, dtype=float)


def share_pupil_sd(expected: np.ndarray) -> float:
    """The pupil-level SD a percentage of pupils amounts to over these schools: sqrt(mean p (100 - p))."""
    p = np.clip(np.asarray(expected, dtype=float), SHARE_FLOOR, 100.0 - SHARE_FLOOR)
    return float(np.sqrt(np.mean(p * (100.0 - p)))) if p.size else float("nan")
