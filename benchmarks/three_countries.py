"""The three-country proof at national scale (issue 23): England, Wales and Egypt generated into one
database get, country by country, exactly the evidence each gets when generated alone.

    .venv/bin/python benchmarks/three_countries.py                     # England 20,000, Wales 1,500, Egypt 10,000
    .venv/bin/python benchmarks/three_countries.py --scale 0.05        # the same at 5%: a quick look

On SQLite, four fresh databases (temporary files, copies of one migrated empty database): each country alone (COUNTRY = that country), then the
three together (COUNTRY=eng, COUNTRIES=wls,eg). Each is migrated and generated (`kindred generate
--country C --registry-from N`, each country with its own seed and block of registry ids, the same in
both installations; one teacher per school, since teachers play no part in evidence), then recomputed
once as `kindred recompute` does (`evidence_recompute`: families with fitted weights, relative
performance, categories), timed in a child process. Then each country's stored evidence
(`evidence/selectors.country_evidence`: families with distances, family gaps, every performance row,
every measure's model, derived categories, each run's features, weights and self-check, keyed by
registry ids and measure codes) is digested part by part (SHA-256 of the sorted rows' repr: Python
writes a float's repr exactly, so equal digests are equal bits) and the digests of each country alone and
together are compared. Prints JSON and writes it to benchmarks/results/three_countries.json.

The machine is shared: times are one run's wall clock, not medians; the equality is what it proves.
"""

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results" / "three_countries.json"

# (profile code, schools at national scale, seed, first registry id)
COUNTRIES = (("eng", 20_000, 1, 9_000_000), ("wls", 1_500, 2, 9_100_000), ("eg", 10_000, 3, 9_200_000))


def child_recompute() -> None:
    """In a child process: one `evidence_recompute` against DATABASE_URL; its time (per country from the
    progress messages, which name the country when there are several) and summary as JSON."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kindred.settings")
    django.setup()
    from kindred.evidence.services import evidence_recompute

    per_country: dict[str, float] = {}
    last = [time.perf_counter(), ""]

    def progress(done: int, total: int | None = None, message: str = "") -> None:
        now = time.perf_counter()
        per_country[last[1]] = per_country.get(last[1], 0.0) + now - last[0]
        code = getattr(message, "params", {}).get("country", "")
        last[0], last[1] = now, str(code)

    started = time.perf_counter()
    outcome = evidence_recompute(progress=progress)
    seconds = time.perf_counter() - started
    progress(0, None, "")
    countries = outcome.get("countries")
    print(
        json.dumps(
            {
                "seconds": round(seconds, 2),
                "seconds_by_country": {k: round(v, 2) for k, v in per_country.items() if k},
                "published": outcome.get("published"),
                "summary": outcome["summary"],
                "summary_by_country": {c: o["summary"] for c, o in countries.items()} if countries else None,
            }
        )
    )


def child_digest(code: str) -> None:
    """In a child process: the digest of each part of one country's stored evidence, with its size."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kindred.settings")
    django.setup()
    from kindred.evidence.selectors import country_evidence

    found = country_evidence(code)
    digests = {}
    for part, rows in found.items():
        items = sorted(rows.items(), key=lambda item: repr(item[0]))
        digests[part] = {
            "rows": len(items),
            "sha256": hashlib.sha256(repr(items).encode()).hexdigest(),
        }
    print(json.dumps(digests))


def run(args: list[str], env: dict[str, str]) -> str:
    done = subprocess.run(args, env=env, cwd=ROOT, check=True, stdout=subprocess.PIPE, text=True)
    return done.stdout.strip().splitlines()[-1] if done.stdout.strip() else ""


def environment(database: Path, settings: dict[str, str]) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{database}",
        "DEBUG": "false",
        "SECRET_KEY": "benchmark-only-not-secret",
        "DJANGO_SETTINGS_MODULE": "kindred.settings",
        **settings,
    }


MANAGE = [sys.executable, str(ROOT / "manage.py")]


