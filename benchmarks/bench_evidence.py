"""Speed and accuracy of the evidence engine on a national-scale generated country, printed as JSON.

Generates a country (default 38,000 schools, three years), then times, as the median of several runs:
families (k = 20, fitted weights), relative performance for every measure-year, pooling the years,
derived categories and a good-practice search. The generator has nine outcome measures; a tenth,
covering every school (like a self-evaluation score), is planted here with its own truth so that the
run is 10 measures x 3 years. Then it checks the proof statistics against the planted truth.

Same-run baselines (the machine is shared, so absolute times drift), interleaved with the measured
runs (baseline, measured, baseline, measured, ...):
- families against a brute-force nearest-neighbour search on the same weighted standardised context:
  scipy.spatial.distance.cdist per phase, in chunks of rows, then argpartition. It also checks that
  the k-d tree found the same families (same distances; same members except where distances tie);
- relative performance against a plain OLS fit (numpy.linalg.lstsq) of every measure-year on the same
  rows: intercept, context (missing values filled with the column mean) and phase dummies.
The JSON gives the median of each, and the ratio measured / baseline.

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
from scipy.spatial.distance import cdist

from kindred.engine import generate
from kindred.engine.categories import derive_categories
from kindred.engine.families import Families, context_matrix, families, fit_weights, standardise
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


def timed_against(
    function: Callable[[], T], baseline: Callable[[], object], runs: int
) -> tuple[float, float, T]:
    """Median wall times of `function` and of `baseline`, run in turn (baseline first), and the last result."""
    times, base = [], []
    for _ in range(max(1, runs)):
        started = time.perf_counter()
        baseline()
        base.append(time.perf_counter() - started)
        started = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - started)
    return statistics.median(times), statistics.median(base), result


def brute_force_families(
    context: np.ndarray, groups: np.ndarray, weights: np.ndarray, k: int, chunk: int = 2_000
) -> tuple[np.ndarray, np.ndarray]:
    """Each row's k nearest other rows of its group by exhaustive distances (cdist); (members, distances)."""
    z, _ = standardise(context, groups)
    scaled = z * weights
    n = scaled.shape[0]
    members = np.full((n, k), -1, dtype=np.int64)
    distances = np.full((n, k), np.inf)
    for group in np.unique(groups):
        pool = np.flatnonzero(groups == group)
        found = min(k, pool.size - 1)
        for start in range(0, pool.size, chunk):
            rows = pool[start : start + chunk]
            d = cdist(scaled[rows], scaled[pool])
            d[np.arange(rows.size), np.arange(start, start + rows.size)] = np.inf  # not its own neighbour
            nearest = np.argpartition(d, found - 1, axis=1)[:, :found]
            near_d = np.take_along_axis(d, nearest, axis=1)
            order = np.argsort(near_d, axis=1, kind="stable")
            members[rows, :found] = pool[np.take_along_axis(nearest, order, axis=1)]
            distances[rows, :found] = np.take_along_axis(near_d, order, axis=1)
    return members, distances


def families_agreement(tree: Families, brute: tuple[np.ndarray, np.ndarray]) -> dict[str, object]:
    """How far the k-d tree's families match the brute-force ones."""
    members, distances = brute
    both = np.isfinite(tree.distances) & np.isfinite(distances)
    gap = np.abs(tree.distances[both] - distances[both])
    same_set = np.array(
        [set(a.tolist()) == set(b.tolist()) for a, b in zip(tree.members, members, strict=True)]
    )
    # A differing member is only acceptable when it ties in distance with the one it replaced.
    return {
        "max_distance_difference": float(gap.max()) if gap.size else 0.0,
        "schools_with_identical_members": int(same_set.sum()),
        "schools_with_different_members": int((~same_set).sum()),
        "same_distances_so_any_difference_is_a_tie": bool(
            np.allclose(tree.distances, distances, rtol=0, atol=1e-9)
        ),
    }


def ols_baseline(series: list[Series], context: np.ndarray, phase: np.ndarray) -> list[np.ndarray]:
    """A plain least-squares fit of every measure-year on intercept, context and phase dummies."""
    filled = np.where(np.isfinite(context), context, np.nanmean(context, axis=0))
    labels, phase_id = np.unique(phase, return_inverse=True)
    dummies = (phase_id[:, None] == np.arange(1, labels.size)[None, :]).astype(float)
    design_all = np.column_stack([np.ones(context.shape[0]), filled, dummies])
    coefficients = []
    for item in series:
        valid = np.isfinite(item.value)
        design = design_all[item.school_index[valid]]
        beta, *_ = np.linalg.lstsq(design, item.value[valid], rcond=None)
        coefficients.append(beta)
    return coefficients


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

    brute: dict[str, tuple[np.ndarray, np.ndarray]] = {}

    def brute_force() -> None:
        brute["last"] = brute_force_families(context, country.phase, fit.weights, k=20)

    families_seconds, brute_force_seconds, found = timed_against(
        lambda: families(context, groups=country.phase, k=20, weights=fit.weights), brute_force, args.runs
    )
    agreement = families_agreement(found, brute.pop("last"))
    performance_seconds, ols_seconds, yearly = timed_against(
        lambda: relative_performance_table(
            series,
            context=context,
            groups=country.phase,
            higher_is_better=higher_is_better,
            pupil_sd=pupil_sd,
        ),
        lambda: ols_baseline(series, context, country.phase),
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
        "baselines": {
            "families_k20": "brute-force k nearest neighbours: scipy.spatial.distance.cdist per phase in "
            "chunks of 2,000 rows, argpartition, on the same weighted standardised context",
            "relative_performance_all_measure_years": "plain OLS (numpy.linalg.lstsq) of every "
            "measure-year on intercept, context (missing filled with the column mean) and phase dummies",
        },
        "baseline_seconds": {
            "families_k20": round(brute_force_seconds, 3),
            "relative_performance_all_measure_years": round(ols_seconds, 3),
        },
        "ratio_to_baseline": {
            "families_k20": round(families_seconds / brute_force_seconds, 3),
            "relative_performance_all_measure_years": round(performance_seconds / ols_seconds, 3),
        },
        "families_match_brute_force": agreement,
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
