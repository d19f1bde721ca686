"""Cohorts that a publisher did not give, approximated from the school's roll (declared wherever shown).

A measure's sampling noise depends on how many pupils it was measured on. Some files give no cohort
(absence in several countries, or a measure typed in by hand); then the cohort is approximated:

* for a whole-school measure (attendance), by the number of pupils on roll;
* for a year-group measure (a test at the end of a stage), by pupils on roll / the number of year
  groups the phase spans (`YEAR_GROUPS`), never below 1.

The approximation is good to within the year-to-year variation of year groups (about 10% in England)
but it is an approximation: every result computed from one carries `cohort_estimated`, and pages say so.
"""

import numpy as np

#: Year groups a phase's pupils are spread over.
YEAR_GROUPS = {"primary": 7, "middle": 4, "secondary": 5, "all_through": 13, "post16": 2, "special": 12}
#: A phase not listed above is taken to span this many year groups.
DEFAULT_YEAR_GROUPS = 6


def approximate_cohort(pupils: np.ndarray, phase: np.ndarray, *, whole_school: bool) -> np.ndarray:
    """The approximate cohort of each school (NaN where the roll is unknown)."""
    pupils = np.asarray(pupils, dtype=float)
    if whole_school:
        return np.where(pupils > 0, pupils, np.nan)
    spread = np.array([YEAR_GROUPS.get(str(p), DEFAULT_YEAR_GROUPS) for p in np.asarray(phase)], dtype=float)
    return np.where(pupils > 0, np.maximum(1.0, np.round(pupils / spread)), np.nan)
