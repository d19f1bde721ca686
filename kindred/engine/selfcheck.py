"""The evidence engine checked against a planted truth it has never seen.

`planted_selfcheck` generates a *hard* country in memory (`generate.generate_country(hard=True)`:
context acting through thresholds, steps and interactions and differently by phase, selective schools,
smaller schools varying more, 40% of year-group cohorts under 15, percentages of pupils with binomial
noise, absence without cohorts, schools without intake, a measure that never varies and a year in which
one does not), runs the same engine configuration as a live recompute (the measures' declared models
as the caller gives them, every context measure plus size and urban/rural, phases as groups, missing
cohorts approximated from the roll, every year and the years pooled), and compares the results with
the true school effects:

- coverage of the 95% intervals, single years and pooled, overall, per cohort band (<15, 15-30,
  30-60, 60+ pupils) and per phase, each with its count of intervals;
- RMSE of the shrunk estimates and of the raw differences, single years and pooled;
- the share of flagged strengths and needs that are on the right side (true effect on the same side);
- for measures without a declared pupil SD: the SD estimated against the truth, and how.

Nothing is written anywhere: the caller stores the result. Pure numpy; no Django.
"""

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np

from kindred.engine import generate
from kindred.engine.cohorts import approximate_cohort
from kindred.engine.families import context_matrix
from kindred.engine.model_error import BAND_LABELS, cohort_band
from kindred.engine.performance import (
    NEED,
    STRENGTH,
    STRUCTURAL_FEATURES,
    Evidence,
    MeasureModel,
    pool_years,
    relative_performance_table,
)

#: Cohort bands the coverage is reported in.
BANDS = BAND_LABELS
#: The target: 95% intervals should cover between these shares of true effects.
COVERAGE_RANGE = (0.93, 0.97)
#: At least this share of flagged strengths and of needs should be on the right side.
FLAGS_TRUE_AT_LEAST = 0.97
#: A group with fewer intervals than this is reported but does not decide whether the check passes
#: (a phase of 30 schools cannot show 95% to two decimals).
STRICT_COUNT = 1000


@dataclass(frozen=True)
class SelfCheck:
    """What the planted-truth check found: JSON-ready figures, and whether they meet the targets."""

    schools: int
    seed: int
    years: tuple[int, ...]
    seconds: float
    coverage: dict[str, dict[str, object]]  # "yearly"/"pooled" -> overall, bands, phases (share, count)
    rmse: dict[str, dict[str, float]]  # "yearly"/"pooled" -> shrunk, raw
    flags: dict[str, float | int]  # strengths, needs, true shares
    pupil_sd: dict[str, dict[str, object]]  # undeclared measure -> estimated, true, method
    passed: bool
    failures: tuple[str, ...]

    def as_dict(self) -> dict[str, object]:
        return {
            "coverage": self.coverage,
            "rmse": self.rmse,
            "flags": self.flags,
            "pupil_sd": self.pupil_sd,
            "failures": list(self.failures),
        }


def planted_selfcheck(
    models: Mapping[str, MeasureModel],
    *,
    n_schools: int = 4000,
    seed: int = 1,
    years: Sequence[int] = (2021, 2022, 2023),
) -> SelfCheck:
    """Generate a hard country, analyse it as a live recompute would with `models`, score it.

    `models` gives each generated outcome measure's declared model (direction, valid range, pupil SD,
    predictors); a measure missing from it is analysed with nothing declared but its direction.
    """
    started = time.perf_counter()
    country = generate.generate_country(n_schools=n_schools, seed=seed, years=years, hard=True)
    features = [*sorted(country.context), *sorted(STRUCTURAL_FEATURES)]
    context = context_matrix(country.context, pupils=country.pupils, urban=country.urban, features=features)
    series = []
    for item in country.outcomes:
        if not item.cohort_published:  # as the importer does: approximated from the roll, and said so
            rows = item.school_index
            approximate = approximate_cohort(
                country.pupils[rows],
                country.phase[rows],
                whole_school=item.measure in generate.ABSENCE_MEASURES,
            )
            item = replace(item, cohort=approximate)
        series.append(item)
    used = {
        m: models.get(m, MeasureModel(higher_is_better=m not in generate.HIGHER_IS_WORSE))
        for m in {item.measure for item in series}
    }
    yearly = relative_performance_table(
        series, context=context, feature_names=features, groups=country.phase, models=used
    )
    pooled = pool_years(yearly, n_schools=n_schools, groups=country.phase)

    # measures with verdicts are judged 93-97%; those without (one year, nothing declared), whose
    # intervals span every pupil SD the year allows, only at least 93%
    coverage = {
        "yearly": _coverage(country, [i for i in yearly if i.verdicts]),
        "pooled": _coverage(country, [i for i in pooled if i.verdicts]),
    }
    unjudged = [i for i in yearly if i.withheld]
    if unjudged:
        coverage["without verdicts"] = _coverage(country, unjudged)
    rmse = {"yearly": _rmse(country, yearly), "pooled": _rmse(country, pooled)}
    flags = _flags(country, yearly + pooled)
    pupil_sd = {
        item.measure: {
            "estimated": round(float(item.pupil_sd), 4),
            "true": generate.PUPIL_SD[item.measure],
            "method": item.pupil_sd_method,
        }
        for item in pooled
        if item.pupil_sd_estimated
    }
    failures = _failures(coverage, rmse, flags)
    return SelfCheck(
        schools=n_schools,
        seed=seed,
        years=tuple(country.years),
        seconds=round(time.perf_counter() - started, 2),
        coverage=coverage,
        rmse=rmse,
        flags=flags,
        pupil_sd=pupil_sd,
        passed=not failures,
        failures=tuple(failures),
    )


