"""Network formation at national scale and on every English primary school, printed as JSON.

1. **National**: 38,000 generated school locations into 3,500 networks of 8–15 (the Egyptian
   programme's scale): 400 towns with Pareto-distributed sizes (a few dense cities, many small
   towns), schools spread around each town in proportion to its size, plus 10% scattered rural schools. Each run is a child process, so its peak memory (max RSS: the interpreter,
   numpy, OR-Tools and the data) is measured alone. Checks: every school placed, every network in bounds.
2. **England primary**: the 16,355 primary schools of ../shared/data/england-2019/england_ks2final.csv
   (all have coordinates), one national run of 8–15 at the default number of networks. Compared with
   k-means-constrained (a benchmark-only dependency: the `bench` extra, requirements/all.txt) **with the same number of
   networks**, both partitions scored the same way: road km (great-circle × 1.3) from each school to
   its network's meeting point (the member with least total travel from the others).

Same-run baseline, interleaved with the measured runs: unconstrained k-means (scipy's kmeans2, 10
Lloyd iterations from k schools drawn at random; scipy's k-means++ start computes
distances to every chosen centre for each new one, hours at k = 3,500) with the same number of networks on the same points; it also shows
how many of naive k-means' clusters fall outside 8–15. k-means-constrained runs once (it takes minutes; `--kmc-labels FILE` keeps its labels and time so
later runs compare against the same partition).

    .venv/bin/python benchmarks/bench_formation.py [--runs 3] [--schools 38000] [--networks 3500] [--skip-kmc]
"""

import argparse
import csv
import json
import multiprocessing
import os
import resource
import statistics
import sys
import time
from pathlib import Path

import numpy as np
from scipy.cluster.vq import kmeans2

from kindred.engine import formation
from kindred.engine.travel import to_xyz

ROOT = Path(__file__).resolve().parent.parent
KS2 = ROOT.parent / "shared" / "data" / "england-2019" / "england_ks2final.csv"
KMC_MAX_ITER = 30  # k-means-constrained's default is 300; 30 already takes most of an hour on a busy machine


def england_primary() -> tuple[np.ndarray, np.ndarray]:
    lat, lon = [], []
    with KS2.open(encoding="utf-8-sig", newline="") as stream:
        for row in csv.DictReader(stream):
            try:
                lat.append(float(row["LATITUDE"]))
                lon.append(float(row["LONGITUDE"]))
            except ValueError:
                continue
    return np.array(lat), np.array(lon)


def national_locations(n: int, seed: int = 1) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    towns = 400
    centre = rng.uniform([22.0, 25.0], [31.5, 35.0], (towns, 2))  # latitude, longitude box
    weight = rng.pareto(1.1, towns) + 0.05
    rural = n // 10
    town = rng.choice(towns, n - rural, p=weight / weight.sum())
    spread = 0.02 + 0.08 * np.sqrt(weight / weight.max())
    points = centre[town] + rng.normal(size=(n - rural, 2)) * spread[town, None]
    scattered = rng.uniform([22.0, 25.0], [31.5, 35.0], (rural, 2))
    points = np.vstack([points, scattered])
    return points[:, 0], points[:, 1]


def _child(queue, lat, lon, k, min_size, max_size):
    started = time.perf_counter()
    cpu = time.process_time()
    result = formation.form_networks(lat, lon, min_size=min_size, max_size=max_size, n_networks=k)
    seconds = time.perf_counter() - started
    result.report.stages["cpu_s"] = time.process_time() - cpu
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    queue.put((seconds, rss_mb, result.labels, result.report))


def formed_in_child(lat, lon, k, min_size=8, max_size=15):
    queue = multiprocessing.get_context("fork").Queue()
    process = multiprocessing.get_context("fork").Process(
        target=_child, args=(queue, lat, lon, k, min_size, max_size)
    )
    process.start()
    outcome = queue.get()
    process.join()
    return outcome


def score(xyz, labels, k, min_size=8, max_size=15):
    """Quality of any partition, scored the same way (hosts = medoids, road km)."""
    hosts, _ = formation.medoids(xyz, labels, k)
    report = formation.quality_report(
        xyz, labels, hosts, min_size=min_size, max_size=max_size, detour=1.3, lower_bound_chord_km=0.0
    )
    sizes = np.bincount(labels, minlength=k)
    return {
        "travel_total_km": round(report.travel_total_km, 1),
        "travel_mean_km": round(report.travel_mean_km, 3),
        "travel_p95_km": round(report.travel_p95_km, 2),
        "travel_max_km": round(report.travel_max_km, 1),
        "sizes": [int(sizes.min()), int(sizes.max())],
        "networks_out_of_bounds": int(((sizes < min_size) | (sizes > max_size)).sum()),
    }


def naive_kmeans(xyz, k, seed):
    started = time.perf_counter()
    _, labels = kmeans2(xyz, k, iter=10, minit="points", seed=seed)
    return time.perf_counter() - started, labels


