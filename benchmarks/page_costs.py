"""What each page of the national load test's mix costs, one visitor at a time (issue #26): server
time, database time and queries per page, and the queries that cost most.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kd_perf DEBUG=false SECRET_KEY=x \\
        .venv/bin/python benchmarks/page_costs.py --people 10 --runs 5 [--top 15] [--explain]

The database must hold the national trial (`kindred generate --schools 38000 --networks --posts
500000`, then ANALYZE, which the generator runs at its end). The visitors are PEOPLE teachers of
networked schools whose network has a board thread, chosen as benchmarks/load_national.py chooses
them (the same query); each page of benchmarks/locustfile.py's mix is requested through Django's
test client (middleware, session, access checks, selectors, templates; no network, no gunicorn)
as one of them in turn. Every SQL statement is timed in the client (`connection.execute_wrapper`):
one visitor at a time, the statement's wall time is the database's time for it (plus the socket).

Per page: the median over runs × people of the request's wall time, its database time, its Python
time (wall minus database) and its query count. Baseline, interleaved before every page: `/health/`
(the process answers; no database), so a busy machine shows in the baseline too. With --top, the
statements that cost most over the whole run (digits folded, so one shape of query is one line),
with --explain their plans (EXPLAIN ANALYZE of one example).

Writes benchmarks/results/page_costs.json (or --out). The sign-in (a POST with a password) checks an
Argon2 hash: Python time by design, a few hundred ms of one core.
"""

import argparse
import json
import os
import re
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
RESULTS = ROOT / "benchmarks" / "results"
PASSWORD = "national-load-test-password"
WORDS = ["maths", "reading", "meeting", "phonics", "attendance", "science", "rota", "training"]
SCHOOL_WORDS = ["primary", "academy", "st", "high"]


class Timer:
    """Times every statement run through the connection: total seconds, count, and per shape."""

    def __init__(self):
        self.seconds = 0.0
        self.count = 0
        self.shapes: dict[str, list] = defaultdict(lambda: [0, 0.0, "", None])

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            took = time.perf_counter() - started
            self.seconds += took
            self.count += 1
            shape = re.sub(r"\b\d+\b", "N", sql)
            entry = self.shapes[shape]
            entry[0] += 1
            entry[1] += took
            entry[2] = sql
            entry[3] = params


def people(n: int) -> list[dict]:
    from django.contrib.auth.hashers import make_password
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as c:
        c.execute(
            """
            SELECT u.id, u.email, s.registry_id, m.network_id, s.region_id,
                   (SELECT t.id FROM board_thread t WHERE t.network_id = m.network_id ORDER BY t.id LIMIT 1)
            FROM accounts_schoolstaff st
            JOIN accounts_user u ON u.id = st.user_id
            JOIN schools_school s ON s.id = st.school_id
            JOIN networks_membership m ON m.school_id = s.id AND m.left_at IS NULL
            WHERE u.is_active AND EXISTS (SELECT 1 FROM board_thread t WHERE t.network_id = m.network_id)
            ORDER BY md5(u.id::text) LIMIT %s""",
            [n],
        )
        rows = c.fetchall()
        c.execute("SELECT id FROM networks_network WHERE visibility = 'public' ORDER BY id")
        public = [r[0] for r in c.fetchall()]
        c.execute(
            "UPDATE accounts_user SET password = %s WHERE id = ANY(%s)",
            [make_password(PASSWORD), [r[0] for r in rows]],
        )
    return [
        {
            "id": r[0],
            "email": r[1],
            "school": r[2],
            "network": r[3],
            "region": r[4],
            "thread": r[5],
            "feed_network": public[i % len(public)],
        }
        for i, r in enumerate(rows)
    ]


def pages(person: dict, everyone: list[dict], i: int) -> list[tuple[str, str, str, dict | None]]:
    """(name, method, path, data) of the locust file's mix, for one visitor on round i."""
    word = WORDS[i % len(WORDS)]
    other = everyone[(i * 7 + 3) % len(everyone)]
    thread = f"/board/threads/{person['thread']}/"
    return [
        ("home (dashboard)", "get", "/", None),
        ("school page", "get", f"/schools/{other['school']}/", None),
        ("evidence dashboard", "get", "/evidence/dashboard/", None),
        ("network page", "get", f"/networks/{person['network']}/", None),
        ("board thread", "get", thread, None),
        (
            "post a reply",
            "post",
            thread + "reply/",
            {"body": f"Thank you, we will try this at our next {word} session."},
        ),
        ("board search", "get", f"/board/search/?q={word}", None),
        ("my calendar", "get", "/events/mine/", None),
        ("region calendar", "get", f"/events/regions/{person['region']}/", None),
        ("network feed (ics)", "get", f"/events/feeds/networks/{person['feed_network']}.ics", None),
        ("school search", "get", f"/?q={SCHOOL_WORDS[i % len(SCHOOL_WORDS)]}", None),
        ("profile", "get", "/accounts/profile/", None),
        ("sign-in page", "get", "/accounts/login/", None),
        ("sign in", "post", "/accounts/login/", {"username": person["email"], "password": PASSWORD}),
    ]


