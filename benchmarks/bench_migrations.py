"""Time Kindred's migrations on a national-scale PostgreSQL database, and the table locks each takes
(issue #26, item 6: upgrades); prints JSON and writes benchmarks/results/bench_migrations_postgresql.json.

    .venv/bin/python benchmarks/bench_migrations.py \\
        --database-url postgres://postgres@127.0.0.1:5432/kd_ops_national --generate   # dropped and re-made!
    .venv/bin/python benchmarks/bench_migrations.py \\
        --database-url postgres://postgres@127.0.0.1:5432/kd_ops_national             # reuse the data

An upgrade applies the migrations a release adds to a database full of data, so each migration is
timed where it would run: on the national trial (`kindred generate --schools 38000 --networks
--posts 500000`: 38,000 schools, ~745,000 measures, 870,000 people, 3,455 networks, 500,000 posts;
`--generate` makes it, untimed, after dropping the database). For each app in PLAN the script rolls
the app back to the named migration (Django also unapplies whatever depends on the later ones, in
any app; a step that would unapply an app's first migration, dropping its tables and their data,
is left out and said so) and applies everything again, migration by migration, recording for each:

- the seconds it took (wall clock; PostgreSQL runs each migration in one transaction);
- the CPU seconds of the database server process that ran it and of the migrating Python process
  (the machine is shared: wall time there is mostly waiting for a core);
- every table it locked, with the strongest lock mode, the table's rows and how long the lock was
  held: a sampler on a second connection reads pg_locks every 20 ms, and a lock is held from when it
  is first seen to the migration's commit. ACCESS EXCLUSIVE blocks every read and write of the
  table (ALTER TABLE, DROP/CREATE INDEX on it without CONCURRENTLY), SHARE blocks writes (CREATE
  INDEX), ROW EXCLUSIVE is an ordinary write (UPDATE) that blocks nobody but writers of the same rows.

It also applies every migration to an empty database (`<name>_empty`, dropped after) for comparison.
A migration "blocks the site" when it holds a lock stronger than ROW EXCLUSIVE on a table of more
than 10,000 rows for longer than BLOCKING_SECONDS; those are listed under `blocking`.
Uses the database named in the URL (never point it at one you want to keep).
"""

import argparse
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results"
# Where each app is rolled back to: the migrations after it are the ones that touch tables the
# national trial fills (people, staff roles, schools, measures, posts, threads, read marks, events,
# networks); a rollback also unapplies the migrations of other apps that depend on them.
PLAN = [
    ("accounts", "0003_sign_in_devices_for_the_throttle"),
    ("board", "0001_threads_posts_read_state_notifications"),
    ("schools", "0006_banded_false_in_the_database_too"),
    ("events", "0001_events_occurrences_registrations_feeds"),
    ("networks", "0001_networks_memberships_roles_rota_profiles"),
    ("evidence", "0001_stored_results"),
]
BLOCKING_SECONDS = 2.0
# pg_locks' table modes, weakest first; everything above ROW EXCLUSIVE blocks other writers.
MODES = [
    "AccessShareLock",
    "RowShareLock",
    "RowExclusiveLock",
    "ShareUpdateExclusiveLock",
    "ShareLock",
    "ShareRowExclusiveLock",
    "ExclusiveLock",
    "AccessExclusiveLock",
]
BLOCKS_WRITES = set(MODES[MODES.index("ShareLock") :])


def admin_url(url: str) -> str:
    return urlunparse(urlparse(url)._replace(path="/postgres"))


def recreate(url: str) -> None:
    import psycopg

    name = urlparse(url).path.lstrip("/")
    if name in {"", "postgres", "template0", "template1"}:
        raise SystemExit("Name a scratch database in --database-url")
    with psycopg.connect(admin_url(url), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


def drop(url: str) -> None:
    import psycopg

    with psycopg.connect(admin_url(url), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{urlparse(url).path.lstrip("/")}"')


def environment(url: str) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": url,
        "DEBUG": "false",
        "SECRET_KEY": "benchmark-only-not-secret",
        "DJANGO_SETTINGS_MODULE": "kindred.settings",
    }


def generate(url: str) -> dict:
    """Drop, migrate and fill the database with the national trial (untimed for the migrations)."""
    recreate(url)
    env = environment(url)
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "-v0"], env=env, cwd=ROOT, check=True)
    started = time.perf_counter()
    process = subprocess.Popen(
        [*manage, "generate", "--schools", "38000", "--networks", "--posts", "500000"], env=env, cwd=ROOT
    )
    _pid, status, usage = os.wait4(process.pid, 0)
    if status:
        raise SystemExit(f"kindred generate failed (status {status})")
    return {
        "seconds": round(time.perf_counter() - started, 1),
        "cpu_seconds_command": round(usage.ru_utime + usage.ru_stime, 1),
    }


