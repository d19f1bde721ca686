"""The small phases of the hard country over many seeds: is their miss the method's, or one draw's?

A phase of 30-130 schools (middle schools, alternative provision) has one expected value's error for
all its schools (its recalibration, its slopes, what the model misses there): on one seed its coverage
is one draw of that error, and the binomial or by-school standard error of the coverage leaves that
draw out. This runs the engine as a recompute would (`evidence_decompose.py`'s configuration) on many
seeds, only on the measures asked for (the fit is still over every phase with the measure), and gives
per seed and per phase the coverage of the 95% intervals, single years and pooled, and per measure
and phase the realised error of the expected value against what the interval carries for it, and the
between-school variance fitted against the planted one. Then the mean and spread over the seeds.

    .venv/bin/python benchmarks/evidence_small_phases.py [--seeds 1 2 3 4 5] [--schools 8000]
        [--measures ks2_maths_progress absence_pct ...]
"""

import argparse
import json
import sys
import time
from dataclasses import replace

import numpy as np

from kindred.engine import generate
from kindred.engine.cohorts import approximate_cohort
from kindred.engine.families import context_matrix
from kindred.engine.performance import STRUCTURAL_FEATURES, pool_years, relative_performance_table

sys.path.insert(0, "benchmarks")
from evidence_hard_country import models


def run(seed: int, n_schools: int, measures: tuple[str, ...]) -> dict[str, object]:
    country = generate.generate_country(n_schools=n_schools, seed=seed, hard=True)
    features = [*sorted(country.context), *sorted(STRUCTURAL_FEATURES)]
    context = context_matrix(country.context, pupils=country.pupils, urban=country.urban, features=features)
    series, truth_context = [], {}
    for item in country.outcomes:
        if item.measure not in measures:
            continue
        what = item.expected - np.nan_to_num(country.true_effects[item.measure][item.school_index])
        truth_context.setdefault(item.measure, np.full(n_schools, np.nan))[item.school_index] = what
        if not item.cohort_published:
            rows = item.school_index
            whole = item.measure in generate.ABSENCE_MEASURES
            item = replace(
                item, cohort=approximate_cohort(country.pupils[rows], country.phase[rows], whole_school=whole)
            )
        series.append(item)
    started = time.process_time()
    yearly = relative_performance_table(
        series, context=context, feature_names=features, groups=country.phase, models=models(declared=True)
    )
    pooled = pool_years(yearly, n_schools=n_schools, groups=country.phase)
    cpu = time.process_time() - started
    out: dict[str, object] = {
        "cpu": round(cpu, 2),
        "models": {
            f"{item.measure} {item.year}": f"{item.expected_model}; tau^2 {item.tau2_model}"
            for item in yearly
            if item.verdicts
        },
    }
    for which, items in (("yearly", yearly), ("pooled", pooled)):
        phases: dict[str, list[float]] = {}
        cells: dict[str, dict[str, float]] = {}
        for item in items:
            if not item.verdicts:
                continue
            v = item.valid
            school = item.school_index[v]
            truth = country.true_effects[item.measure][school]
            d2 = (item.expected[v] - truth_context[item.measure][school]) ** 2
            b = item.shrinkage[v]
            noise = item.sampling_var[v] + item.prediction_var[v]
            tau2_fit = b * noise / np.maximum(1 - b, 1e-12)
            cover = (item.lower[v] <= truth) & (truth <= item.upper[v])
            phase = country.phase[school]
            for p in np.unique(phase):
                k = phase == p
                hit = phases.setdefault(str(p), [0, 0])
                hit[0] += int(cover[k].sum())
                hit[1] += int(k.sum())
                cell = cells.setdefault(
                    f"{item.measure} | {p}",
                    dict.fromkeys(("n", "cover", "d2", "pv", "tau2", "tau2_fit"), 0.0),
                )
                cell["n"] += int(k.sum())
                cell["cover"] += float(cover[k].sum())
                cell["d2"] += float(d2[k].sum())
                cell["pv"] += float(item.prediction_var[v][k].sum())
                cell["tau2"] += float((truth[k] ** 2).sum())
                cell["tau2_fit"] += float(tau2_fit[k].sum())
        out[which] = {
            "phases": {p: {"share": round(h[0] / h[1], 4), "count": h[1]} for p, h in sorted(phases.items())},
            "cells": {
                key: {"n": int(c["n"]), **{k: round(val / c["n"], 5) for k, val in c.items() if k != "n"}}
                for key, c in sorted(cells.items())
            },
        }
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3, 4, 5, 6, 7, 8])
    parser.add_argument("--schools", type=int, default=8000)
    parser.add_argument("--measures", nargs="+", default=list(generate.OUTCOME_MEASURES))
    args = parser.parse_args()
    report: dict[str, object] = {"schools": args.schools, "measures": args.measures, "seeds": {}}
    for seed in args.seeds:
        report["seeds"][seed] = run(seed, args.schools, tuple(args.measures))  # type: ignore[index]
        print(json.dumps({"seed": seed, "cpu": report["seeds"][seed]["cpu"]}), file=sys.stderr, flush=True)  # type: ignore[index]
    summary: dict[str, dict[str, object]] = {}
    for which in ("yearly", "pooled"):
        shares: dict[str, list[float]] = {}
        for seed_report in report["seeds"].values():  # type: ignore[union-attr]
            for phase, figure in seed_report[which]["phases"].items():
                shares.setdefault(phase, []).append(figure["share"])
        summary[which] = {
            phase: {
                "mean": round(float(np.mean(values)), 4),
                "sd over seeds": round(float(np.std(values, ddof=1)), 4) if len(values) > 1 else None,
                "min": min(values),
                "max": max(values),
            }
            for phase, values in sorted(shares.items())
        }
    report["summary"] = summary
    print(json.dumps(report, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
