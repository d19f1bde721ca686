"""Brokering 5,000 needs × 5,000 supporters, capacity 3, proven within 0.1% of optimal; printed as JSON.

Real schools, not generated ones: the 16,355 primary schools of ../shared/data/england-2019/ with
their KS2 progress in reading, writing and maths (england_ks2final.csv), their local authority and
intake (england_census.csv: % free school meals, % additional language, % special needs).
Needs: the 5,000 lowest (school, domain) progress scores. Supporters: 5,000 other schools with the
highest mean progress, each strong in a domain where its progress is at least +1 (its z: the
progress score), capacity 3. Weights are the engine's defaults.

Measured: `broker()` end to end (costs of all 25 million pairs, candidates, flow, pricing every
pair until none improves, the lower bound), median of several runs; the gap it proves.
Same-run baseline, interleaved: an exact solve of the same problem over **all** pairs with no
column generation — scipy's `linear_sum_assignment` on the 5,000 × 15,000 matrix where each
supporter appears three times (capacity 3). Its optimum must equal brokering's cost.

    .venv/bin/python benchmarks/bench_brokering.py [--runs 3] [--needs 5000] [--supporters 5000]
"""

import argparse
import csv
import json
import os
import statistics
import sys
import time
import warnings
from pathlib import Path

import numpy as np
from scipy.optimize import linear_sum_assignment

from kindred.engine.brokering import (
    NOT_ELIGIBLE,
    SCALE,
    Needs,
    Schools,
    Supporters,
    Weights,
    broker,
    pair_costs,
)
from kindred.engine.travel import GreatCircle

DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "england-2019"
DOMAINS = ["READPROG", "WRITPROG", "MATPROG"]
CONTEXT = ["PNUMFSMEVER", "PNUMEAL", "PSENELK"]


def number(text: str) -> float:
    try:
        return float(text.rstrip("%"))
    except ValueError:
        return np.nan


def england() -> dict[str, np.ndarray]:
    census = {}
    with (DATA / "england_census.csv").open(encoding="utf-8-sig", newline="") as stream:
        for row in csv.DictReader(stream):
            census[row["URN"]] = row
    rows = []
    with (DATA / "england_ks2final.csv").open(encoding="utf-8-sig", newline="") as stream:
        for row in csv.DictReader(stream):
            lat, lon = number(row["LATITUDE"]), number(row["LONGITUDE"])
            if np.isnan(lat) or np.isnan(lon):
                continue
            extra = census.get(row["URN"], {})
            rows.append(
                (
                    lat,
                    lon,
                    int(extra.get("LA", "-1") or -1) if extra.get("LA", "").isdigit() else -1,
                    [number(row[d]) for d in DOMAINS],
                    [number(extra.get(c, "")) for c in CONTEXT],
                )
            )
    context = np.array([r[4] for r in rows])
    context = (context - np.nanmean(context, 0)) / np.nanstd(context, 0)
    return {
        "latitude": np.array([r[0] for r in rows]),
        "longitude": np.array([r[1] for r in rows]),
        "authority": np.array([r[2] for r in rows]),
        "progress": np.array([r[3] for r in rows]),
        "context": np.nan_to_num(context),
    }


def case(data, n_needs: int, n_supporters: int):
    progress = data["progress"]
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # schools with every score suppressed
        mean = np.nanmean(progress, axis=1)
    order = np.argsort(np.nan_to_num(-mean, nan=np.inf))
    supporter_school = order[:n_supporters]
    strength = progress[supporter_school]
    strength = np.where(strength >= 1.0, strength, np.nan)
    others = np.setdiff1d(np.arange(len(progress)), supporter_school)
    flat = np.where(np.isnan(progress[others]), np.inf, progress[others]).ravel()
    lowest = np.argsort(flat)[:n_needs]
    schools = Schools(data["latitude"], data["longitude"], data["authority"], data["context"])
    needs = Needs(school=others[lowest // len(DOMAINS)], domain=lowest % len(DOMAINS))
    supporters = Supporters(school=supporter_school, capacity=np.full(n_supporters, 3), strength=strength)
    return schools, needs, supporters


def exact_baseline(schools, needs, supporters):
    started = time.perf_counter()
    cost = pair_costs(schools, needs, supporters, weights=Weights(), travel=GreatCircle())
    expanded = np.repeat(np.where(cost == NOT_ELIGIBLE, 10**9, cost).astype(np.float64), 3, axis=1)
    rows, cols = linear_sum_assignment(expanded)
    total = expanded[rows, cols].sum()
    return time.perf_counter() - started, total / SCALE, bool((expanded[rows, cols] < 10**9).all())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--needs", type=int, default=5000)
    parser.add_argument("--supporters", type=int, default=5000)
    args = parser.parse_args()
    load_start = os.getloadavg()
    schools, needs, supporters = case(england(), args.needs, args.supporters)
    ours, base, ours_cpu, base_cpu = [], [], [], []
    result = None
    baseline_cost = None
    for run in range(args.runs):
        cpu = time.process_time()
        seconds, baseline_cost, all_met = exact_baseline(schools, needs, supporters)
        base_cpu.append(time.process_time() - cpu)
        base.append(seconds)
        started, cpu = time.perf_counter(), time.process_time()
        result = broker(schools, needs, supporters)
        ours.append(time.perf_counter() - started)
        ours_cpu.append(time.process_time() - cpu)
        print(
            f"run {run + 1}: brokering {ours[-1]:.2f} s (gap {result.gap:.2e}), exact baseline {seconds:.2f} s",
            file=sys.stderr,
        )
    load = result.proposals and np.bincount(
        [p.supporter for p in result.proposals], minlength=args.supporters
    )
    print(
        json.dumps(
            {
                "cpus": os.cpu_count(),
                "load_average_at_start": load_start,
                "needs": args.needs,
                "supporters": args.supporters,
                "capacity": 3,
                "eligible_pairs": result.pairs_eligible,
                "runs": args.runs,
                "brokering_median_s": round(statistics.median(ours), 2),
                "brokering_runs_s": [round(s, 2) for s in ours],
                "brokering_cpu_median_s": round(statistics.median(ours_cpu), 2),
                "baseline_cpu_median_s": round(statistics.median(base_cpu), 2),
                "stages_last_run_s": {k: round(v, 2) for k, v in result.stats.items()},
                "cost": result.cost,
                "lower_bound": result.lower_bound,
                "gap": result.gap,
                "solves": result.rounds,
                "pairs_in_last_solve": result.pairs_solved,
                "unmet": int(result.unmet.sum()),
                "largest_load": int(load.max()),
                "baseline_exact_all_pairs_median_s": round(statistics.median(base), 2),
                "baseline_cost": float(baseline_cost),
                "baseline_meets_every_need": all_met,
                "same_optimum": bool(abs(baseline_cost - result.cost) < 1e-6),
                "ratio_brokering_to_baseline": round(statistics.median(ours) / statistics.median(base), 3),
                "load_average_at_end": os.getloadavg(),
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
