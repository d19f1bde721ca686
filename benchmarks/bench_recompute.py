"""Time the evidence recompute services end to end on a national-scale database; prints JSON.

    .venv/bin/python benchmarks/bench_recompute.py                       # SQLite (a temporary file)
    .venv/bin/python benchmarks/bench_recompute.py --database-url postgres://postgres@127.0.0.1:5432/postgres

This is the Django side of the evidence engine (kindred/evidence/services.py): load the schools and
their measures from the database, run the engine, store the results. Into a fresh database
(SQLite: a temporary file; PostgreSQL: a scratch database, default kindred_bench_recompute, on the
server of --database-url, dropped and re-created at the start and dropped at the end) it migrates and
generates a country (default 38,000 schools, `kindred generate`, untimed), then times, each in its own
child process so that the child's max RSS is that step's peak memory:

- families_recompute(fit=False): families with equal weights, --runs times;
- performance_recompute(): relative performance of every measure-year, pooled years and derived
  categories, --runs times;
- families_recompute(fit=True): weights fitted first, once (it is the slow one).

Each is also split into stages by the services' own progress reports (e.g. "loading schools",
"finding families" (engine, deleting the old results and storing the new), and "commit": the time
from the last report ("done") to the return, which is the summary queries and the end of the
transaction, where PostgreSQL runs the deferred foreign-key checks).

Same-run baseline (the machine is shared, so absolute times drift): before each run, 1,000,000 rows of
(int, int, float) are inserted through kindred.core.bulk.bulk_insert into a scratch table of the same
database (benchmarks/insert_baseline.py), so runs go baseline, measured, baseline, measured, ... The
JSON gives medians, peaks and the ratios measured / baseline. Not part of the test suite: about five
minutes on SQLite.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse, urlunparse

from insert_baseline import DESCRIPTION as BASELINE_DESCRIPTION
from insert_baseline import ratio, run_baseline

ROOT = Path(__file__).resolve().parent.parent
STEPS = ("families", "families_fit", "performance")


def child(step: str) -> None:
    """Runs in a child process: one recompute step against DATABASE_URL, timed."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kindred.settings")
    django.setup()
    from kindred.evidence.services import families_recompute, performance_recompute

    # The services report progress before each stage; the time from one report to the next is the
    # previous stage's, and the time after the last report ("done") is the commit.
    marks: dict[str, float] = {}
    last = [time.perf_counter(), "start"]

    def progress(done: int, total: int | None = None, message: str = "") -> None:
        now = time.perf_counter()
        marks[last[1]] = marks.get(last[1], 0.0) + now - last[0]
        last[0], last[1] = now, message

    started = time.perf_counter()
    if step == "families":
        outcome = families_recompute(fit=False, progress=progress)
    elif step == "families_fit":
        outcome = families_recompute(fit=True, progress=progress)
    else:
        outcome = performance_recompute(progress=progress)
    seconds = time.perf_counter() - started
    progress(0, None, "")
    marks["commit"] = marks.pop("done", 0.0)
    marks.pop("start", None)
    by_stage = {k: round(v, 3) for k, v in marks.items()}
    print(json.dumps({"seconds": round(seconds, 3), "seconds_by_stage": by_stage, **outcome}))


