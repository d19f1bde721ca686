"""Where the hard country's intervals miss, by phase and measure: the expected value's real error against
what the interval carries for it, and the between-school variance fitted against the planted one.

For each (measure, phase), single years and pooled: intervals, coverage (with its binomial SE), the
realised error of the expected value (mean of (expected - what context really does)^2: only a planted
country can give it), the prediction variance carried (sandwich p_i plus the model error added), the
planted and fitted between-school variance (fitted read back from the shrinkage), and the mean squared
standardised error of the interval ((shrunk - truth)^2 / posterior variance; 1 when calibrated).

    .venv/bin/python benchmarks/evidence_decompose.py [--seed 2] [--schools 8000]
"""

import argparse
import json
import sys
from dataclasses import replace

import numpy as np

from kindred.engine import generate
from kindred.engine.cohorts import approximate_cohort
from kindred.engine.families import context_matrix
from kindred.engine.performance import STRUCTURAL_FEATURES, pool_years, relative_performance_table

sys.path.insert(0, "benchmarks")
from evidence_hard_country import models


def run(seed: int, n_schools: int) -> dict[str, object]:
    country = generate.generate_country(n_schools=n_schools, seed=seed, hard=True)
    features = [*sorted(country.context), *sorted(STRUCTURAL_FEATURES)]
    context = context_matrix(country.context, pupils=country.pupils, urban=country.urban, features=features)
    series, truth_context = [], {}
    for item in country.outcomes:
        if item.expected is not None and item.measure in country.true_effects:
            what = item.expected - np.nan_to_num(country.true_effects[item.measure][item.school_index])
            full = truth_context.setdefault(item.measure, np.full(n_schools, np.nan))
            full[item.school_index] = what
        if not item.cohort_published:
            rows = item.school_index
            approximate = approximate_cohort(
                country.pupils[rows],
                country.phase[rows],
                whole_school=item.measure in generate.ABSENCE_MEASURES,
            )
            item = replace(item, cohort=approximate)
        series.append(item)
    yearly = relative_performance_table(
        series, context=context, feature_names=features, groups=country.phase, models=models(declared=True)
    )
    pooled = pool_years(yearly, n_schools=n_schools, groups=country.phase)
    out: dict[str, object] = {}
    for which, items in (("yearly", yearly), ("pooled", pooled)):
        rows: dict[str, dict[str, float]] = {}
        for item in items:
            if not item.verdicts or item.measure not in truth_context:
                continue
            v = item.valid
            school = item.school_index[v]
            truth = country.true_effects[item.measure][school]
            context_truth = truth_context[item.measure][school]
            phase = country.phase[school]
            d2 = (item.expected[v] - context_truth) ** 2
            noise = item.sampling_var[v] + item.prediction_var[v]
            b = item.shrinkage[v]
            tau2_fit = b * noise / np.maximum(1 - b, 1e-12)
            z2 = (item.shrunk[v] - truth) ** 2 / item.posterior_sd[v] ** 2
            cover = (item.lower[v] <= truth) & (truth <= item.upper[v])
            for p in np.unique(phase):
                k = phase == p
                key = f"{item.measure} | {p}"
                row = rows.setdefault(
                    key,
                    {
                        "n": 0,
                        "cover": 0.0,
                        "d2": 0.0,
                        "pv": 0.0,
                        "s2": 0.0,
                        "tau2": 0.0,
                        "tau2_fit": 0.0,
                        "z2": 0.0,
                        "r2": 0.0,
                        "d": 0.0,
                        "bias_shrunk": 0.0,
                    },
                )
                row["n"] += int(k.sum())
                row["cover"] += float(cover[k].sum())
                row["d2"] += float(d2[k].sum())
                row["pv"] += float(item.prediction_var[v][k].sum())
                row["s2"] += float(item.sampling_var[v][k].sum())
                row["tau2"] += float((truth[k] ** 2).sum())
                row["tau2_fit"] += float(tau2_fit[k].sum())
                row["z2"] += float(z2[k].sum())
                row["r2"] += float((item.effect[v][k] ** 2).sum())
                row["d"] += float((item.expected[v][k] - context_truth[k]).sum())
                row["bias_shrunk"] += float((item.shrunk[v][k] - truth[k]).sum())
                shared = item.model_error.get(f"shared {p}")
                if shared is not None:
                    row.setdefault("shared_measured", []).append(round(shared, 5))  # type: ignore[union-attr]
        table = {}
        for key, row in sorted(rows.items()):
            n = row.pop("n")
            shared = row.pop("shared_measured", None)
            means = {k: round(val / n, 5) for k, val in row.items()}
            means["n"] = n
            means["cover_se"] = round(float(np.sqrt(0.95 * 0.05 / n)), 4)
            if shared is not None:
                means["shared_measured"] = shared
            table[key] = means
        out[which] = table
    return out


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seed", type=int, default=2)
    parser.add_argument("--schools", type=int, default=8000)
    args = parser.parse_args()
    print(json.dumps(run(args.seed, args.schools), indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
