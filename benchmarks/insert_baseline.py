"""Same-run baseline for the database benchmarks: the database's raw insert speed right now.

Inserts a fixed 1,000,000 rows of (int, int, float) into a scratch table of the database named by
DATABASE_URL, in one transaction, and prints {"baseline_seconds": ...} as JSON: on PostgreSQL through
kindred.core.bulk.bulk_insert (COPY), on SQLite by `executemany` in batches of 20,000 rows, which is what
bulk_insert did until 7 December 2026. bulk_insert now sends SQLite several rows a statement (faster);
the baseline keeps the old way so that it stays the same yardstick, and ratios stay comparable with
those measured before. The scratch table is created before the
clock starts and dropped afterwards. A benchmark runs this between its measured runs (baseline,
measured, baseline, measured, ...) and reports measured / baseline: on a shared machine the ratio
moves much less than either time.

    DATABASE_URL=sqlite:////tmp/x.sqlite3 .venv/bin/python benchmarks/insert_baseline.py
"""

import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ROWS = 1_000_000
TABLE = "bench_insert_baseline"
DESCRIPTION = (
    "1,000,000 rows of (int, int, float) inserted through kindred.core.bulk.bulk_insert into a scratch "
    "table of the same database, in one transaction: the database's raw insert speed at that moment"
)


def insert_once() -> float:
    """Runs in a child process with Django set up for DATABASE_URL: seconds to insert ROWS rows."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kindred.settings")
    django.setup()
    from django.db import connection, transaction

    from kindred.core.bulk import bulk_insert

    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {TABLE}")
        cursor.execute(f"CREATE TABLE {TABLE} (a integer NOT NULL, b integer NOT NULL, c double precision)")
    rows = ((i, i % 38_000, i * 0.5) for i in range(ROWS))
    started = time.perf_counter()
    with transaction.atomic():
        if connection.vendor == "sqlite":
            written = _executemany_insert(rows)
        else:
            written = bulk_insert(TABLE, ["a", "b", "c"], rows)
    seconds = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE {TABLE}")
    if written != ROWS:
        raise SystemExit(f"baseline wrote {written} rows, expected {ROWS}")
    return seconds


def _executemany_insert(rows) -> int:
    """SQLite: the rows by executemany in batches of 20,000 (bulk_insert's way until 7 December 2026)."""
    from itertools import islice

    from django.db import connection

    written = 0
    with connection.cursor() as cursor:
        sql = f"INSERT INTO {TABLE} (a, b, c) VALUES (%s, %s, %s)"
        remaining = iter(rows)
        while batch := list(islice(remaining, 20_000)):
            cursor.executemany(sql, batch)
            written += len(batch)
    return written


def run_baseline(env: dict[str, str]) -> float:
    """Run the baseline in a child process (so it never shares memory with the measured run)."""
    done = subprocess.run(
        [sys.executable, __file__], env=env, cwd=ROOT, capture_output=True, text=True, check=False
    )
    if done.returncode:
        raise SystemExit(f"the insert baseline failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])["baseline_seconds"]


def ratio(measured: list[float], baseline: list[float]) -> float:
    """Median measured over median baseline."""
    return round(statistics.median(measured) / statistics.median(baseline), 3)


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    print(json.dumps({"baseline_seconds": round(insert_once(), 3)}))