def _truth(country: generate.Country, item: Evidence) -> np.ndarray:
    return country.true_effects[item.measure][item.school_index[item.valid]]


def _share(covered: np.ndarray, school: np.ndarray) -> dict[str, float | int | None]:
    """Share covered, intervals, schools, and the share's standard error with a school's intervals
    counted together (a school's measures and years share its effects: they are not independent)."""
    if not covered.size:
        return {"share": None, "count": 0, "schools": 0, "se": None}
    share = float(covered.mean())
    _, ids = np.unique(school, return_inverse=True)
    per_school = np.bincount(ids, weights=covered - share)
    se = float(np.sqrt(np.sum(per_school**2)) / covered.size)
    return {
        "share": round(share, 4),
        "count": int(covered.size),
        "schools": int(ids.max() + 1),
        "se": round(se, 5),
    }


def _coverage(country: generate.Country, items: list[Evidence]) -> dict[str, object]:
    covered, band, phase, school = [], [], [], []
    for item in items:
        truth = _truth(country, item)
        covered.append((item.lower[item.valid] <= truth) & (truth <= item.upper[item.valid]))
        band.append(np.asarray(BANDS)[cohort_band(item.cohort[item.valid])])
        phase.append(country.phase[item.school_index[item.valid]])
        school.append(item.school_index[item.valid])
    hit = np.concatenate(covered) if covered else np.zeros(0, dtype=bool)
    bands = np.concatenate(band) if band else np.zeros(0, dtype=str)
    phases = np.concatenate(phase) if phase else np.zeros(0, dtype=str)
    schools = np.concatenate(school) if school else np.zeros(0, dtype=np.int64)
    return {
        "overall": _share(hit, schools),
        "bands": {label: _share(hit[bands == label], schools[bands == label]) for label in BANDS},
        "phases": {
            str(label): _share(hit[phases == label], schools[phases == label]) for label in np.unique(phases)
        },
    }


def _rmse(country: generate.Country, items: list[Evidence]) -> dict[str, float]:
    """RMSE of shrunk and raw estimates, each measure in units of its true between-school SD."""
    shrunk, raw = [], []
    for item in items:
        if not item.valid.any():
            continue
        truth = _truth(country, item)
        scale = generate.TRUE_EFFECT_SD[item.measure]
        shrunk.append((item.shrunk[item.valid] - truth) / scale)
        raw.append((item.effect[item.valid] - truth) / scale)
    return {
        "shrunk": round(float(np.sqrt(np.mean(np.concatenate(shrunk) ** 2))), 4),
        "raw": round(float(np.sqrt(np.mean(np.concatenate(raw) ** 2))), 4),
    }


def _flags(country: generate.Country, items: list[Evidence]) -> dict[str, float | int]:
    """How many strengths and needs were flagged, and the share of each on the right side of 0."""
    better = np.concatenate([item.sign * _truth(country, item) for item in items])
    verdict = np.concatenate([item.verdict[item.valid] for item in items])
    strengths, needs = verdict == STRENGTH, verdict == NEED
    return {
        "strengths": int(strengths.sum()),
        "needs": int(needs.sum()),
        "strengths_true": round(float(np.mean(better[strengths] > 0)), 4) if strengths.any() else 1.0,
        "needs_true": round(float(np.mean(better[needs] < 0)), 4) if needs.any() else 1.0,
    }


def _failures(coverage: dict, rmse: dict, flags: dict) -> list[str]:
    """What misses its target, in words (English: the figures are the record, pages translate around them)."""
    low, high = COVERAGE_RANGE
    failures: list[str] = []
    for which, groups in coverage.items():
        checked = [("overall", groups["overall"])]
        checked += [(f"cohort {k}", v) for k, v in groups["bands"].items()]
        checked += [(k, v) for k, v in groups["phases"].items()]
        top = 1.0 if which == "without verdicts" else high
        for label, figure in checked:
            if figure["count"] >= STRICT_COUNT and not low <= figure["share"] <= top:
                failures.append(f"{which} coverage {label}: {figure['share']:.3f}")
    for which, pair in rmse.items():
        if pair["shrunk"] >= pair["raw"]:
            failures.append(f"{which} shrunk RMSE {pair['shrunk']} not below raw {pair['raw']}")
    for kind in ("strengths", "needs"):
        if flags[f"{kind}_true"] < FLAGS_TRUE_AT_LEAST:
            failures.append(f"{kind} true: {flags[f'{kind}_true']:.3f}")
    return failures
