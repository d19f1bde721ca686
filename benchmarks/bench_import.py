"""Time the importers on every shared 2018/19 sample file, into a fresh database each run.

    .venv/bin/python benchmarks/bench_import.py [--repeat 3] [--database-url postgres://...]
        [--data ../shared/data/england-2019]

Prints JSON: per file the median seconds over the runs, rows, rows per second, and the peak
Python memory of that file's import (tracemalloc, measured in one extra run so that tracing does
not slow the timed ones). SQLite always; PostgreSQL as well when --database-url is given (a
scratch database is created on that server and dropped afterwards). Not part of the test suite.

Same-run baseline (the machine is shared, so absolute times drift): before each timed run the ten
files are read and parsed with Python's csv module alone, no database and no mapping (bytes read,
decoded, every row split into fields). That is the floor an importer cannot beat. Runs go baseline,
import, baseline, import, ...; the JSON gives the median baseline seconds per file and in total, and
the ratios import / baseline: the ratio is the figure to compare between days and machines.
"""

import argparse
import csv
import io
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
import uuid
from pathlib import Path

from kindred.schools.catalogue import ENGLAND_2019_FILES

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data" / "england-2019"  # the shared data beside the checkout
FILES = ENGLAND_2019_FILES  # in the order a new installation imports them


BASELINE = (
    "reading and csv-parsing each sample file with Python's csv module (bytes read, decoded, every row "
    "split into fields), no database: the floor an importer cannot beat"
)


def parse_baseline(data: Path) -> list[float]:
    """Seconds to read and csv-parse each file, in FILES order."""
    seconds = []
    for _mapping, name in FILES:
        started = time.perf_counter()
        raw = (data / name).read_bytes()
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = raw.decode("cp1252", errors="replace")
        rows = sum(1 for _ in csv.reader(io.StringIO(text, newline="")))
        seconds.append(time.perf_counter() - started)
        if rows == 0:
            raise SystemExit(f"{name} is empty")
    return seconds


def one_run(data: Path, trace: bool) -> list[dict]:
    """Import every file into the (fresh) database of DATABASE_URL; runs in a child process."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kindred.settings")
    django.setup()
    from django.core.management import call_command

    from kindred.schools.importing import schools_import

    call_command("migrate", verbosity=0)
    results = []
    for mapping, name in FILES:
        if trace:
            tracemalloc.start()
        started = time.perf_counter()
        report = schools_import(path=data / name, mapping=mapping)
        seconds = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1] if trace else 0
        if trace:
            tracemalloc.stop()
        results.append(
            {"file": name, "mapping": mapping, "rows": report.rows, "seconds": seconds, "peak": peak}
        )
    return results


def child(database_url: str, data: Path, trace: bool) -> list[dict]:
    env = {**os.environ, "DATABASE_URL": database_url, "DEBUG": "false", "SECRET_KEY": "benchmark-only"}
    args = [sys.executable, __file__, "--child", "--data", str(data)] + (["--trace"] if trace else [])
    done = subprocess.run(args, env=env, cwd=ROOT, capture_output=True, text=True, check=False)
    if done.returncode:
        raise SystemExit(done.stderr)
    return json.loads(done.stdout)


class ScratchDatabase:
    """A fresh database: a new SQLite file, or a new database on the given PostgreSQL server."""

    def __init__(self, server_url: str | None):
        self.server_url = server_url
        self.name = f"kindred_bench_{uuid.uuid4().hex[:8]}"

    def __enter__(self) -> str:
        if self.server_url is None:
            self.tmp = tempfile.TemporaryDirectory()
            return f"sqlite:///{self.tmp.name}/bench.sqlite3"
        import psycopg

        with psycopg.connect(self.server_url, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{self.name}"')
        return self.server_url.rsplit("/", 1)[0] + "/" + self.name

    def __exit__(self, *exc) -> None:
        if self.server_url is None:
            self.tmp.cleanup()
            return
        import psycopg

        with psycopg.connect(self.server_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE "{self.name}"')


def bench(server_url: str | None, data: Path, repeat: int) -> dict:
    runs = []
    baselines = []
    for _ in range(repeat):
        baselines.append(parse_baseline(data))
        with ScratchDatabase(server_url) as url:
            runs.append(child(url, data, trace=False))
    with ScratchDatabase(server_url) as url:
        traced = child(url, data, trace=True)
    files = []
    for i, (mapping, name) in enumerate(FILES):
        seconds = statistics.median(run[i]["seconds"] for run in runs)
        baseline = statistics.median(b[i] for b in baselines)
        rows = runs[0][i]["rows"]
        files.append(
            {
                "file": name,
                "mapping": mapping,
                "rows": rows,
                "seconds": round(seconds, 3),
                "rows_per_second": round(rows / seconds),
                "peak_memory_mb": round(traced[i]["peak"] / 2**20, 1),
                "baseline_seconds": round(baseline, 4),
                "ratio_to_baseline": round(seconds / baseline, 1),
            }
        )
    total = [sum(run[i]["seconds"] for i in range(len(FILES))) for run in runs]
    total_baseline = [sum(b) for b in baselines]
    return {
        "database": "postgresql" if server_url else "sqlite",
        "runs": repeat,
        "files": files,
        "total_seconds": round(sum(f["seconds"] for f in files), 3),
        "total_rows": sum(f["rows"] for f in files),
        "baseline": BASELINE,
        "median_total_seconds": round(statistics.median(total), 3),
        "median_total_baseline_seconds": round(statistics.median(total_baseline), 4),
        "ratio_to_baseline": round(statistics.median(total) / statistics.median(total_baseline), 1),
        "runs_total_seconds": [round(t, 3) for t in total],
        "runs_baseline_seconds": [round(t, 4) for t in total_baseline],
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per database (the median is shown)")
    parser.add_argument("--database-url", help="a PostgreSQL server URL to benchmark as well")
    parser.add_argument("--data", type=Path, default=DATA, help="the folder of the sample files")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--trace", action="store_true", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.child:
        sys.path.insert(0, str(ROOT))
        print(json.dumps(one_run(options.data, options.trace)))
        return
    results = [bench(None, options.data, options.repeat)]
    if options.database_url:
        results.append(bench(options.database_url, options.data, options.repeat))
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