def run_child(step: str, env: dict[str, str]) -> dict:
    """Run one step in a child process; its result with the child's peak memory (max RSS)."""
    process = subprocess.Popen(
        [sys.executable, __file__, "--child", step], env=env, cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    output = process.stdout.read()
    _pid, status, usage = os.wait4(process.pid, 0)
    if status != 0:
        raise SystemExit(f"the {step} child failed (status {status})")
    result = json.loads(output.strip().splitlines()[-1])
    result["peak_memory_mb"] = round(usage.ru_maxrss / 1024)  # Linux reports kilobytes
    return result


def scratch_postgres(url: str, name: str, create: bool) -> str:
    """Drop the scratch database on the server of `url` and, if `create`, make it again; its URL."""
    import psycopg

    if name in {"", "postgres", "template0", "template1", "test"}:
        raise SystemExit(f"Refusing to use {name!r} as the scratch database.")
    parts = urlparse(url)
    admin = urlunparse(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        if create:
            conn.execute(f'CREATE DATABASE "{name}"')
    return urlunparse(parts._replace(path=f"/{name}"))


def stages(results: list[dict]) -> dict[str, float]:
    """Median seconds of each stage over the runs (the stage named by the progress message that starts it)."""
    names = results[0]["seconds_by_stage"]
    return {k: round(statistics.median(r["seconds_by_stage"].get(k, 0.0) for r in results), 3) for k in names}


def bench(args: argparse.Namespace, url: str) -> dict:
    env = {**os.environ, "DATABASE_URL": url, "DEBUG": "false", "SECRET_KEY": "benchmark-only-not-secret"}
    env["DJANGO_SETTINGS_MODULE"] = "kindred.settings"
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "-v0"], env=env, cwd=ROOT, check=True)
    started = time.perf_counter()
    subprocess.run(
        [*manage, "generate", f"--schools={args.schools}", f"--seed={args.seed}", "-v0"],
        env=env,
        cwd=ROOT,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    generate_seconds = time.perf_counter() - started

    baseline: list[float] = []
    runs: dict[str, list[dict]] = {step: [] for step in STEPS}
    for i in range(args.runs):
        baseline.append(run_baseline(env))
        for step in ("families", "performance"):
            runs[step].append(run_child(step, env))
        print(
            json.dumps(
                {
                    "run": i + 1,
                    "baseline_seconds": baseline[-1],
                    **{f"{s}_seconds": runs[s][-1]["seconds"] for s in ("families", "performance")},
                }
            ),
            file=sys.stderr,
            flush=True,
        )
    baseline.append(run_baseline(env))
    runs["families_fit"].append(run_child("families_fit", env))

    seconds = {step: [r["seconds"] for r in runs[step]] for step in STEPS}
    return {
        "schools": args.schools,
        "runs": args.runs,
        "generate_seconds_untimed_setup": round(generate_seconds, 1),
        "median_seconds": {
            "families_recompute_fit_false": round(statistics.median(seconds["families"]), 3),
            "families_recompute_fit_true_once": seconds["families_fit"][0],
            "performance_recompute": round(statistics.median(seconds["performance"]), 3),
        },
        "runs_seconds": {
            "families_recompute_fit_false": seconds["families"],
            "performance_recompute": seconds["performance"],
        },
        "median_seconds_by_stage": {
            "families_recompute_fit_false": stages(runs["families"]),
            "families_recompute_fit_true_once": stages(runs["families_fit"]),
            "performance_recompute": stages(runs["performance"]),
        },
        "peak_memory_mb": {
            "families_recompute_fit_false": max(r["peak_memory_mb"] for r in runs["families"]),
            "families_recompute_fit_true_once": runs["families_fit"][0]["peak_memory_mb"],
            "performance_recompute": max(r["peak_memory_mb"] for r in runs["performance"]),
        },
        "baseline": BASELINE_DESCRIPTION,
        "baseline_seconds": {"median": round(statistics.median(baseline), 3), "runs": baseline},
        "ratio_to_baseline": {
            "families_recompute_fit_false": ratio(seconds["families"], baseline),
            "families_recompute_fit_true_once": ratio(seconds["families_fit"], baseline),
            "performance_recompute": ratio(seconds["performance"], baseline),
        },
        "summaries": {
            "families_recompute_fit_false": runs["families"][-1]["summary"],
            "families_recompute_fit_true": runs["families_fit"][0]["summary"],
            "fitted_weights": runs["families_fit"][0].get("weights", {}),
            "performance_recompute": runs["performance"][-1]["summary"],
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--schools", type=int, default=38_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--database-url", default=None, help="a PostgreSQL server (its scratch database is used)"
    )
    parser.add_argument(
        "--scratch-name", default="kindred_bench_recompute", help="PostgreSQL scratch database"
    )
    parser.add_argument("--child", choices=STEPS, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        sys.path.insert(0, str(ROOT))
        child(args.child)
        return
    if args.database_url is None:
        with tempfile.TemporaryDirectory() as scratch:
            result = bench(args, f"sqlite:///{scratch}/recompute.sqlite3")
        database = "sqlite"
    else:
        url = scratch_postgres(args.database_url, args.scratch_name, create=True)
        try:
            result = bench(args, url)
        finally:
            scratch_postgres(args.database_url, args.scratch_name, create=False)
        database = "postgresql"
    print(json.dumps({"database": database, "cpu_count": os.cpu_count(), **result}, indent=2))


if __name__ == "__main__":
    main()
