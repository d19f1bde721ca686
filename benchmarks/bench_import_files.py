"""Time and peak memory of importing a large wide file, CSV and .xlsx, against pandas.

    .venv/bin/pip install --require-hashes --no-deps -r requirements/all.txt   # + pandas, psutil (the bench extra)
    .venv/bin/python benchmarks/bench_import_files.py [--rows 50000] [--repeat 3] [--big-mb 400]

Files (made once, cached in $TMPDIR/kindred-bench-files): a 50,000-row "wide" schools file of 40
columns (id, name, town, postcode, latitude, longitude, pupils, 33 figures; the mapping reads 7
of the figures) as CSV and as .xlsx, and a ~400 MB CSV of the same kind with 700 figure columns
(the streaming figure: the mapping reads 5 of them).

Each measurement runs in a child process with a fresh SQLite database (migrated before the clock
starts), and reports seconds and the child's peak resident memory (ru_maxrss), with the resident
memory just before the import (Django loaded, database migrated) so the import's own share shows.

`--failing`: the same ~400 MB CSV through a mapping that refuses nearly every value (82 figure
columns read as measures declared below 1%): about 10 million problems. Every problem is counted,
a bounded sample of each kind is kept and written to the errors file (issue #20 item 5); the JSON
gives peak memory, seconds, the problems counted and kept, and the errors file's size. Its same-run
baseline, and the streaming import's: Python's csv module reading every row of the same file (no
checking, nothing kept), alternated with the import.

Same-run baseline: pandas reading the same file (read_csv, or read_excel with openpyxl) and
writing it to a table of an SQLite database with DataFrame.to_sql: what a script would do, with
no checking at all. Runs alternate baseline, Kindred, baseline, Kindred, ...; the JSON gives
medians and the ratio Kindred / pandas. The 400 MB file is imported by Kindred only (pandas would
need several GB on a shared machine); its figure is the peak memory against the 1 GB budget.
"""

import argparse
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CACHE = Path(tempfile.gettempdir()) / "kindred-bench-files"
FIGURES = 33
MEASURES = [
    ("F01", "fsm_pct"),
    ("F02", "eal_pct"),
    ("F03", "sen_support_pct"),
    ("F04", "sen_ehcp_pct"),
    ("F05", "absence_pct"),
    ("F06", "ks4_progress8"),
    ("F07", "ks4_attainment8"),
]


def _row(rng: random.Random, number: int, figures: int) -> list:
    lat, lon = 50.5 + rng.random() * 4.5, -4.5 + rng.random() * 5.5
    values = [round(rng.random() * 60, 1) for _ in range(figures)]
    values[5] = round(rng.gauss(0, 1), 2)  # a progress score
    values[6] = round(20 + rng.random() * 60, 1)  # an attainment score
    return [100000 + number, f"School {number}", f"Town {number % 900}", f"AB{number % 99} 1CD",
            round(lat, 6), round(lon, 6), rng.randint(50, 2000), *values]  # fmt: skip


def _header(figures: int) -> list[str]:
    return ["URN", "Name", "Town", "Postcode", "Latitude", "Longitude", "Pupils"] + [
        f"F{i:02d}" if i < 100 else f"F{i}" for i in range(1, figures + 1)
    ]


def make_files(rows: int, big_mb: int) -> dict[str, Path]:
    import csv

    CACHE.mkdir(exist_ok=True)
    files = {
        "csv": CACHE / f"wide-{rows}.csv",
        "xlsx": CACHE / f"wide-{rows}.xlsx",
        "big": CACHE / f"big-{big_mb}mb.csv",
    }
    if not files["csv"].exists():
        rng = random.Random(1)
        with files["csv"].open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(_header(FIGURES))
            writer.writerows(_row(rng, n, FIGURES) for n in range(rows))
    if not files["xlsx"].exists():
        import openpyxl

        rng = random.Random(1)
        book = openpyxl.Workbook(write_only=True)
        sheet = book.create_sheet("Schools")
        sheet.append(_header(FIGURES))
        for n in range(rows):
            sheet.append(_row(rng, n, FIGURES))
        book.save(files["xlsx"])
    if big_mb and not files["big"].exists():
        rng = random.Random(2)
        with files["big"].open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(_header(700))
            n = 0
            while handle.tell() < big_mb * 1024 * 1024:
                writer.writerows(_row(rng, n + k, 700) for k in range(1000))
                n += 1000
    return files


