"""Speed and accuracy of the evidence engine on a national-scale generated country, printed as JSON.

Generates a country (default 38,000 schools, three years), then times, as the median of several runs:
families (k = 20, fitted weights), relative performance for every measure-year, pooling the years,
derived categories and a good-practice search. The generator has nine outcome measures; a tenth,
covering every school (like a self-evaluation score), is planted here with its own truth so that the
run is 10 measures x 3 years. Then it checks the proof statistics against the planted truth.

    .venv/bin/python benchmarks/bench_evidence.py [--schools 38000] [--runs 5] [--seed 1]
"""

import argparse
import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

import numpy as np

from kindred.engine import generate
from kindred.engine.categories import derive_categories
from kindred.engine.families import context_matrix, families, fit_weights, standardise
from kindred.engine.good_practice import good_practice
from kindred.engine.performance import NEED, STRENGTH, Evidence, pool_years, relative_performance_table

T = TypeVar("T")
EXTRA_MEASURE = "all_schools_score"
EXTRA_PUPIL_SD = 10.0
EXTRA_EFFECT_SD = 1.5


@dataclass(frozen=True)
class Series:
    measure: str
    year: int
    school_index: np.ndarray
    value: np.ndarray
    cohort: np.ndarray


def timed(function: Callable[[], T], runs: int) -> tuple[float, T]:
    """Median wall time over `runs` calls, and the last result."""
    times = []
    for _ in range(max(1, runs)):
        started = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def extra_measure(
    country: generate.Country, context: np.ndarray, seed: int
) -> tuple[list[Series], np.ndarray]:
    """A measure every school has: linear in context + a planted effect + noise from the whole roll."""
    rng = np.random.default_rng(seed + 10_000)
    n = country.n_schools
    z, _ = standardise(context, np.zeros(n, dtype=np.int64))
    truth = rng.normal(0.0, EXTRA_EFFECT_SD, n)
    base = 50.0 + z @ rng.normal(0.0, 1.5, z.shape[1])
    series = []
    for year in country.years:
        cohort = np.maximum(1, rng.poisson(country.pupils))
        value = base + truth + rng.normal(size=n) * EXTRA_PUPIL_SD / np.sqrt(cohort)
        value[cohort < generate.SUPPRESS_BELOW] = np.nan
        series.append(Series(EXTRA_MEASURE, year, np.arange(n), value, cohort))
    return series, truth