def report_of(report) -> dict:
    return {
        "networks": report.networks,
        "sizes": [report.smallest, report.largest],
        "all_in_bounds": report.sizes_in_bounds,
        "travel_total_km": round(report.travel_total_km, 1),
        "travel_mean_km": round(report.travel_mean_km, 3),
        "travel_p95_km": round(report.travel_p95_km, 2),
        "travel_max_km": round(report.travel_max_km, 1),
        "lower_bound_km": round(report.lower_bound_km, 1),
        "ratio_to_bound": round(report.ratio_to_bound, 3),
        "stages_s": {key: round(value, 2) for key, value in report.stages.items()},
    }


def run_case(name, lat, lon, k, runs):
    xyz = to_xyz(lat, lon)
    ours, baseline, rss, cpu = [], [], [], []
    last = None
    for run in range(runs):
        seconds, _labels = naive_kmeans(xyz, k, seed=run)
        baseline.append(seconds)
        naive_labels = _labels
        seconds, rss_mb, labels, report = formed_in_child(lat, lon, k)
        ours.append(seconds)
        cpu.append(report.stages["cpu_s"])
        rss.append(rss_mb)
        last = (labels, report)
        print(
            f"{name} run {run + 1}: formation {seconds:.2f} s ({rss_mb:.0f} MB), k-means {baseline[-1]:.2f} s",
            file=sys.stderr,
        )
    labels, report = last
    placed = int((labels >= 0).sum())
    return {
        "schools": len(lat),
        "networks": k,
        "runs": runs,
        "formation_median_s": round(statistics.median(ours), 2),
        "formation_runs_s": [round(s, 2) for s in ours],
        "formation_cpu_median_s": round(statistics.median(cpu), 2),
        "peak_rss_mb_max": round(max(rss)),
        "baseline_kmeans2_median_s": round(statistics.median(baseline), 2),
        "ratio_formation_to_baseline": round(statistics.median(ours) / statistics.median(baseline), 2),
        "every_school_placed": placed == len(lat),
        "report": report_of(report),
        "naive_kmeans_same_k": score(xyz, naive_labels, k),
    }, labels


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--schools", type=int, default=38_000)
    parser.add_argument("--networks", type=int, default=3_500)
    parser.add_argument("--skip-kmc", action="store_true", help="Do not run k-means-constrained.")
    parser.add_argument("--skip-national", action="store_true")
    parser.add_argument(
        "--kmc-labels",
        help="An .npz file keeping k-means-constrained's labels and time: read if it exists, written if not.",
    )
    args = parser.parse_args()
    out = {"cpus": os.cpu_count(), "load_average_at_start": os.getloadavg()}

    if not args.skip_national:
        lat, lon = national_locations(args.schools)
        out["national_generated"], _ = run_case("national", lat, lon, args.networks, args.runs)

    lat, lon = england_primary()
    low, high = formation.network_count_range(len(lat), 8, 15)
    k = int(np.clip(round(len(lat) / 11.5), low, high))
    england, _labels = run_case("england", lat, lon, k, args.runs)
    out["england_primary"] = england
    if not args.skip_kmc:
        xyz = to_xyz(lat, lon)
        cache = Path(args.kmc_labels) if args.kmc_labels else None
        if cache is not None and cache.exists():
            saved = np.load(cache)
            kmc_labels, kmc_seconds = saved["labels"].astype(np.int64), float(saved["seconds"])
        else:
            try:
                from k_means_constrained import KMeansConstrained
            except ImportError:
                kmc_labels = None
                out["england_primary"]["k_means_constrained"] = (
                    "not installed (pip install --require-hashes --no-deps -r requirements/all.txt)"
                )
            else:
                started = time.perf_counter()
                kmc = KMeansConstrained(
                    n_clusters=k, size_min=8, size_max=15, random_state=0, n_init=1, max_iter=KMC_MAX_ITER
                )
                kmc_labels = kmc.fit_predict(xyz)
                kmc_seconds = time.perf_counter() - started
                if cache is not None:
                    np.savez_compressed(cache, labels=kmc_labels.astype(np.int16), seconds=kmc_seconds)
        if kmc_labels is not None:
            kmc_score = score(xyz, kmc_labels, k)
            ours_total = england["report"]["travel_total_km"]
            out["england_primary"]["k_means_constrained"] = {
                "settings": f"n_init=1, max_iter={KMC_MAX_ITER}, random_state=0, on the same 3-D points",
                "seconds_one_run": round(kmc_seconds, 1),
                "labels_from_cache": bool(cache is not None and cache.exists()),
                **kmc_score,
                "ours_lower_by": round(1 - ours_total / kmc_score["travel_total_km"], 4),
            }
    out["load_average_at_end"] = os.getloadavg()
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