def mapping_file(measures: int) -> Path:
    path = CACHE / f"wide-mapping-{measures}.yaml"
    lines = [
        "description: The benchmark's wide schools file.",
        "id: URN",
        "year: 2023",
        "schools:",
        "  fields: {name: Name, town: Town, postcode: Postcode, pupils: Pupils}",
        "  coordinates: {latitude: Latitude, longitude: Longitude}",
        "measures:",
        *(
            f"  - {{column: {column}, measure: {code}, cohort: Pupils}}"
            for column, code in MEASURES[:measures]
        ),
    ]
    path.write_text("\n".join(lines) + "\n")
    return path


FAILING_COLUMNS = 82


def failing_mapping_file() -> Path:
    """A mapping that refuses nearly every value of the big file: 82 figure columns, each a measure
    declared as a percentage below 1 (the figures are 0-60)."""
    path = CACHE / "failing-mapping.yaml"
    columns = [f"F{i:02d}" for i in range(8, 8 + FAILING_COLUMNS)]
    lines = [
        "description: The benchmark's failing mapping (every figure out of range).",
        "id: URN",
        "year: 2023",
        "measures:",
        *(f"  - {{column: {c}, measure: tiny_{c.lower()}}}" for c in columns),
        "define_measures:",
        *(f"  - {{code: tiny_{c.lower()}, name: {c}, unit: percent, valid_max: 1}}" for c in columns),
    ]
    path.write_text("\n".join(lines) + "\n")
    return path


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _rss_mb() -> float:
    import psutil

    return psutil.Process().memory_info().rss / 1024 / 1024


def child(kind: str, path: Path, measures: int) -> dict:
    """One measurement, in this (child) process."""
    if kind == "csvread":
        import csv

        before = _rss_mb()
        started = time.perf_counter()
        with path.open(newline="", encoding="utf-8") as handle:
            rows = sum(1 for _row in csv.reader(handle)) - 1
        return {
            "seconds": time.perf_counter() - started,
            "rss_before_mb": before,
            "peak_mb": _peak_mb(),
            "rows": rows,
        }
    if kind == "pandas":
        import sqlite3

        import pandas

        before = _rss_mb()
        started = time.perf_counter()
        frame = (
            pandas.read_excel(path, engine="openpyxl") if path.suffix == ".xlsx" else pandas.read_csv(path)
        )
        with sqlite3.connect(CACHE / f"pandas-{os.getpid()}.sqlite3") as connection:
            frame.to_sql("schools", connection, if_exists="replace", index=False, chunksize=10_000)
        seconds = time.perf_counter() - started
        (CACHE / f"pandas-{os.getpid()}.sqlite3").unlink()
        return {"seconds": seconds, "rss_before_mb": before, "peak_mb": _peak_mb(), "rows": len(frame)}
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kindred.settings")
    django.setup()
    from django.core.management import call_command

    from kindred.schools.importing import schools_import

    call_command("migrate", verbosity=0)
    before = _rss_mb()
    started = time.perf_counter()
    if kind == "failing":
        from kindred.schools.importing import ImportFailed
        from kindred.schools.importing.report import problems_write_csv

        try:
            schools_import(path=path, mapping=failing_mapping_file())
        except ImportFailed as failed:
            errors = CACHE / f"errors-{os.getpid()}.csv"
            with errors.open("w", encoding="utf-8", newline="") as handle:
                problems_write_csv(failed.report.problems, handle)
            result = {
                "seconds": time.perf_counter() - started,
                "rss_before_mb": before,
                "peak_mb": _peak_mb(),
                "rows": failed.report.rows,
                "problems_counted": len(failed.report.problems),
                "problems_kept": len(list(failed.report.problems)),
                "errors_file_mb": round(errors.stat().st_size / 1e6, 3),
            }
            errors.unlink()
            return result
        raise SystemExit("the failing mapping imported the file")
    report = schools_import(path=path, mapping=mapping_file(measures))
    seconds = time.perf_counter() - started
    return {
        "seconds": seconds,
        "rss_before_mb": before,
        "peak_mb": _peak_mb(),
        "rows": report.rows,
        "values": report.measures.created,
    }