def installation(name: str, members: list[tuple], settings: dict[str, str], folder: Path) -> dict:
    """A copy of the migrated empty database, `members` generated into it, recomputed, each country
    digested."""
    database = folder / f"{name}.sqlite3"
    for suffix in ("", "-wal"):  # the write-ahead log too, should the migration have left one
        if (folder / f"migrated.sqlite3{suffix}").exists():
            shutil.copyfile(folder / f"migrated.sqlite3{suffix}", folder / f"{name}.sqlite3{suffix}")
    env = environment(database, settings)
    manage = MANAGE
    generate = {}
    for code, n, seed, first in members:
        started = time.perf_counter()
        run(
            [
                *manage,
                "generate",
                f"--schools={n}",
                f"--seed={seed}",
                f"--teachers={n}",
                f"--country={code}",
                f"--registry-from={first}",
                "-v0",
            ],
            env,
        )
        generate[code] = round(time.perf_counter() - started, 1)
    recompute = json.loads(run([sys.executable, __file__, "--child", "recompute"], env))
    digests = {
        code: json.loads(run([sys.executable, __file__, "--child", "digest", code], env))
        for code, *_ in members
    }
    return {
        "settings": settings,
        "generate_seconds": generate,
        "recompute": recompute,
        "digests": digests,
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scale", type=float, default=1.0, help="share of the national sizes (default 1)")
    parser.add_argument("--no-save", action="store_true", help="print only; do not write the results file")
    args = parser.parse_args()
    members = [(code, max(60, round(n * args.scale)), seed, first) for code, n, seed, first in COUNTRIES]
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="kindred-three-") as folder:
        # one migration, copied for each installation (the schema is the same; migrating is minutes)
        migrating = time.perf_counter()
        run([*MANAGE, "migrate", "-v0"], environment(Path(folder) / "migrated.sqlite3", {}))
        migrate = round(time.perf_counter() - migrating, 1)
        alone = {
            code: installation(
                f"alone_{code}", [(code, n, seed, first)], {"COUNTRY": code, "COUNTRIES": ""}, Path(folder)
            )
            for code, n, seed, first in members
        }
        together = installation("together", members, {"COUNTRY": "eng", "COUNTRIES": "wls,eg"}, Path(folder))
    equal = {
        code: {
            part: together["digests"][code][part] == alone[code]["digests"][code][part]
            for part in together["digests"][code]
        }
        for code, *_ in members
    }
    result = {
        "what": "each country's evidence in a three-country installation against the same country alone (SQLite)",
        "schools": {code: n for code, n, *_ in members},
        "seeds": {code: seed for code, _n, seed, *_ in members},
        "every_part_equal": all(all(parts.values()) for parts in equal.values()),
        "equal": equal,
        "recompute_seconds": {
            "together": together["recompute"]["seconds"],
            "together_by_country": together["recompute"]["seconds_by_country"],
            "alone": {code: alone[code]["recompute"]["seconds"] for code in alone},
            "alone_total": round(sum(alone[code]["recompute"]["seconds"] for code in alone), 2),
        },
        "published": {
            "together": together["recompute"]["published"],
            "alone": {code: alone[code]["recompute"]["published"] for code in alone},
        },
        "generate_seconds": {
            "together": together["generate_seconds"],
            "alone": {code: alone[code]["generate_seconds"][code] for code in alone},
        },
        "migrate_seconds_once": migrate,
        "summary_together": together["recompute"]["summary"],
        "summary_together_by_country": together["recompute"]["summary_by_country"],
        "summary_alone": {code: alone[code]["recompute"]["summary"] for code in alone},
        "digests": {
            "together": together["digests"],
            "alone": {code: alone[code]["digests"] for code in alone},
        },
        "wall_seconds": round(time.perf_counter() - started, 1),
        "machine": f"{os.cpu_count()} cores, shared; load average at the end {os.getloadavg()[0]:.1f}",
    }
    text = json.dumps(result, indent=2)
    print(text)
    if not args.no_save:
        RESULTS.write_text(text + "\n")


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--child":
        sys.path.insert(0, str(ROOT))
        child_recompute() if sys.argv[2] == "recompute" else child_digest(sys.argv[3])
    else:
        main()
