"""Which exact min-cost-flow solver for kindred/engine/flow.py: OR-Tools or scipy's HiGHS; printed as JSON.

The min-cost flows are the ones brokering and formation really solve: each benchmark's problem is run
once through the engine with `flow.solve` recording its arguments (the recorder calls the real solver
and changes nothing), then every recorded flow is solved again by each solver, interleaved, `--runs`
times:

- **ortools**: OR-Tools' SimpleMinCostFlow (network simplex / cost scaling in C++), what flow.py used;
- **highs-ds**, **highs**: the same flow as a linear programme (node balances as equalities, arc
  capacities as bounds) through `scipy.optimize.linprog` with HiGHS' dual simplex, and HiGHS'
  own choice of method. The node-arc incidence matrix is totally unimodular, so a basic optimum
  is integral; each solver's cost must equal OR-Tools'.

Cases (the benchmarks' own data, benchmarks/bench_brokering.py and bench_formation.py):
brokering 5,000 needs × 5,000 supporters of the English primary schools, every solve of its column
generation; formation of `--schools` generated national locations (default 38,000 into 3,500 networks)
and of the 16,355 English primary schools, every solve of the alternating rounds.

    .venv/bin/python benchmarks/bench_flow_solvers.py [--runs 3] [--schools 38000] [--networks 3500] [--skip-england]
"""

import argparse
import json
import os
import statistics
import sys
import time

import numpy as np
from bench_brokering import case, england
from bench_formation import england_primary, national_locations
from scipy.optimize import linprog
from scipy.sparse import coo_array

from kindred.engine import brokering, flow, formation

try:
    from ortools.graph.python import min_cost_flow
except ImportError:  # pragma: no cover - the comparison needs it (the `bench` extra)
    min_cost_flow = None


def ortools_solve(n_nodes, tail, head, capacity, cost, supply):
    solver = min_cost_flow.SimpleMinCostFlow()
    solver.add_arcs_with_capacity_and_unit_cost(
        tail.astype(np.int32), head.astype(np.int32), capacity.astype(np.int64), cost.astype(np.int64)
    )
    solver.set_nodes_supplies(np.arange(n_nodes, dtype=np.int32), supply.astype(np.int64))
    if solver.solve() != solver.OPTIMAL:
        raise RuntimeError("OR-Tools did not find the optimum")
    return np.asarray(solver.flows(np.arange(len(tail), dtype=np.int32)), dtype=np.int64)


def highs_solve(method):
    def solve(n_nodes, tail, head, capacity, cost, supply):
        arcs = np.arange(len(tail))
        balance = coo_array(
            (np.r_[np.ones(len(tail)), -np.ones(len(tail))], (np.r_[tail, head], np.r_[arcs, arcs])),
            shape=(n_nodes, len(tail)),
        ).tocsr()
        bounds = np.column_stack([np.zeros(len(tail)), capacity.astype(float)])
        result = linprog(
            cost.astype(float), A_eq=balance, b_eq=supply.astype(float), bounds=bounds, method=method
        )
        if result.status != 0:
            raise RuntimeError(f"HiGHS ({method}) stopped: {result.message}")
        return np.rint(result.x).astype(np.int64)

    return solve


SOLVERS = {"ortools": ortools_solve, "highs-ds": highs_solve("highs-ds"), "highs": highs_solve("highs")}


def recorded(run) -> list[tuple]:
    """The flows `run()` hands to flow.solve, each as its arguments."""
    found: list[tuple] = []
    real = flow.solve

    def recording(*args):
        found.append(tuple(np.array(a, copy=True) if isinstance(a, np.ndarray) else a for a in args))
        return real(*args)

    flow.solve = recording
    try:
        run()
    finally:
        flow.solve = real
    return found


def compare(name: str, flows: list[tuple], runs: int) -> dict:
    seconds: dict[str, list[float]] = {s: [] for s in SOLVERS}
    costs: dict[str, list[int]] = {s: [] for s in SOLVERS}
    for run in range(runs):
        for solver, solve in SOLVERS.items():
            started = time.perf_counter()
            answers = [solve(*args) for args in flows]
            seconds[solver].append(time.perf_counter() - started)
            costs[solver] = [int((x * args[4]).sum()) for x, args in zip(answers, flows, strict=True)]
        print(
            f"{name} run {run + 1}: " + ", ".join(f"{s} {v[-1]:.2f} s" for s, v in seconds.items()),
            file=sys.stderr,
        )
    median = {s: round(statistics.median(v), 3) for s, v in seconds.items()}
    return {
        "flows": len(flows),
        "largest_flow_arcs": max(len(args[1]) for args in flows),
        "largest_flow_nodes": max(args[0] for args in flows),
        "median_s_all_flows": median,
        "runs_s": {s: [round(x, 3) for x in v] for s, v in seconds.items()},
        "same_optimum_as_ortools": {s: costs[s] == costs["ortools"] for s in SOLVERS},
        "ratio_to_ortools": {s: round(median[s] / median["ortools"], 2) for s in SOLVERS},
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--schools", type=int, default=38_000)
    parser.add_argument("--networks", type=int, default=3_500)
    parser.add_argument(
        "--skip-england", action="store_true", help="Leave out formation of England's primaries."
    )
    args = parser.parse_args()
    if min_cost_flow is None:
        raise SystemExit("OR-Tools is the baseline here: install the bench extra (requirements/all.txt)")
    out: dict = {"cpus": os.cpu_count(), "load_average_at_start": os.getloadavg(), "runs": args.runs}

    schools, needs, supporters = case(england(), 5000, 5000)
    brokering_flows = recorded(lambda: brokering.broker(schools, needs, supporters))
    out["brokering_5000x5000"] = compare("brokering", brokering_flows, args.runs)

    if not args.skip_england:
        lat, lon = england_primary()
        low, high = formation.network_count_range(len(lat), 8, 15)
        k = int(np.clip(round(len(lat) / 11.5), low, high))
        england_flows = recorded(
            lambda: formation.form_networks(lat, lon, min_size=8, max_size=15, n_networks=k)
        )
        out["formation_england_primary"] = compare("formation england", england_flows, args.runs)

    lat, lon = national_locations(args.schools)
    national_flows = recorded(
        lambda: formation.form_networks(lat, lon, min_size=8, max_size=15, n_networks=args.networks)
    )
    out[f"formation_national_{args.schools}"] = compare("formation national", national_flows, args.runs)
    out["load_average_at_end"] = os.getloadavg()
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
