"""The installation's own self-check: after every recompute, do its results look like the model says?

The planted self-check (`selfcheck.py`) proves the engine on a country whose truth is known. This one
looks at the installation's own data, where the truth is not known, and asks what can be asked
without it. For each measure that gives verdicts (its years and the years pooled):

1. **Pupil SD within its unit.** The SD used is above 0 and no more than the unit allows (`units.py`).
2. **Spread against the noise model, by cohort band.** Each school's raw difference divided by the
   spread the model gives it, sqrt(tau_i^2 + s_i^2 + p_i), should have a mean square near 1 in every
   cohort band (<15, 15-30, 30-60, 60+ pupils) with at least MIN_BAND_SCHOOLS schools. Above
   SPREAD_RANGE's top by more than SPREAD_ERRORS of its own standard errors (a band of 100 schools with
   a few wild values can read 2 by luck alone) the intervals are too narrow for these schools (verdicts probably wrong): the
   check fails. Below its bottom they are wider than needed (too cautious, as when a percentage sits at
   0 and its luck is kept from vanishing): shown, not failed.
3. **Share flagged against what the model itself expects, and against chance.** Under the fitted
   model a school is flagged with a probability that follows from tau_i^2, its noise and its interval;
   their mean is the share the model expects. Many more flags than that (FLAG_EXCESS) means wild values
   or a noise model too narrow: verdicts that are probably wrong. Chance alone (no real differences)
   would put 5% of raw intervals (result +/- 1.96 s_i) away from the expected value; the share that is
   is shown beside it.
4. **Year-to-year.** With two or more years: among schools flagged in two consecutive years, the share
   flagged a strength one year and a need the next (or the other way round) should be small
   (FLIPS_AT_MOST): a school's effect does not swing from reliably above to reliably below in a year,
   verdicts made of luck do. And the pupil SD against how much results really move: the median
   standardised squared change over the chi-square(1) median, below CHANGES_AT_LEAST, says the noise
   model claims more luck than results ever show.

A measure fails when any check fails; the run passes when no measure with verdicts fails. Measures
without verdicts (skipped, or withheld) are listed with their reason and never fail the run.
Pure numpy/scipy; no Django.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import pairwise

import numpy as np
from scipy import stats

from kindred.engine.model_error import BAND_LABELS, cohort_band
from kindred.engine.performance import NEED, NEITHER, STRENGTH, Evidence
from kindred.engine.variance import CHI2_1_MEDIAN

#: A cohort band needs this many schools for its spread to be judged.
MIN_BAND_SCHOOLS = 100
#: The mean squared standardised difference of a band passes within this range.
SPREAD_RANGE = (0.75, 1.33)
#: ... by more than this many standard errors of the band's mean.
SPREAD_ERRORS = 2.0
#: The share flagged fails above FLAG_EXCESS times the share the model expects, plus FLAG_SLACK.
FLAG_EXCESS = 1.5
FLAG_SLACK = 0.03
#: Among schools flagged in two consecutive years, at most this share may swap strength and need...
FLIPS_AT_MOST = 0.05
#: ... judged when at least this many were flagged both years.
MIN_FLAGGED_TWICE = 20
#: Year-to-year changes standardised by the noise model: a median (over the chi-square(1) median) below
#: this means the model claims twice the luck results ever show.
CHANGES_AT_LEAST = 0.5

#: Failure codes (stored; pages render them in the reader's language).
SD_OUT_OF_BOUND = "sd_out_of_bound"
SPREAD = "spread"
FLAGGED = "flagged"
FLIPS = "flips"
CHANGES = "changes"


@dataclass(frozen=True)
class MeasureCheck:
    """What the self-check found for one measure; `failures` are (code, figures) pairs."""

    measure: str
    verdicts: bool
    reason: str  # why there are no verdicts (skip or withhold reason), else ""
    pupil_sd: float
    pupil_sd_bound: float
    spread: dict[str, tuple[float, int]]  # band -> (mean squared standardised difference, schools)
    flagged: float
    expected_flagged: float
    chance_flagged: float
    flips: float | None
    flagged_twice: int
    changes: float | None
    failures: list[tuple[str, dict[str, float | str | None]]] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.failures

    def as_dict(self) -> dict[str, object]:
        return {
            "verdicts": self.verdicts,
            "reason": self.reason,
            "pupil_sd": _round(self.pupil_sd),
            "pupil_sd_bound": _round(self.pupil_sd_bound),
            "spread": {band: [_round(ratio), count] for band, (ratio, count) in self.spread.items()},
            "flagged": _round(self.flagged),
            "expected_flagged": _round(self.expected_flagged),
            "chance_flagged": _round(self.chance_flagged),
            "flips": _round(self.flips),
            "flagged_twice": self.flagged_twice,
            "changes": _round(self.changes),
            "failures": [{"code": code, **figures} for code, figures in self.failures],
            "passed": self.passed,
        }


@dataclass(frozen=True)
class InstallationCheck:
    """The self-check of one recompute: every measure's, and whether the run may be published."""

    measures: list[MeasureCheck]

    @property
    def passed(self) -> bool:
        return all(check.passed for check in self.measures)

    def as_dict(self) -> dict[str, object]:
        return {"passed": self.passed, "measures": {c.measure: c.as_dict() for c in self.measures}}


