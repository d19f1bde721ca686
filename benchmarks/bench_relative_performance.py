"""Time the relative-performance engine alone at national scale, against a same-run OLS baseline; prints JSON.

    .venv/bin/python benchmarks/bench_relative_performance.py [--schools 38000] [--runs 3]

The country is bench_evidence.py's: 38,000 generated schools, nine generated measures plus one planted
measure every school has, three years (30 measure-years). Each run times `relative_performance_table`
(the cross-fitted flexible expected value, the variance fits, shrinkage) and `pool_years`, right after
the baseline (a plain OLS fit of every measure-year, `bench_evidence.ols_baseline`), so the two see the
same load. Both wall and CPU seconds (time.process_time) are reported: on a shared machine the wall
time moves with other people's work, the CPU time much less. The engine runs with one BLAS thread of
its own accord (kindred/engine/blas.py); before it did, the figures here were taken with
OPENBLAS_NUM_THREADS=1, which production did not have.
"""

import argparse
import json
import os
import statistics
import sys
import time

from bench_evidence import EXTRA_MEASURE, EXTRA_PUPIL_SD, extra_measure, ols_baseline, proof

from kindred.engine import generate
from kindred.engine.families import context_matrix
from kindred.engine.performance import pool_years, relative_performance_table


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--schools", type=int, default=38_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)

    country = generate.generate_country(n_schools=args.schools, seed=args.seed)
    context = context_matrix(country.context, pupils=country.pupils, urban=country.urban)
    extra, extra_truth = extra_measure(country, context, args.seed)
    series = [*country.outcomes, *extra]
    truth = {**country.true_effects, EXTRA_MEASURE: extra_truth}
    higher_is_better = {s.measure: s.measure not in generate.HIGHER_IS_WORSE for s in series}
    pupil_sd = {**generate.PUPIL_SD, EXTRA_MEASURE: EXTRA_PUPIL_SD}

    wall, cpu, base_wall, base_cpu, pool_wall = [], [], [], [], []
    for run in range(args.runs):
        started, cpu_started = time.perf_counter(), time.process_time()
        ols_baseline(series, context, country.phase)
        base_wall.append(time.perf_counter() - started)
        base_cpu.append(time.process_time() - cpu_started)
        started, cpu_started = time.perf_counter(), time.process_time()
        yearly = relative_performance_table(
            series,
            context=context,
            groups=country.phase,
            higher_is_better=higher_is_better,
            pupil_sd=pupil_sd,
        )
        wall.append(time.perf_counter() - started)
        cpu.append(time.process_time() - cpu_started)
        started = time.perf_counter()
        pooled = pool_years(yearly, n_schools=country.n_schools)
        pool_wall.append(time.perf_counter() - started)
        print(
            json.dumps(
                {"run": run + 1, "engine_wall": wall[-1], "engine_cpu": cpu[-1], "ols_wall": base_wall[-1]}
            ),
            file=sys.stderr,
            flush=True,
        )

    def median(values: list[float]) -> float:
        return round(statistics.median(values), 3)

    report = {
        "schools": country.n_schools,
        "measure_years": len(series),
        "estimates": int(sum(item.valid.sum() for item in yearly)),
        "runs": args.runs,
        "cpu_count": os.cpu_count(),
        "openblas_num_threads": os.environ.get("OPENBLAS_NUM_THREADS", "default"),
        "load_average_at_end": os.getloadavg(),
        "median_seconds": {
            "relative_performance_wall": median(wall),
            "relative_performance_cpu": median(cpu),
            "pool_years_wall": median(pool_wall),
            "ols_baseline_wall": median(base_wall),
            "ols_baseline_cpu": median(base_cpu),
        },
        "runs_seconds": {
            "relative_performance_wall": wall,
            "relative_performance_cpu": cpu,
            "ols_baseline_wall": base_wall,
        },
        "ratio_to_baseline": {
            "wall": round(median(wall) / median(base_wall), 2),
            "cpu": round(median(cpu) / median(base_cpu), 2),
        },
        "expected_models_chosen": sorted({item.expected_model for item in yearly}),
        "proof_single_year": proof(yearly, truth),
        "proof_pooled_years": proof(pooled, truth),
    }
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
