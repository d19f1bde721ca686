"""National brokering: every red and amber school's needs in a whole country, with its peak memory; JSON.

What `kindred broker --allow-unmet` runs (kindred.brokering.computing.broker_place: read the stored
evidence, cost every eligible pair, min-cost flow with pricing until the gap is proven), timed in a
child process per run so that the child's max RSS is that run's peak memory, on the database of
DATABASE_URL. Prepare it once (about ten minutes on SQLite; untimed):

    KINDRED_VAR_DIR=/tmp/country .venv/bin/kindred migrate
    KINDRED_VAR_DIR=/tmp/country .venv/bin/kindred generate --schools 38000 --seed 1
    KINDRED_VAR_DIR=/tmp/country .venv/bin/kindred families
    KINDRED_VAR_DIR=/tmp/country .venv/bin/kindred performance
    KINDRED_VAR_DIR=/tmp/country .venv/bin/python benchmarks/bench_brokering_national.py [--runs 3]

Same-run baseline, interleaved (the machine is shared, so absolute times drift): the 5,000 needs ×
5,000 supporters of benchmarks/bench_brokering.py (real English primary schools, engine only), also in
its own child; the JSON gives medians and the ratio national / baseline, of wall seconds and of CPU
seconds (the child's user + system time from the kernel, all its threads and children included: on a
shared machine the CPU seconds say what the work takes, the wall what the machine gave it).

`--fewer-partners` adds to each run a third child, national brokering with "prefer fewer partners"
(issue 21 item 3: a cost for each extra partner school, `engine/fewer_partners.py`), timed the same
way and stopped after `--fewer-timeout` seconds (recorded as timed out, with its CPU seconds and
memory so far); the JSON gives its medians, the ratio to the plain national run of the same runs,
and the partner schools each supported school receives with and without the option.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def national(fewer_partners: bool = False) -> dict:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kindred.settings")
    django.setup()
    from kindred.brokering.computing import broker_place

    marks: dict[str, float] = {}
    last = [time.perf_counter(), "start"]

    def progress(done: int, total: int | None = None, message: str = "") -> None:
        now = time.perf_counter()
        marks[last[1]] = marks.get(last[1], 0.0) + now - last[0]
        last[0], last[1] = now, message

    started, cpu = time.perf_counter(), time.process_time()
    brokered = broker_place(allow_unmet=True, fewer_partners=fewer_partners, progress=progress)
    seconds = time.perf_counter() - started
    result, inputs = brokered.result, brokered.inputs
    partners = {}
    for proposal in result.proposals:
        school = int(inputs.needs.school[proposal.need])
        partners.setdefault(school, set()).add(int(inputs.supporters.school[proposal.supporter]))
    return {
        "seconds": round(seconds, 2),
        "cpu_seconds": round(time.process_time() - cpu, 2),
        "seconds_by_stage": {k: round(v, 2) for k, v in marks.items() if k != "start"},
        "engine_stages_s": {k: round(v, 2) for k, v in result.stats.items()},
        "schools": len(inputs.place.rows),
        "needing_schools": len(set(inputs.needs.school.tolist())),
        "needs": len(inputs.needs.school),
        "supporters": len(inputs.supporters.school),
        "supporters_not_blocked": int((~inputs.supporters.blocked).sum()),
        "places_offered": int(inputs.supporters.capacity[~inputs.supporters.blocked].sum()),
        "eligible_pairs": result.pairs_eligible,
        "pairs_in_last_solve": result.pairs_solved,
        "solves": result.rounds,
        "proposals": len(result.proposals),
        "unmet": int(result.unmet.sum()),
        "unmet_by_reason": result.unmet_reasons(),
        "cost": result.cost,
        "lower_bound": result.lower_bound,
        "gap": result.gap,
        "most_partners_of_one_school": max((len(p) for p in partners.values()), default=0),
        "schools_with_several_partners": sum(len(p) > 1 for p in partners.values()),
        "extra_partners": sum(len(p) - 1 for p in partners.values()),
        "schools_by_partners_received": {
            str(k): v for k, v in sorted(Counter(len(p) for p in partners.values()).items())
        },
    }


def baseline() -> dict:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from bench_brokering import case, england

    from kindred.engine.brokering import broker

    schools, needs, supporters = case(england(), 5000, 5000)
    started, cpu = time.perf_counter(), time.process_time()
    result = broker(schools, needs, supporters)
    return {
        "seconds": round(time.perf_counter() - started, 2),
        "cpu_seconds": round(time.process_time() - cpu, 2),
        "gap": result.gap,
    }


def run_child(step: str, timeout: float | None = None) -> dict:
    """One step in a child process; its result with the child's wall time, CPU time (user + system,
    all threads and the child's own children) and peak memory (max RSS), as the kernel counted them."""
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, __file__, "--child", step], cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    timer = threading.Timer(timeout, process.kill) if timeout else None
    if timer:
        timer.start()
    output = process.stdout.read()
    _pid, status, usage = os.wait4(process.pid, 0)
    if timer:
        timer.cancel()
    if status != 0 and timeout and time.perf_counter() - started >= timeout:
        return {
            "timed_out_after_s": timeout,
            "process_cpu_s": round(usage.ru_utime + usage.ru_stime, 2),
            "peak_rss_mb": round(usage.ru_maxrss / 1024),
        }
    if status != 0:
        raise SystemExit(f"the {step} child failed (status {status})")
    result = json.loads(output.strip().splitlines()[-1])
    result["process_wall_s"] = round(time.perf_counter() - started, 2)  # with start-up and imports
    result["process_cpu_s"] = round(usage.ru_utime + usage.ru_stime, 2)
    result["peak_rss_mb"] = round(usage.ru_maxrss / 1024)  # Linux reports kilobytes
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--child", choices=["national", "baseline", "fewer"])
    parser.add_argument(
        "--fewer-partners", action="store_true", help="also time the fewer-partners option once"
    )
    parser.add_argument("--fewer-timeout", type=float, default=600.0, help="stop that run after this many s")
    args = parser.parse_args()
    if args.child:
        child = {"national": national, "baseline": baseline, "fewer": lambda: national(fewer_partners=True)}
        print(json.dumps(child[args.child]()))
        return
    out: dict = {"cpus": os.cpu_count(), "load_average_at_start": os.getloadavg(), "runs": args.runs}
    measured, base, fewer = [], [], []
    for run in range(args.runs):
        base.append(run_child("baseline"))
        measured.append(run_child("national"))
        print(
            f"run {run + 1}: national {measured[-1]['seconds']} s wall, {measured[-1]['process_cpu_s']} s CPU, "
            f"{measured[-1]['peak_rss_mb']} MB; baseline {base[-1]['seconds']} s wall, "
            f"{base[-1]['process_cpu_s']} s CPU (load {os.getloadavg()[0]:.1f})",
            file=sys.stderr,
        )
        if args.fewer_partners:
            fewer.append(run_child("fewer", timeout=args.fewer_timeout))
            print(f"run {run + 1}: fewer partners {json.dumps(fewer[-1])[:300]}", file=sys.stderr)
    median = statistics.median
    out["national_median_s"] = median(m["seconds"] for m in measured)
    out["national_runs_s"] = [m["seconds"] for m in measured]
    out["national_peak_rss_mb_max"] = max(m["peak_rss_mb"] for m in measured)
    out["national_peak_rss_mb_median"] = median(m["peak_rss_mb"] for m in measured)
    out["baseline"] = "bench_brokering.py's 5,000 × 5,000 English case, engine only, in its own child"
    out["baseline_median_s"] = median(b["seconds"] for b in base)
    out["baseline_runs_s"] = [b["seconds"] for b in base]
    out["baseline_peak_rss_mb_median"] = median(b["peak_rss_mb"] for b in base)
    out["ratio_national_to_baseline"] = round(out["national_median_s"] / out["baseline_median_s"], 2)
    out["national_cpu_median_s"] = median(m["process_cpu_s"] for m in measured)
    out["national_cpu_runs_s"] = [m["process_cpu_s"] for m in measured]
    out["national_process_wall_runs_s"] = [m["process_wall_s"] for m in measured]
    out["baseline_cpu_median_s"] = median(b["process_cpu_s"] for b in base)
    out["baseline_cpu_runs_s"] = [b["process_cpu_s"] for b in base]
    out["ratio_national_to_baseline_cpu"] = round(
        out["national_cpu_median_s"] / out["baseline_cpu_median_s"], 2
    )
    out["last_run"] = measured[-1]
    finished = [f for f in fewer if "seconds" in f]
    if fewer:
        out["fewer_partners_timed_out"] = len(fewer) - len(finished)
    if finished:
        out["fewer_partners_median_s"] = median(f["seconds"] for f in finished)
        out["fewer_partners_runs_s"] = [f["seconds"] for f in finished]
        out["fewer_partners_cpu_median_s"] = median(f["process_cpu_s"] for f in finished)
        out["fewer_partners_cpu_runs_s"] = [f["process_cpu_s"] for f in finished]
        out["fewer_partners_process_wall_runs_s"] = [f["process_wall_s"] for f in finished]
        out["fewer_partners_peak_rss_mb_max"] = max(f["peak_rss_mb"] for f in finished)
        out["fewer_partners_peak_rss_mb_median"] = median(f["peak_rss_mb"] for f in finished)
        out["ratio_fewer_partners_to_national_cpu"] = round(
            out["fewer_partners_cpu_median_s"] / out["national_cpu_median_s"], 2
        )
        out["ratio_fewer_partners_to_baseline_cpu"] = round(
            out["fewer_partners_cpu_median_s"] / out["baseline_cpu_median_s"], 2
        )
    if fewer:
        out["fewer_partners_last_run"] = fewer[-1]
    out["load_average_at_end"] = os.getloadavg()
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