def installation_check(yearly: Sequence[Evidence], pooled: Sequence[Evidence]) -> InstallationCheck:
    """Check every measure's results (its years and the pooled years) against its own noise model."""
    by_measure: dict[str, list[Evidence]] = {}
    for item in yearly:
        by_measure.setdefault(item.measure, []).append(item)
    checks = []
    for item in pooled:
        years = sorted(by_measure.get(item.measure, []), key=lambda e: e.years[0])
        checks.append(_measure_check(item, years))
    return InstallationCheck(checks)


def _measure_check(pooled: Evidence, years: list[Evidence]) -> MeasureCheck:
    # a pooled result of a single year is that year: checked once
    pooled_own = [pooled] if len(pooled.years) > 1 else []
    with_verdicts = [e for e in [*years, *pooled_own] if e.verdicts and e.valid.any()]
    if not with_verdicts:
        reason = (
            next((e.skipped or e.withheld for e in years if e.skipped or e.withheld), "")
            or pooled.skipped
            or pooled.withheld
        )
        nan = float("nan")
        return MeasureCheck(
            pooled.measure,
            False,
            reason,
            pooled.pupil_sd,
            pooled.pupil_sd_bound,
            {},
            nan,
            nan,
            nan,
            None,
            0,
            None,
        )
    failures: list[tuple[str, dict[str, float | str | None]]] = []
    bound = pooled.pupil_sd_bound
    for item in with_verdicts:
        sd = item.pupil_sd
        if not (np.isfinite(sd) and sd > 0) or (np.isfinite(bound) and sd > bound * (1 + 1e-9)):
            failures.append((SD_OUT_OF_BOUND, {"sd": _round(sd), "bound": _round(bound)}))
            break
    spread: dict[str, tuple[float, int]] = {}
    for item in with_verdicts:
        for band, (ratio, count, error) in _spread_by_band(item).items():
            label = band if item.year is None else f"{band} {item.year}"
            spread[label] = (ratio, count)
            if count >= MIN_BAND_SCHOOLS and ratio - SPREAD_ERRORS * error > SPREAD_RANGE[1]:
                failures.append((SPREAD, {"band": label, "ratio": _round(ratio)}))
    latest = with_verdicts[-1]  # the pooled result when it gives verdicts
    flagged, expected, chance = _flag_shares(latest)
    if flagged > FLAG_EXCESS * expected + FLAG_SLACK:
        failures.append((FLAGGED, {"flagged": _round(flagged), "expected": _round(expected)}))
    flips, twice = _flips(years)
    if flips is not None and twice >= MIN_FLAGGED_TWICE and flips > FLIPS_AT_MOST:
        failures.append((FLIPS, {"flips": _round(flips), "schools": twice}))
    changes = _changes(years)
    if changes is not None and changes < CHANGES_AT_LEAST:
        failures.append((CHANGES, {"ratio": _round(changes)}))
    return MeasureCheck(
        pooled.measure,
        True,
        "",
        pooled.pupil_sd,
        bound,
        spread,
        flagged,
        expected,
        chance,
        flips,
        twice,
        changes,
        failures,
    )