def run_child(kind: str, path: Path, measures: int) -> dict:
    with tempfile.TemporaryDirectory() as var:
        env = {**os.environ, "KINDRED_VAR_DIR": var, "DEBUG": "false",
               "SECRET_KEY": os.environ.get("SECRET_KEY", "benchmark-only-not-secret")}  # fmt: skip
        env.pop("DATABASE_URL", None)
        out = subprocess.run(
            [sys.executable, __file__, "--child", kind, str(path), "--measures", str(measures)],
            env=env, cwd=ROOT, capture_output=True, text=True, check=True,
        )  # fmt: skip
    return json.loads(out.stdout.strip().splitlines()[-1])


def summarise(runs: list[dict]) -> dict:
    return {
        "seconds_median": round(statistics.median(r["seconds"] for r in runs), 2),
        "seconds_runs": [round(r["seconds"], 2) for r in runs],
        "peak_mb_median": round(statistics.median(r["peak_mb"] for r in runs)),
        "rss_before_import_mb": round(statistics.median(r["rss_before_mb"] for r in runs)),
        "rows": runs[0]["rows"],
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--big-mb", type=int, default=400, help="size of the streaming file; 0: skip it")
    parser.add_argument("--child", nargs=2, metavar=("KIND", "FILE"))
    parser.add_argument("--measures", type=int, default=len(MEASURES))
    parser.add_argument("--formats", default="csv,xlsx", help="which wide files to time: csv, xlsx or both")
    parser.add_argument("--failing", action="store_true", help="also import the big file with ~10M problems")
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child[0], Path(args.child[1]), args.measures)))
        return
    files = make_files(args.rows, args.big_mb)
    result: dict = {"machine": "2 shared cores; other work running: compare ratios, not seconds"}
    for fmt in filter(None, args.formats.split(",")):
        pandas_runs, kindred_runs = [], []
        for _ in range(args.repeat):
            pandas_runs.append(run_child("pandas", files[fmt], len(MEASURES)))
            kindred_runs.append(run_child("kindred", files[fmt], len(MEASURES)))
        kindred, pandas = summarise(kindred_runs), summarise(pandas_runs)
        result[f"wide_{fmt}"] = {
            "file": f"{args.rows:,} rows x {len(_header(FIGURES))} columns, {files[fmt].stat().st_size / 1e6:.1f} MB",
            "kindred": {**kindred, "values_stored": kindred_runs[0]["values"]},
            "pandas_read_to_sql": pandas,
            "ratio_seconds": round(kindred["seconds_median"] / pandas["seconds_median"], 2),
            "ratio_peak_memory": round(kindred["peak_mb_median"] / pandas["peak_mb_median"], 2),
        }
        print(json.dumps({fmt: result[f"wide_{fmt}"]}), file=sys.stderr)
    if args.big_mb:
        baseline, runs, failing = [], [], []
        for _ in range(max(1, args.repeat - 1)):
            baseline.append(run_child("csvread", files["big"], 5))
            runs.append(run_child("kindred", files["big"], 5))
            if args.failing:
                failing.append(run_child("failing", files["big"], 5))
        base = summarise(baseline)
        result["streaming_csv"] = {
            "file": f"{files['big'].stat().st_size / 1e6:.0f} MB, {runs[0]['rows']:,} rows x 707 columns; mapping reads 11",
            "kindred": summarise(runs),
            "baseline_csv_module_reads_every_row": base,
            "ratio_seconds": round(summarise(runs)["seconds_median"] / base["seconds_median"], 2),
            "budget_mb": 1024,
        }
        if failing:
            result["failing_csv"] = {
                "file": f"the same file through a mapping refusing {FAILING_COLUMNS} columns' values",
                "kindred": {
                    **summarise(failing),
                    "problems_counted": failing[0]["problems_counted"],
                    "problems_kept": failing[0]["problems_kept"],
                    "errors_file_mb": failing[0]["errors_file_mb"],
                },
                "baseline_csv_module_reads_every_row": base,
                "ratio_seconds": round(summarise(failing)["seconds_median"] / base["seconds_median"], 2),
                "budget_mb": 1024,
            }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