def backend_cpu(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class LockSampler(threading.Thread):
    """Reads the locks the migrating connection holds, every 20 ms, from its own connection."""

    def __init__(self, url: str, pid: int):
        super().__init__(daemon=True)
        import psycopg

        self.conn = psycopg.connect(url, autocommit=True)
        self.pid = pid
        self.current: str | None = None
        self.first_seen: dict[str, dict[tuple[str, str], float]] = {}
        self.lock = threading.Lock()
        self.stopping = threading.Event()

    def run(self) -> None:
        query = (
            "SELECT c.relname, l.mode FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
            "WHERE l.pid = %s AND l.granted AND c.relkind IN ('r', 'p') "
            "AND c.relnamespace = 'public'::regnamespace"
        )
        while not self.stopping.is_set():
            rows = self.conn.execute(query, (self.pid,)).fetchall()
            now = time.perf_counter()
            with self.lock:
                if self.current is not None:
                    seen = self.first_seen.setdefault(self.current, {})
                    for relname, mode in rows:
                        seen.setdefault((relname, mode), now)
            self.stopping.wait(0.02)

    def begin(self, label: str) -> None:
        with self.lock:
            self.current = label
            self.first_seen[label] = {}

    def end(self, label: str, ended: float) -> list[dict]:
        with self.lock:
            self.current = None
            seen = self.first_seen.pop(label, {})
        strongest: dict[str, tuple[str, float]] = {}
        for (relname, mode), first in seen.items():
            held = ended - first
            if relname not in strongest or MODES.index(mode) > MODES.index(strongest[relname][0]):
                strongest[relname] = (mode, held)
        return [
            {"table": t, "mode": m, "held_seconds": round(h, 2)} for t, (m, h) in sorted(strongest.items())
        ]

    def stop(self) -> None:
        self.stopping.set()
        self.join()
        self.conn.close()


def timed_migrations(url: str, phase: str, targets_of) -> list[dict]:
    """Run the executor to the targets, timing each migration and sampling its locks."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    connection.ensure_connection()
    pid = connection.connection.info.backend_pid
    sampler = LockSampler(url, pid)
    sampler.start()
    rows_of = table_rows()
    records: list[dict] = []
    state: dict = {}

    def progress(action: str, migration=None, fake: bool = False) -> None:
        if action in {"apply_start", "unapply_start"}:
            label = f"{migration.app_label}.{migration.name}"
            state.update(
                label=label, started=time.perf_counter(), cpu=backend_cpu(pid), own=time.process_time()
            )
            sampler.begin(label)
        elif action in {"apply_success", "unapply_success"}:
            ended = time.perf_counter()
            locks = sampler.end(state["label"], ended)
            for lock in locks:
                lock["rows"] = rows_of.get(lock["table"], 0)
            records.append(
                {
                    "phase": phase,
                    "direction": "apply" if action == "apply_success" else "unapply",
                    "migration": state["label"],
                    "seconds": round(ended - state["started"], 3),
                    "database_cpu_seconds": round(backend_cpu(pid) - state["cpu"], 2),
                    # Django's own work (rendering the model states, RunPython loops), in this process
                    "python_cpu_seconds": round(time.process_time() - state["own"], 2),
                    "locks": [lock for lock in locks if lock["mode"] != "AccessShareLock"],
                    "load_average": round(os.getloadavg()[0], 2),
                }
            )
            print(json.dumps(records[-1]), flush=True)

    try:
        executor = MigrationExecutor(connection, progress)
        targets = targets_of(executor)
        executor.migrate(targets, plan=executor.migration_plan(targets))
    finally:
        sampler.stop()
    return records


def table_rows() -> dict[str, int]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, GREATEST(reltuples, 0)::bigint FROM pg_class "
            "WHERE relkind = 'r' AND relnamespace = 'public'::regnamespace"
        )
        return dict(cursor.fetchall())


def blocking(records: list[dict]) -> list[dict]:
    out = []
    for r in records:
        for lock in r["locks"]:
            if (
                lock["mode"] in BLOCKS_WRITES
                and lock["rows"] > 10_000
                and lock["held_seconds"] > BLOCKING_SECONDS
            ):
                out.append({"migration": r["migration"], "direction": r["direction"], **lock})
    return out


def child(args: argparse.Namespace) -> None:
    """In a process whose DATABASE_URL is the database to time (Django reads it at set-up)."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    if args.phase == "empty":
        records = timed_migrations(args.database_url, "empty", lambda e: e.loader.graph.leaf_nodes())
    else:
        call_command("migrate", verbosity=0)  # start from the code's full schema
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # row counts for the report
        records = []
        for app, target in PLAN:
            if args.apps and app not in args.apps:
                continue
            from django.db.migrations.executor import MigrationExecutor

            backwards = MigrationExecutor(connection).migration_plan([(app, target)])
            initial = sorted(f"{m.app_label}.{m.name}" for m, _backwards in backwards if m.initial)
            if initial:  # it would drop tables full of data: the timings after it would be on empty ones
                print(json.dumps({"phase": f"{app} back to {target}", "skipped": f"would unapply {initial}"}))
                continue
            records += timed_migrations(
                args.database_url,
                f"{app} back to {target}",
                lambda e, app=app, target=target: [(app, target)],
            )
            records += timed_migrations(
                args.database_url, f"{app} forward again", lambda e: e.loader.graph.leaf_nodes()
            )
    print("RESULT " + json.dumps(records), flush=True)


def run_child(url: str, phase: str, apps: list[str]) -> tuple[list[dict], float]:
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, __file__, "--child", "--phase", phase, "--database-url", url, *apps],
        env=environment(url),
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    records: list[dict] = []
    for line in process.stdout:
        if line.startswith("RESULT "):
            records = json.loads(line.removeprefix("RESULT "))
        else:
            print(line, end="", flush=True)
    if process.wait():
        raise SystemExit(f"the {phase} phase failed")
    return records, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", required=True, help="PostgreSQL database for the national trial")
    parser.add_argument(
        "--generate", action="store_true", help="drop it and generate the national trial first"
    )
    parser.add_argument("--phase", choices=["empty", "national"], help=argparse.SUPPRESS)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--apps", nargs="+", help="only these apps' steps of PLAN")
    parser.add_argument("--skip-empty", action="store_true", help="leave out the empty database's timings")
    parser.add_argument("--out", default=str(RESULTS / "bench_migrations_postgresql.json"))
    args = parser.parse_args()
    if args.child:
        child(args)
        return
    if not args.database_url.startswith("postgres"):
        raise SystemExit("PostgreSQL only: the locks and the server's CPU are PostgreSQL's")
    uptime = {"before": os.getloadavg()}
    generated = generate(args.database_url) if args.generate else None
    empty, empty_seconds = [], 0.0
    if not args.skip_empty:
        empty_url = args.database_url.rstrip("/") + "_empty"
        recreate(empty_url)
        try:
            empty, empty_seconds = run_child(empty_url, "empty", [])
        finally:
            drop(empty_url)
    national, national_seconds = run_child(
        args.database_url, "national", ["--apps", *args.apps] if args.apps else []
    )
    uptime["after"] = os.getloadavg()
    applied = [r for r in national if r["direction"] == "apply"]
    slowest = sorted(applied, key=lambda r: r["seconds"], reverse=True)[:10]
    result = {
        "database": "postgresql",
        "data": "national trial: kindred generate --schools 38000 --networks --posts 500000",
        "generated": generated,
        "plan": [f"{app} back to {target}, then forward" for app, target in PLAN],
        "empty_database": {
            "seconds": round(empty_seconds, 1),
            "migrations": len(empty),
            "migrations_seconds": round(sum(r["seconds"] for r in empty), 2),
            "slowest": sorted(empty, key=lambda r: r["seconds"], reverse=True)[:3],
        },
        "national": {"seconds": round(national_seconds, 1), "applied": len(applied)},
        "slowest_applied_on_national_data": slowest,
        "blocking": blocking(national),
        "blocking_threshold_seconds": BLOCKING_SECONDS,
        "load_average": uptime,
        "runs": national,
    }
    Path(args.out).write_text(json.dumps(result, indent=1) + "\n")
    print(json.dumps({k: v for k, v in result.items() if k != "runs"}, indent=1))


if __name__ == "__main__":
    main()