def _noise(item: Evidence) -> np.ndarray:
    return item.sampling_var + (item.prediction_var if item.cross_fitted else 0.0)


def _spread_by_band(item: Evidence) -> dict[str, tuple[float, int, float]]:
    """Mean squared standardised raw difference in each cohort band, e^2 (1 - B) / noise: (mean, schools,
    standard error of the mean)."""
    valid = item.valid
    noise = _noise(item)[valid]
    keep = (noise > 0) & (item.shrinkage[valid] < 1)
    standardised = (item.effect[valid] ** 2 * (1 - item.shrinkage[valid]) / np.where(noise > 0, noise, 1.0))[
        keep
    ]
    band = cohort_band(item.cohort[valid])[keep]
    found = {}
    for b in np.unique(band):
        values = standardised[band == b]
        error = float(values.std() / np.sqrt(values.size)) if values.size > 1 else float("inf")
        found[BAND_LABELS[b]] = (float(values.mean()), int(values.size), error)
    return found


def _flag_shares(item: Evidence) -> tuple[float, float, float]:
    """(share flagged, share the fitted model expects to flag, share of raw intervals away from 0)."""
    valid = item.valid
    noise = _noise(item)[valid]
    b = item.shrinkage[valid]
    flagged = float(np.mean(item.verdict[valid] != NEITHER))
    total = noise / np.maximum(1 - b, 1e-12)  # tau^2 + noise
    spread = b * np.sqrt(total)  # SD of the shrunk estimate under the model
    half = (item.upper - item.lower)[valid] / 2
    with np.errstate(divide="ignore", invalid="ignore"):
        expected = float(np.mean(np.where(spread > 0, 2 * stats.norm.sf(half / spread), 0.0)))
        chance = float(np.mean(np.abs(item.effect[valid]) > 1.959964 * np.sqrt(noise)))
    return flagged, expected, chance


def _flips(years: list[Evidence]) -> tuple[float | None, int]:
    """Share of schools flagged in two consecutive years whose verdict swapped, and how many there were."""
    swapped = twice = 0
    for first, second in pairwise([e for e in years if e.verdicts]):
        _, a, b = np.intersect1d(first.school_index, second.school_index, return_indices=True)
        v1, v2 = first.verdict[a], second.verdict[b]
        both = (v1 != NEITHER) & (v2 != NEITHER)
        twice += int(both.sum())
        swapped += int((both & (((v1 == STRENGTH) & (v2 == NEED)) | ((v1 == NEED) & (v2 == STRENGTH)))).sum())
    return (swapped / twice if twice else None), twice


def _changes(years: list[Evidence]) -> float | None:
    """Median of (change)^2 / (s_t^2 + s_t'^2) over the chi-square(1) median, over consecutive years."""
    ratios = []
    for first, second in pairwise([e for e in years if e.valid.any()]):
        _, a, b = np.intersect1d(first.school_index, second.school_index, return_indices=True)
        ok = first.valid[a] & second.valid[b]
        if ok.sum() < 30:
            continue
        change = first.value[a][ok] - second.value[b][ok]
        change -= np.median(change)
        ratios.append(change**2 / (first.sampling_var[a][ok] + second.sampling_var[b][ok]))
    if not ratios:
        return None
    return float(np.median(np.concatenate(ratios)) / CHI2_1_MEDIAN)


def _round(value: float | None) -> float | None:
    if value is None or not np.isfinite(value):
        return None
    return round(float(value), 4)
