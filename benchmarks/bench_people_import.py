"""Time `kindred import people` of a whole country (870,000 staff) into a fresh database; prints JSON.

    .venv/bin/python benchmarks/bench_people_import.py                                 # SQLite (a temporary file)
    .venv/bin/python benchmarks/bench_people_import.py \\
        --database-url postgres://postgres@127.0.0.1:5432/kindred_people_bench           # dropped and re-created!

Each run: a fresh database (PostgreSQL: the named one dropped and re-created), migrated, and the
registry of a generated country written (38,000 schools; untimed); a people file of the country's
870,000 teachers (school_id,email,name,role; the first teacher of a school its leader) written to
a temporary CSV (untimed). Then, each in a child process: (1) the first import, with welcome
e-mails queued (the default); (2) the same file again (every row unchanged: a term's re-import).
Reported per import: wall-clock seconds, the child's CPU seconds and, on PostgreSQL, its database
server process's CPU seconds (on a machine shared with other jobs wall-clock time is mostly waiting
for a core), peak memory (max RSS), rows per second; and the load average.

Same-run baseline: reading the same CSV file with Python's csv module (every row split, nothing
checked or stored), right before the first import: the floor any importer of the file has.
"""

import argparse
import csv
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_generate import drop_database, fresh_database

ROOT = Path(__file__).resolve().parent.parent


def prepare(args: argparse.Namespace) -> None:
    """Child: the registry of a generated country, and its teachers as a people file."""
    import django

    django.setup()
    from django.db import transaction

    from kindred.accounts.generation import country_make
    from kindred.schools.generation import ChunkWriter, registry_write

    country = country_make(n_schools=args.schools, seed=1)
    with transaction.atomic():
        registry_write(ChunkWriter(lambda *a: None, 0), country)
    school = country.registry_id[country.teacher_school_index()].tolist()
    first = set((country.teachers.cumsum() - country.teachers).tolist())
    with open(args.file, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["school_id", "email", "name", "role"])
        for i, (rid, given, family) in enumerate(
            zip(school, country.teacher_first_name.tolist(), country.teacher_last_name.tolist(), strict=True)
        ):
            email = f"{given}.{family}.{i}@staff.example".lower().replace(" ", "").replace("'", "")
            writer.writerow([rid, email, f"{given} {family}", "leader" if i in first else "teacher"])


def run_import(args: argparse.Namespace) -> None:
    """Child: one import of the file, timed."""
    import django

    django.setup()
    from django.db import connection

    from kindred.accounts.people_import import people_import

    started = time.perf_counter()
    report = people_import(path=args.file, welcome=True)
    seconds = time.perf_counter() - started
    database_cpu = None
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            pid = cursor.fetchone()[0]
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        database_cpu = round((int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK"), 2)
    print(
        json.dumps(
            {
                "import_seconds": round(seconds, 2),
                "database_cpu_seconds": database_cpu,
                "rows": report.rows,
                "people_created": report.people.created,
                "people_unchanged": report.people.unchanged,
                "roles_added": report.roles_added,
                "welcomes_queued": report.welcomes_queued,
            }
        )
    )


def child(env: dict, mode: str, args: argparse.Namespace) -> dict:
    command = [sys.executable, __file__, f"--{mode}", f"--file={args.file}", f"--schools={args.schools}"]
    started = time.perf_counter()
    process = subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.PIPE, text=True)
    output = process.stdout.read()
    _pid, status, usage = os.wait4(process.pid, 0)
    if status != 0:
        raise SystemExit(f"the {mode} child failed (status {status})")
    result = json.loads(output.strip().splitlines()[-1]) if output.strip() else {}
    result["total_seconds"] = round(time.perf_counter() - started, 2)
    result["cpu_seconds"] = round(usage.ru_utime + usage.ru_stime, 2)
    result["peak_memory_mb"] = round(usage.ru_maxrss / 1024)
    return result


def csv_baseline(path: str) -> float:
    started = time.perf_counter()
    with open(path, newline="", encoding="utf-8") as handle:
        for _row in csv.reader(handle):
            pass
    return round(time.perf_counter() - started, 2)


def run_once(args: argparse.Namespace, scratch: Path) -> dict:
    url = fresh_database(args.database_url, scratch)
    env = {**os.environ, "DATABASE_URL": url, "DEBUG": "false", "SECRET_KEY": "benchmark-only-not-secret"}
    env["DJANGO_SETTINGS_MODULE"] = "kindred.settings"
    subprocess.run([sys.executable, str(ROOT / "manage.py"), "migrate", "-v0"], env=env, cwd=ROOT, check=True)
    args.file = str(scratch / "people.csv")
    child(env, "prepare", args)
    result = {"baseline_csv_read_seconds": csv_baseline(args.file), "load_average_before": os.getloadavg()[0]}
    result["first_import"] = child(env, "import", args)
    result["second_import_unchanged"] = child(env, "import", args)
    result["load_average_after"] = os.getloadavg()[0]
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).unlink(missing_ok=True)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--schools", type=int, default=38_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--database-url", default=None, help="PostgreSQL scratch database (dropped!)")
    parser.add_argument("--prepare", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--import", dest="do_import", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--file", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.prepare:
        prepare(args)
        return
    if args.do_import:
        run_import(args)
        return
    database = "postgresql" if args.database_url else "sqlite"
    runs = []
    try:
        with tempfile.TemporaryDirectory() as scratch:
            for i in range(args.runs):
                runs.append(run_once(args, Path(scratch)))
                print(json.dumps({"database": database, "run": i + 1, **runs[-1]}), flush=True)
    finally:
        if args.database_url:
            drop_database(args.database_url)
    median = {
        which: {
            key: statistics.median(r[which][key] or 0 for r in runs)
            for key in (
                "import_seconds",
                "total_seconds",
                "cpu_seconds",
                "database_cpu_seconds",
                "peak_memory_mb",
            )
        }
        for which in ("first_import", "second_import_unchanged")
    }
    print(
        json.dumps(
            {
                "database": database,
                "runs": len(runs),
                "rows": runs[-1]["first_import"]["rows"],
                "median": median,
                "baseline_csv_read_seconds": statistics.median(r["baseline_csv_read_seconds"] for r in runs),
                "load_average_before": statistics.median(r["load_average_before"] for r in runs),
            }
        )
    )


if __name__ == "__main__":
    main()