def proof(results: list[Evidence], truth: dict[str, np.ndarray]) -> dict[str, object]:
    """RMSE (in between-school SDs), interval coverage and precision of verdicts against the truth."""
    raw, shrunk, covered, better, verdict = [], [], [], [], []
    by_measure: dict[str, list[np.ndarray]] = {}
    for item in results:
        t = truth[item.measure][item.school_index[item.valid]]
        scale = np.sqrt(item.tau2)
        raw.append((item.effect[item.valid] - t) / scale)
        shrunk.append((item.shrunk[item.valid] - t) / scale)
        covered.append((item.lower[item.valid] <= t) & (t <= item.upper[item.valid]))
        by_measure.setdefault(item.measure, []).append(covered[-1])
        better.append(item.sign * t)
        verdict.append(item.verdict[item.valid])
    b, v = np.concatenate(better), np.concatenate(verdict)
    return {
        "estimates": int(b.size),
        "rmse_raw_sd_units": round(float(np.sqrt(np.mean(np.concatenate(raw) ** 2))), 4),
        "rmse_shrunk_sd_units": round(float(np.sqrt(np.mean(np.concatenate(shrunk) ** 2))), 4),
        "coverage_95": round(float(np.mean(np.concatenate(covered))), 4),
        "flagged_strengths": int((v == STRENGTH).sum()),
        "flagged_strengths_truly_above": round(float(np.mean(b[v == STRENGTH] > 0)), 4),
        "flagged_needs": int((v == NEED).sum()),
        "flagged_needs_truly_below": round(float(np.mean(b[v == NEED] < 0)), 4),
        "coverage_95_by_measure": {
            m: round(float(np.mean(np.concatenate(c))), 3) for m, c in by_measure.items()
        },
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--schools", type=int, default=38_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)

    started = time.perf_counter()
    country = generate.generate_country(n_schools=args.schools, seed=args.seed)
    generate_seconds = time.perf_counter() - started
    context = context_matrix(country.context, pupils=country.pupils, urban=country.urban)
    extra, extra_truth = extra_measure(country, context, args.seed)
    series = [*country.outcomes, *extra]
    truth = {**country.true_effects, EXTRA_MEASURE: extra_truth}
    higher_is_better = {s.measure: s.measure not in generate.HIGHER_IS_WORSE for s in series}
    pupil_sd = {**generate.PUPIL_SD, EXTRA_MEASURE: EXTRA_PUPIL_SD}

    # weights: fitted once on the first year's results (a setup step, timed on its own)
    first = country.years[0]
    outcome_table = np.full((country.n_schools, len(higher_is_better)), np.nan)
    for j, measure in enumerate(higher_is_better):
        item = next(s for s in series if s.measure == measure and s.year == first)
        outcome_table[item.school_index, j] = item.value
    started = time.perf_counter()
    fit = fit_weights(context, outcome_table, groups=country.phase, k=20)
    fit_seconds = time.perf_counter() - started

    families_seconds, found = timed(
        lambda: families(context, groups=country.phase, k=20, weights=fit.weights), args.runs
    )
    performance_seconds, yearly = timed(
        lambda: relative_performance_table(
            series,
            context=context,
            groups=country.phase,
            higher_is_better=higher_is_better,
            pupil_sd=pupil_sd,
        ),
        args.runs,
    )
    pool_seconds, pooled = timed(lambda: pool_years(yearly, n_schools=country.n_schools), args.runs)
    categories_seconds, _ = timed(lambda: derive_categories(pooled, n_schools=country.n_schools), args.runs)
    reading = [item for item in pooled if item.measure == "ks2_reading_progress"]
    start_school = int(np.flatnonzero(country.phase == "primary")[0])
    good_practice_seconds, found_practice = timed(
        lambda: good_practice(
            reading,
            n_schools=country.n_schools,
            phase=country.phase,
            phases={"primary"},
            latitude=country.latitude,
            longitude=country.longitude,
            local_authority=country.local_authority,
            from_school=start_school,
            max_km=30.0,
        ),
        args.runs,
    )

    measure_years = len(series)
    report = {
        "schools": country.n_schools,
        "measures": len(higher_is_better),
        "years": list(country.years),
        "measure_years": measure_years,
        "estimates": int(sum(item.valid.sum() for item in yearly)),
        "cpu_count": os.cpu_count(),
        "runs": args.runs,
        "seconds": {
            "generate_country": round(generate_seconds, 3),
            "fit_weights_once": round(fit_seconds, 3),
            "families_k20": round(families_seconds, 3),
            "relative_performance_all_measure_years": round(performance_seconds, 3),
            "pool_years": round(pool_seconds, 3),
            "derive_categories": round(categories_seconds, 3),
            "good_practice_search": round(good_practice_seconds, 4),
        },
        "targets_met": {
            "families_under_3s": families_seconds < 3.0,
            "relative_performance_under_10s": performance_seconds < 10.0,
        },
        "fitted_weights": dict(
            zip(
                ("fsm", "eal", "sen_support", "sen_ehcp", "prior", "log_pupils", "urban"),
                [round(float(w), 3) for w in fit.weights],
                strict=True,
            )
        ),
        "family_loo_mse_fitted_vs_equal_weights": [round(fit.loo_mse, 4), round(fit.equal_weights_mse, 4)],
        "families_found": int((found.members >= 0).all(axis=1).sum()),
        "good_practice_within_30km_of_one_school": int(found_practice.schools.size),
        "proof_single_year": proof(yearly, truth),
        "proof_pooled_years": proof(pooled, truth),
    }
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
