"""Time a whole national trial (`kindred generate --schools 38000 --networks --posts 500000`) into a
fresh database; prints JSON.

    .venv/bin/python benchmarks/bench_national.py                                    # SQLite (a temporary file)
    .venv/bin/python benchmarks/bench_national.py \\
        --database-url postgres://postgres@127.0.0.1:5432/kindred_national_bench       # dropped and re-created!

Each run makes a fresh database (PostgreSQL: drops and re-creates the database named in the URL,
so name a scratch one; it is dropped after the last run), migrates it untimed, then generates in a
child process: the country (38,000 schools, ~1.8 million measures, ~870,000 people with staff
roles), ~3,500 networks with memberships, roles, this school year's rota, a year of events with
places taken, 500,000 posts in 50,000 threads with read marks, all in one transaction with the
indexes (search indexes too) built at the end. Reported: the whole child's wall-clock seconds
(start-up and the engine included: what `kindred generate` costs), the seconds of each step (from
each chunk written, by the table it went to, with what was computed for it; "done" is the end:
indexes, constraints, foreign keys, search tables, commit — figures of 6 December 2026 in
benchmarks/README.md were taken before this accounting, see there), the CPU seconds of the child and (PostgreSQL) of its database server
process — on a shared machine wall-clock time is mostly waiting for a core, CPU time is the work —
rows written, peak memory (max RSS), the load average before and after. The last line is the median over the runs.

Same-run baseline (the machine is shared): before each run, in the same fresh database, 1,000,000
rows of (int, int, float) through kindred.core.bulk.bulk_insert (benchmarks/insert_baseline.py);
runs go baseline, measured, baseline, measured... and the ratio measured / baseline is the figure
to compare between days and machines.
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

from bench_generate import drop_database, fresh_database
from insert_baseline import DESCRIPTION as BASELINE_DESCRIPTION
from insert_baseline import ratio, run_baseline

ROOT = Path(__file__).resolve().parent.parent


def child(args: argparse.Namespace) -> None:
    """Runs in the child process: generate and write, timing each step."""
    import django

    django.setup()
    from kindred.accounts.generation import country_make
    from kindred.demo.national import national_write, networks_default

    marks: dict[str, float] = {}
    last = [time.perf_counter()]

    def progress(done: int, total: int | None = None, message: str = "") -> None:
        # The writer reports after each chunk it wrote: the time since the last report is that
        # chunk's (with what was computed for it); the end ("done") is the index builds and commit.
        now = time.perf_counter()
        step = message or "start"
        marks[step] = marks.get(step, 0.0) + now - last[0]
        last[0] = now

    country = country_make(n_schools=args.schools, seed=args.seed)
    progress(0, None, "engine")
    n_networks = networks_default(args.schools) if args.networks is None else args.networks
    summary = national_write(
        country=country, n_networks=n_networks, n_posts=args.posts, seed=args.seed, progress=progress
    )
    database_cpu = None
    from django.db import connection

    if connection.vendor == "postgresql":  # the server process's CPU (COPY, index builds), same machine
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            pid = cursor.fetchone()[0]
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        database_cpu = round((int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK"), 2)
    counts = summary.as_dict()
    print(
        json.dumps(
            {
                "seconds_by_step": {k: round(v, 2) for k, v in marks.items()},
                "database_cpu_seconds": database_cpu,
                "rows": sum(v for k, v in counts.items() if k not in {"regions", "authorities"}),
                "summary": counts,
            }
        )
    )


def run_once(args: argparse.Namespace, scratch: Path) -> dict:
    url = fresh_database(args.database_url, scratch)
    env = {**os.environ, "DATABASE_URL": url, "DEBUG": "false", "SECRET_KEY": "benchmark-only-not-secret"}
    env["DJANGO_SETTINGS_MODULE"] = "kindred.settings"
    subprocess.run([sys.executable, str(ROOT / "manage.py"), "migrate", "-v0"], env=env, cwd=ROOT, check=True)
    baseline = run_baseline(env)
    command = [
        sys.executable,
        __file__,
        "--child",
        f"--schools={args.schools}",
        f"--seed={args.seed}",
        f"--posts={args.posts}",
    ]
    if args.networks is not None:
        command.append(f"--networks={args.networks}")
    load_before = os.getloadavg()[0]
    started = time.perf_counter()
    process = subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.PIPE, text=True)
    output = process.stdout.read()
    _pid, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    if status != 0:
        raise SystemExit(f"the child failed (status {status})")
    result = json.loads(output.strip().splitlines()[-1])
    result["total_seconds"] = round(wall, 2)
    # CPU time of the child (and, on PostgreSQL, of its server process): what the work costs on a
    # machine shared with other jobs, where wall-clock time mostly measures waiting for a core.
    result["cpu_seconds"] = round(usage.ru_utime + usage.ru_stime, 2)
    result["peak_memory_mb"] = round(usage.ru_maxrss / 1024)  # Linux reports kilobytes
    result["rows_per_second"] = round(result["rows"] / wall)
    result["baseline_seconds"] = baseline
    result["load_average_before"] = round(load_before, 2)
    result["load_average_after"] = round(os.getloadavg()[0], 2)
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).unlink(missing_ok=True)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--schools", type=int, default=38_000)
    parser.add_argument("--networks", type=int, default=None, help="default: about one per 11 schools")
    parser.add_argument("--posts", type=int, default=500_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--database-url", default=None, help="PostgreSQL scratch database (dropped!)")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args)
        return
    database = "postgresql" if args.database_url else "sqlite"
    runs = []
    try:
        with tempfile.TemporaryDirectory() as scratch:
            for i in range(args.runs):
                result = run_once(args, Path(scratch))
                runs.append(result)
                print(json.dumps({"database": database, "run": i + 1, **result}), flush=True)
    finally:
        if args.database_url:
            drop_database(args.database_url)
    for r in runs:
        r["cpu_seconds_with_database"] = round(r["cpu_seconds"] + (r["database_cpu_seconds"] or 0.0), 2)
    keys = [
        "total_seconds",
        "cpu_seconds",
        "cpu_seconds_with_database",
        "peak_memory_mb",
        "rows_per_second",
        "baseline_seconds",
        "load_average_before",
    ]
    median = {k: statistics.median(r[k] for r in runs) for k in keys}
    steps = sorted({s for r in runs for s in r["seconds_by_step"]})
    median["seconds_by_step"] = {
        s: statistics.median(r["seconds_by_step"].get(s, 0.0) for r in runs) for s in steps
    }
    print(
        json.dumps(
            {
                "database": database,
                "schools": args.schools,
                "posts": args.posts,
                "runs": len(runs),
                "median": median,
                "summary": runs[-1]["summary"],
                "baseline": BASELINE_DESCRIPTION,
                "ratio_to_baseline": ratio(
                    [r["total_seconds"] for r in runs], [r["baseline_seconds"] for r in runs]
                ),
            }
        )
    )


if __name__ == "__main__":
    main()
