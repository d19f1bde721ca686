"""Time `kindred generate` at national scale into a fresh database; prints JSON.

    .venv/bin/python benchmarks/bench_generate.py                       # SQLite (a temporary file)
    .venv/bin/python benchmarks/bench_generate.py --database-url postgres://postgres@127.0.0.1:5432/kindred_bench

Each run makes a fresh database (PostgreSQL: drops and re-creates the database named in the URL,
so name a scratch one; it is dropped after the last run), migrates it untimed, then generates in a
child process and reports seconds for the engine and for the database write (with the write split
by table), the child's peak memory (max RSS) and rows written per second. The last line is the
median over the runs. Not part of the test suite: about 15 seconds a run at national scale.

Same-run baseline (the machine is shared, so absolute times drift): before each run, in the same
fresh database, 1,000,000 rows of (int, int, float) are inserted through kindred.core.bulk.bulk_insert
into a scratch table (benchmarks/insert_baseline.py), so runs go baseline, measured, baseline,
measured, ... The last line also gives the baseline's median and the ratios measured / baseline
(write and total seconds): the ratio is the figure to compare between days and machines.
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


def child(args: argparse.Namespace) -> None:
    """Runs in the child process: generate and write, timing each part."""
    import django

    django.setup()
    from kindred.accounts.generation import country_write
    from kindred.engine.generate import generate_country

    started = time.perf_counter()
    country = generate_country(n_schools=args.schools, seed=args.seed, n_teachers=args.teachers)
    engine = time.perf_counter() - started

    marks: dict[str, float] = {}
    last = [time.perf_counter(), ""]

    def progress(done: int, total: int | None = None, message: str = "") -> None:
        now = time.perf_counter()
        if last[1]:
            marks[last[1]] = marks.get(last[1], 0.0) + now - last[0]
        last[0], last[1] = now, message

    started = time.perf_counter()
    summary = country_write(country=country, progress=progress)
    write = time.perf_counter() - started
    rows = summary.schools + summary.measures + summary.teachers + summary.staff_roles
    print(
        json.dumps(
            {
                "engine_seconds": round(engine, 2),
                "write_seconds": round(write, 2),
                "write_seconds_by_step": {k: round(v, 2) for k, v in marks.items()},
                "rows": rows,
                "summary": summary.as_dict(),
            }
        )
    )


def fresh_database(url: str | None, scratch: Path) -> str:
    """A URL to an empty database: a new SQLite file, or the PostgreSQL database dropped and re-created."""
    if url is None:
        path = scratch / f"bench-{time.time_ns()}.sqlite3"
        return f"sqlite:///{path}"
    import psycopg

    parts = urlparse(url)
    name = parts.path.lstrip("/")
    if name in {"", "postgres", "template0", "template1"}:
        raise SystemExit("Name a scratch database in --database-url, e.g. .../kindred_bench")
    admin = urlunparse(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    return url


def drop_database(url: str) -> None:
    """Drop the scratch PostgreSQL database once the runs are done."""
    import psycopg

    parts = urlparse(url)
    with psycopg.connect(urlunparse(parts._replace(path="/postgres")), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{parts.path.lstrip("/")}"')


def run_once(args: argparse.Namespace, scratch: Path) -> dict:
    url = fresh_database(args.database_url, scratch)
    env = {**os.environ, "DATABASE_URL": url, "DEBUG": "false", "SECRET_KEY": "benchmark-only-not-secret"}
    env["DJANGO_SETTINGS_MODULE"] = "kindred.settings"
    subprocess.run([sys.executable, str(ROOT / "manage.py"), "migrate", "-v0"], env=env, cwd=ROOT, check=True)
    baseline = run_baseline(env)
    command = [sys.executable, __file__, "--child", f"--schools={args.schools}", f"--seed={args.seed}"]
    if args.teachers is not None:
        command.append(f"--teachers={args.teachers}")
    started = time.perf_counter()
    process = subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.PIPE, text=True)
    output = process.stdout.read()
    _pid, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    if status != 0:
        raise SystemExit(f"the child failed (status {status})")
    result = json.loads(output.strip().splitlines()[-1])
    result["total_seconds"] = round(wall, 2)  # includes start-up and imports
    result["peak_memory_mb"] = round(usage.ru_maxrss / 1024)  # Linux reports kilobytes
    result["rows_per_second"] = round(result["rows"] / result["write_seconds"])
    result["baseline_seconds"] = baseline
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).unlink(missing_ok=True)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--schools", type=int, default=38_000)
    parser.add_argument("--teachers", type=int, default=None, help="default: the national ratio (870,000)")
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
    keys = [
        "engine_seconds",
        "write_seconds",
        "total_seconds",
        "peak_memory_mb",
        "rows_per_second",
        "baseline_seconds",
    ]
    median = {k: statistics.median(r[k] for r in runs) for k in keys}
    baseline = [r["baseline_seconds"] for r in runs]
    print(
        json.dumps(
            {
                "database": database,
                "schools": args.schools,
                "runs": len(runs),
                "median": median,
                "baseline": BASELINE_DESCRIPTION,
                "ratio_to_baseline": {
                    "write_seconds": ratio([r["write_seconds"] for r in runs], baseline),
                    "total_seconds": ratio([r["total_seconds"] for r in runs], baseline),
                },
            }
        )
    )


if __name__ == "__main__":
    main()
