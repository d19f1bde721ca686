"""The outcome effect of a national programme: every network's effect and the programme's, printed as JSON.

Issue #25's speed bar: a programme of 3,500 networks over 38,000 schools and 6 years estimated in
under 60 s. The country is `engine.impact.planted_programme` (context drives level, trend and who
joins; staggered joining years; effects differing by school and growing with time): 92% of the schools
join in years 1-5 in networks of about 10, the rest never join.

Measured (median of --runs): fitting the control regressions of every cohort-year once
(`ImpactPanel(...)`), then each network's estimate with its event study and pre-trend check, then the
programme's; wall and CPU seconds; peak memory (max RSS). Generation is untimed.
Same-run baseline, interleaved: a two-way fixed-effects regression of the same panel (school and year
effects, one treatment dummy; the estimator this one replaces) by alternating projections — one
number for the whole programme, no per-network answer, no event study, no standard error.

    .venv/bin/python benchmarks/bench_impact.py [--runs 3] [--schools 38000] [--years 6]
"""

import argparse
import json
import os
import resource
import statistics
import sys
import time
from pathlib import Path

import numpy as np

from kindred.engine.impact import ESTIMATED, NEVER, ImpactPanel, planted_programme


def twfe_baseline(values: np.ndarray, joined: np.ndarray) -> float:
    """Two-way fixed effects by alternating demeaning (school, then year) on observed cells."""
    observed = np.isfinite(values)
    y = np.where(observed, values, 0.0)
    d = (np.arange(values.shape[1])[None, :] >= joined[:, None]).astype(float) * observed
    for _ in range(50):
        for axis in (1, 0):
            count = observed.sum(axis=axis, keepdims=True).clip(min=1)
            y = (y - y.sum(axis=axis, keepdims=True) / count) * observed
            d = (d - d.sum(axis=axis, keepdims=True) / count) * observed
    return float((d * y).sum() / (d * d).sum())


def measured(programme) -> dict:
    started, cpu = time.perf_counter(), time.process_time()
    panel = ImpactPanel(programme.panel.values, programme.panel.joined, programme.context)
    fitted = time.perf_counter() - started
    order = np.argsort(programme.unit, kind="stable")
    units = programme.unit[order]
    bounds = np.flatnonzero(np.diff(units)) + 1
    estimated = too_few = pre_trend_failed = 0
    for members in np.split(order, bounds):
        if programme.unit[members[0]] < 0:
            continue
        estimate = panel.estimate(members)
        estimated += estimate.outcome == ESTIMATED
        too_few += estimate.outcome != ESTIMATED
        pre_trend_failed += estimate.pre_trend_failed
    overall = panel.estimate()
    return {
        "seconds": time.perf_counter() - started,
        "cpu_seconds": time.process_time() - cpu,
        "control_fits_seconds": fitted,
        "networks_estimated": estimated,
        "networks_too_few": too_few,
        "networks_failing_pre_trend": pre_trend_failed,
        "programme_effect": [overall.overall.effect, overall.overall.lower, overall.overall.upper],
        "planted_effect": programme.truth,
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--schools", type=int, default=38_000)
    parser.add_argument("--years", type=int, default=6)
    arguments = parser.parse_args()
    generated = time.perf_counter()
    programme = planted_programme(
        np.random.default_rng(2026),
        schools=arguments.schools,
        years=arguments.years,
        share_joining=0.92,
        unit_size=10,
    )
    generated = time.perf_counter() - generated
    runs, baselines = [], []
    for _ in range(arguments.runs):
        started = time.perf_counter()
        twfe = twfe_baseline(programme.panel.values, programme.panel.joined)
        baselines.append(time.perf_counter() - started)
        runs.append(measured(programme))
    seconds = statistics.median(r["seconds"] for r in runs)
    baseline = statistics.median(baselines)
    result = {
        "schools": arguments.schools,
        "years": arguments.years,
        "networks": int(programme.unit.max() + 1),
        "joined": int((programme.panel.joined != NEVER).sum()),
        "generation_seconds_untimed": round(generated, 2),
        "seconds_median": round(seconds, 2),
        "seconds_runs": [round(r["seconds"], 2) for r in runs],
        "cpu_seconds_median": round(statistics.median(r["cpu_seconds"] for r in runs), 2),
        "control_fits_seconds_median": round(statistics.median(r["control_fits_seconds"] for r in runs), 2),
        "baseline_twfe_seconds_median": round(baseline, 2),
        "ratio_to_baseline": round(seconds / baseline, 1),
        "twfe_effect": round(twfe, 3),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "load_average": [round(x, 1) for x in os.getloadavg()],
        **{k: v for k, v in runs[-1].items() if k not in ("seconds", "cpu_seconds", "control_fits_seconds")},
    }
    print(json.dumps(result, indent=2))
    out = Path(__file__).parent / "results" / "bench_impact.json"
    out.write_text(json.dumps(result, indent=2) + "\n")
    sys.exit(0 if seconds < 60 else 1)


if __name__ == "__main__":
    main()