EXPECTED = {"post a reply": 302, "sign in": 302}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--people", type=int, default=10)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--only", nargs="*", help="only these pages (by name)")
    parser.add_argument("--top", type=int, default=0, help="the N statements that cost most")
    parser.add_argument("--explain", action="store_true", help="EXPLAIN ANALYZE of the top statements")
    parser.add_argument("--out", default=str(RESULTS / "page_costs.json"))
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kindred.settings")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    import django

    django.setup()
    from django.db import connection
    from django.test import Client

    everyone = people(args.people)
    with connection.cursor() as c:
        c.execute("SELECT pg_backend_pid()" if connection.vendor == "postgresql" else "SELECT 0")
        backend = c.fetchone()[0]

    def db_cpu() -> float:
        """CPU seconds of this connection's PostgreSQL server process (the server is on this machine)."""
        try:
            fields = Path(f"/proc/{backend}/stat").read_text().rsplit(")", 1)[1].split()
        except (FileNotFoundError, PermissionError):
            return 0.0
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    client = Client(HTTP_X_FORWARDED_FOR="10.9.9.9")
    timer = Timer()
    rows: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    cpu = time.process_time
    with connection.execute_wrapper(timer):
        for run in range(args.runs + 1):  # run 0 warms the caches and is not counted
            for n, person in enumerate(everyone):
                from kindred.accounts.models import User

                client.force_login(User.objects.get(pk=person["id"]))
                for name, method, path, data in pages(person, everyone, run * len(everyone) + n):
                    if args.only and name not in args.only:
                        continue
                    started = time.perf_counter()
                    client.get("/health/")
                    health = time.perf_counter() - started
                    if name == "sign-in page":
                        client.logout()
                    before_db, before_n, before_cpu, before_db_cpu = (
                        timer.seconds,
                        timer.count,
                        cpu(),
                        db_cpu(),
                    )
                    started = time.perf_counter()
                    response = getattr(client, method)(path, data or {})
                    wall = time.perf_counter() - started
                    expected = EXPECTED.get(name, 200)
                    if response.status_code != expected:
                        raise SystemExit(f"{name} {path}: {response.status_code}, expected {expected}")
                    if run == 0:
                        continue
                    db = timer.seconds - before_db
                    row = rows[name]
                    row["wall"].append(wall)
                    row["db"].append(db)
                    row["python"].append(wall - db)
                    row["cpu"].append(cpu() - before_cpu)
                    row["db_cpu"].append(db_cpu() - before_db_cpu)
                    row["queries"].append(timer.count - before_n)
                    row["health"].append(health)
    ms = lambda values: round(1000 * statistics.median(values), 1)  # noqa: E731
    table = [
        {
            "page": name,
            "requests": len(r["wall"]),
            "wall_ms": ms(r["wall"]),
            "database_ms": ms(r["db"]),
            "python_ms": ms(r["python"]),
            "python_cpu_ms": ms(r["cpu"]),
            "database_cpu_ms": round(1000 * statistics.mean(r["db_cpu"]), 1),
            "queries": statistics.median(r["queries"]),
            "max_queries": max(r["queries"]),
            "baseline_health_ms": ms(r["health"]),
        }
        for name, r in rows.items()
    ]
    print(
        f"{'page':22} {'n':>4} {'wall':>8} {'db':>8} {'python':>8} {'cpu':>8} {'db cpu':>8} {'queries':>7} {'health':>7}"
    )
    for t in table:
        print(
            f"{t['page']:22} {t['requests']:>4} {t['wall_ms']:>8} {t['database_ms']:>8} {t['python_ms']:>8}"
            f" {t['python_cpu_ms']:>8} {t['database_cpu_ms']:>8} {t['queries']:>7} {t['baseline_health_ms']:>7}"
        )
    top = sorted(timer.shapes.items(), key=lambda kv: -kv[1][1])[: args.top]
    worst = []
    for shape, (count, seconds, sql, params) in top:
        entry = {
            "calls": count,
            "total_ms": round(1000 * seconds),
            "mean_ms": round(1000 * seconds / count, 2),
            "sql": shape[:600],
        }
        print(
            f"\n{count:6} calls {1000 * seconds:9.0f} ms total {1000 * seconds / count:8.2f} ms each\n  {shape[:600]}"
        )
        if args.explain and sql.lstrip().upper().startswith("SELECT"):
            with connection.cursor() as c:
                c.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
                plan = "\n".join(r[0] for r in c.fetchall())
            entry["plan"] = plan
            print("  " + plan.replace("\n", "\n  "))
        worst.append(entry)
    load = [round(v, 2) for v in os.getloadavg()]
    Path(args.out).write_text(
        json.dumps(
            {
                "what": "per-page cost of the national load test's mix, one visitor at a time (test client)",
                "people": args.people,
                "runs": args.runs,
                "load_average_after": load,
                "pages": table,
                "worst_statements": worst,
            },
            indent=1,
        )
        + "\n"
    )
    print(f"\nload average {load}; written {args.out}")


if __name__ == "__main__":
    main()
