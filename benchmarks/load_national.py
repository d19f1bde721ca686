"""The national load test (issue #26), in one command: `kindred serve --workers 2` + PostgreSQL + Redis
with the national trial's data, driven by locust (benchmarks/locustfile.py) headless; writes
benchmarks/results/load_national.json (and locust's CSV files beside it, load_national_<users>_*.csv, named after --out)
and prints p50, p95, errors, requests/s and the CPU it took per core.

    .venv/bin/pip install --require-hashes --no-deps -r requirements/all.txt   # the bench extra: locust
    .venv/bin/python benchmarks/load_national.py          # the quoted run: 200 visitors for 10 minutes
    .venv/bin/python benchmarks/load_national.py --steps 20 --step-time 1m     # a quick try
    ... --steps 50 100 200 --step-time 2m --think 1-5       # where it saturates (the old 1-5 s mix)

The database (--database-url, default postgres://postgres@127.0.0.1:5432/kindred_national) is
created if it does not exist, migrated, and filled with the national trial if it holds no school
(`kindred generate --schools 38000 --networks --posts 500000`: ~2.5 minutes on 2 cores, ~1.2 GB);
a database that holds schools is used as it is. Redis (--redis-url) is started on a scratch
port (no persistence) when nothing answers there and redis-server is installed.

The script gives PEOPLE teachers of it a known password (one hash, the same for all; nobody else's
account is touched) and writes who they are (their school, a network of it, a thread of its board,
their region, a public network for the feed) to a file for the locust file. It starts `kindred
serve` (gunicorn, --workers, default 2) with production settings but for plain HTTP on 127.0.0.1
(SECURE_SSL_REDIRECT and SECURE_COOKIES off; the visitors send the proxy's headers, and
TRUSTED_PROXY_COUNT=1 makes each visitor its own client address), TASKS_BACKEND=redis (replies
queue their notifications; no worker runs, so the queue only grows: nothing is sent), waits for
/ready/, then runs locust once per step of users, with --think as the visitors' think time
(locustfile.py says why "reading", its default, is a Weibull of mean 20 s). For each step it
records per endpoint the requests, failures, p50/p95/p99 and requests/s (locust's figures), the
CPU seconds of the web server (master and workers), of the database server processes serving it
and of locust itself, the machine's CPU use per core from /proc/stat, and the load average
(`uptime`) before, every 30 s during, and after. The machine must be quiet for the quoted run:
other people's work shows in the load average and in the per-core CPU (the web server's and
database's own CPU seconds are this test's); the script warns when the load average is over 0.5
before it starts.
"""

import argparse
import csv
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results"
PASSWORD = "national-load-test-password"
BIN = Path(sys.executable).parent


def seconds_of(text: str) -> int:
    units = {"s": 1, "m": 60, "h": 3600}
    return int(text[:-1]) * units[text[-1]] if text[-1] in units else int(text)


def prepare_people(env: dict[str, str], people: int, path: Path) -> None:
    """Give PEOPLE teachers of networked schools the load test's password; write the locust file's CSV."""
    script = f"""
import csv, django
django.setup()
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
with transaction.atomic(), connection.cursor() as c:
    c.execute('''
        SELECT u.id, u.email, s.registry_id, m.network_id, s.region_id,
               (SELECT t.id FROM board_thread t WHERE t.network_id = m.network_id ORDER BY t.id LIMIT 1)
        FROM accounts_schoolstaff st
        JOIN accounts_user u ON u.id = st.user_id
        JOIN schools_school s ON s.id = st.school_id
        JOIN networks_membership m ON m.school_id = s.id AND m.left_at IS NULL
        WHERE u.is_active AND EXISTS (SELECT 1 FROM board_thread t WHERE t.network_id = m.network_id)
        ORDER BY md5(u.id::text) LIMIT %s''', [{people}])
    rows = c.fetchall()
    c.execute("SELECT id FROM networks_network WHERE visibility = 'public' ORDER BY id")
    public = [r[0] for r in c.fetchall()]
    c.execute('UPDATE accounts_user SET password = %s WHERE id = ANY(%s)',
              [make_password({PASSWORD!r}), [r[0] for r in rows]])
with open({str(path)!r}, 'w', newline='') as f:
    w = csv.writer(f)
    w.writerow(['email', 'school', 'network', 'region', 'thread', 'feed_network'])
    for i, (_id, email, school, network, region, thread) in enumerate(rows):
        w.writerow([email, school, network, region, thread, public[i % len(public)]])
print(len(rows))
"""
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, cwd=ROOT, check=True, capture_output=True, text=True
    )
    print(f"{done.stdout.strip()} people ready", flush=True)


def ensure_national(env: dict[str, str], database_url: str) -> None:
    """Create the database if it does not exist, migrate it, and generate the national trial into it
    if it holds no school."""
    import psycopg
    from psycopg import sql

    url = urlparse(database_url)
    name = url.path.lstrip("/")
    server = url._replace(path="/postgres").geturl()
    with psycopg.connect(server, autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone() is None:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            print(f"created database {name}", flush=True)
    # With TASKS_BACKEND=redis, django-rq's own migrations too (as the deployment's `kindred migrate`)
    subprocess.run([str(BIN / "kindred"), "migrate", "-v0"], env=env, cwd=ROOT, check=True)
    with psycopg.connect(database_url) as conn:
        schools = conn.execute("SELECT count(*) FROM schools_school").fetchone()[0]
    if schools:
        print(f"database {name} holds {schools:,} schools: used as it is", flush=True)
        return
    print(f"generating the national trial into {name} (a few minutes)", flush=True)
    started = time.perf_counter()
    subprocess.run(
        [str(BIN / "kindred"), "generate", "--schools", "38000", "--networks", "--posts", "500000"],
        env=env,
        cwd=ROOT,
        check=True,
    )
    print(f"generated in {time.perf_counter() - started:.0f} s", flush=True)


def ensure_redis(redis_url: str, scratch: Path) -> tuple[str, subprocess.Popen | None]:
    """The Redis URL to use, and the redis-server started for the test (None if one answered)."""
    import redis

    try:
        redis.Redis.from_url(redis_url, socket_connect_timeout=2).ping()
        return redis_url, None
    except redis.RedisError:
        pass
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        cwd=scratch,
        stdout=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{port}/0"
    for _ in range(50):
        try:
            redis.Redis.from_url(url, socket_connect_timeout=1).ping()
            print(f"started redis-server on port {port}", flush=True)
            return url, server
        except redis.RedisError:
            time.sleep(0.2)
    raise SystemExit(f"redis-server did not answer on port {port}")


def proc_cpu(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except FileNotFoundError:
        return 0.0
    # utime, stime, and the children's (gunicorn's workers that ended) cutime, cstime
    return sum(int(fields[i]) for i in (11, 12, 13, 14)) / os.sysconf("SC_CLK_TCK")


def children_of(pid: int) -> list[int]:
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True).stdout
    return [int(p) for p in out.split()]


def database_pids(database_url: str) -> list[int]:
    import psycopg

    name = urlparse(database_url).path.lstrip("/")
    with psycopg.connect(database_url, autocommit=True) as conn:
        rows = conn.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()", (name,)
        ).fetchall()
    return [r[0] for r in rows]


def per_core() -> list[tuple[int, int]]:
    """(busy, total) jiffies of each core, from /proc/stat."""
    cores = []
    for line in Path("/proc/stat").read_text().splitlines():
        if line.startswith("cpu") and line[3].isdigit():
            values = [int(v) for v in line.split()[1:]]
            idle = values[3] + values[4]
            cores.append((sum(values) - idle, sum(values)))
    return cores


class Sampler(threading.Thread):
    """The load average every 30 s, and the CPU seconds of the database processes serving the test
    (connections come and go: the last reading of each is kept)."""

    def __init__(self, database_url: str):
        super().__init__(daemon=True)
        self.database_url = database_url
        self.loads: list[list[float]] = []
        self.db_cpu: dict[int, tuple[float, float]] = {}  # pid: (first reading, last reading)
        self.stopping = threading.Event()

    def sample_db(self) -> None:
        for pid in database_pids(self.database_url):
            cpu = proc_cpu(pid)
            first = self.db_cpu.get(pid, (cpu, cpu))[0]
            self.db_cpu[pid] = (first, cpu)

    def run(self) -> None:
        ticks = 0
        while not self.stopping.wait(5):
            self.sample_db()
            ticks += 1
            if ticks % 6 == 0:
                self.loads.append([round(v, 2) for v in os.getloadavg()])

    def database_cpu(self) -> float:
        return round(sum(last - first for first, last in self.db_cpu.values()), 1)


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(40)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def wait_ready(base: str, seconds: int = 600) -> dict:
    deadline = time.monotonic() + seconds
    last = ""
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(base + "/ready/", timeout=10) as response:
                return json.loads(response.read())
        except urllib.error.HTTPError as error:  # 503: what is not ready yet
            last = error.read().decode(errors="replace")
        except OSError as error:
            last = str(error)
        time.sleep(1)
    raise SystemExit(f"kindred serve did not become ready: {last}")


def locust_stats(prefix: str) -> list[dict]:
    rows = []
    with open(prefix + "_stats.csv", newline="") as f:
        for r in csv.DictReader(f):
            rows.append(
                {
                    "name": r["Name"] if r["Type"] else "all",
                    "method": r["Type"],
                    "requests": int(r["Request Count"]),
                    "failures": int(r["Failure Count"]),
                    "p50_ms": float(r["50%"] or 0),
                    "p95_ms": float(r["95%"] or 0),
                    "p99_ms": float(r["99%"] or 0),
                    "max_ms": round(float(r["Max Response Time"] or 0)),
                    "requests_per_second": round(float(r["Requests/s"]), 2),
                }
            )
    return rows


def locust_failures(prefix: str) -> list[dict]:
    path = Path(prefix + "_failures.csv")
    if not path.exists():
        return []
    with path.open(newline="") as f:
        return [
            {"name": r["Name"], "error": r["Error"], "occurrences": int(r["Occurrences"])}
            for r in csv.DictReader(f)
        ]


def run_step(args, env, users: int, server: subprocess.Popen, people: Path) -> dict:
    out = Path(args.out)
    prefix = str(out.parent / f"{out.stem}_{users}")  # locust's CSV files beside the results
    sampler = Sampler(args.database_url)
    sampler.sample_db()
    web_pids = [server.pid, *children_of(server.pid)]
    web_before = {pid: proc_cpu(pid) for pid in web_pids}
    cores_before = per_core()
    load_before = [round(v, 2) for v in os.getloadavg()]
    sampler.start()
    started = time.perf_counter()
    locust = subprocess.Popen(
        [
            str(BIN / "locust"),
            "-f",
            str(ROOT / "benchmarks" / "locustfile.py"),
            "--headless",
            "--host",
            f"http://127.0.0.1:{args.port}",
            "--users",
            str(users),
            "--spawn-rate",
            str(args.spawn_rate),
            "--run-time",
            args.step_time,
            "--csv",
            prefix,
            "--only-summary",
            "--loglevel",
            "WARNING",
            "--stop-timeout",
            "10",
        ],
        env={**env, "LOAD_PEOPLE": str(people), "LOAD_PASSWORD": PASSWORD, "LOAD_THINK": args.think},
        cwd=ROOT,
    )
    _pid, _status, usage = os.wait4(locust.pid, 0)
    wall = time.perf_counter() - started
    sampler.stopping.set()
    sampler.join()
    sampler.sample_db()
    cores_after = per_core()
    web_pids = set(web_pids) | set(children_of(server.pid))
    web_cpu = sum(proc_cpu(pid) - web_before.get(pid, 0.0) for pid in web_pids if pid != server.pid)
    web_cpu += proc_cpu(server.pid) - web_before[server.pid]
    busy = [
        round(100 * (a[0] - b[0]) / max(1, a[1] - b[1]), 1)
        for a, b in zip(cores_after, cores_before, strict=True)
    ]
    stats = locust_stats(prefix)
    total = next(s for s in stats if s["name"] == "all")
    return {
        "users": users,
        "seconds": round(wall, 1),
        "requests": total["requests"],
        "failures": total["failures"],
        "requests_per_second": total["requests_per_second"],
        "p50_ms": total["p50_ms"],
        "p95_ms": total["p95_ms"],
        "p99_ms": total["p99_ms"],
        "web_cpu_seconds": round(web_cpu, 1),
        "database_cpu_seconds": sampler.database_cpu(),
        "locust_cpu_seconds": round(usage.ru_utime + usage.ru_stime, 1),
        "requests_per_web_cpu_second": round(total["requests"] / max(web_cpu, 0.1), 1),
        "machine_cpu_busy_percent_per_core": busy,
        "load_average_before": load_before,
        "load_average_during": sampler.loads,
        "load_average_after": [round(v, 2) for v in os.getloadavg()],
        "endpoints": [s for s in stats if s["name"] != "all"],
        "errors": locust_failures(prefix),
    }


def summary_line(step: dict) -> str:
    """One step in words: what the quoted run is judged on, and the CPU it took per core."""
    seconds = step["seconds"]
    web, db = step["web_cpu_seconds"], step["database_cpu_seconds"]
    return (
        f"{step['users']} users for {seconds:.0f} s: {step['requests']:,} requests, "
        f"{step['failures']} errors, {step['requests_per_second']} requests/s, "
        f"p50 {step['p50_ms']:.0f} ms, p95 {step['p95_ms']:.0f} ms, p99 {step['p99_ms']:.0f} ms; "
        f"web server {web} CPU s ({web / seconds:.2f} of a core), database {db} CPU s "
        f"({db / seconds:.2f} of a core): {step['requests'] / max(web + db, 0.1):.1f} requests per CPU "
        f"second (web and database), what one core would carry of this mix; "
        f"machine busy per core {step['machine_cpu_busy_percent_per_core']} %, "
        f"load average before {step['load_average_before'][0]}, after {step['load_average_after'][0]}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--database-url",
        default="postgres://postgres@127.0.0.1:5432/kindred_national",
        help="PostgreSQL database of the national trial (created and generated if missing)",
    )
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/6")
    parser.add_argument("--port", type=int, default=8600)
    parser.add_argument("--workers", type=int, default=2, help="kindred serve --workers (default 2)")
    parser.add_argument("--steps", type=int, nargs="+", default=[200], help="users in each step")
    parser.add_argument(
        "--step-time", default="10m", help="locust --run-time of each step (10m: the quoted run)"
    )
    parser.add_argument("--spawn-rate", type=float, default=10)
    parser.add_argument(
        "--think",
        default="reading",
        help="the visitors' think time (LOAD_THINK of locustfile.py): reading, a mean N, or A-B",
    )
    parser.add_argument("--people", type=int, default=2000, help="teachers given the test's password")
    parser.add_argument("--out", default=str(RESULTS / "load_national.json"))
    args = parser.parse_args()
    load = os.getloadavg()[0]
    if load > 0.5:
        print(f"warning: load average {load:.2f} before the test: the machine is not quiet", flush=True)
    scratch = Path(tempfile.mkdtemp(prefix="kindred-load-"))
    env = {
        **os.environ,
        "DATABASE_URL": args.database_url,
        "TASKS_BACKEND": "redis",
        "DEBUG": "false",
        "SECRET_KEY": "load-test-only-not-secret",
        "DJANGO_SETTINGS_MODULE": "kindred.settings",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SITE_URL": f"http://127.0.0.1:{args.port}",
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_COOKIES": "false",
        "TRUSTED_PROXY_COUNT": "1",
        "KINDRED_VAR_DIR": str(scratch),
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
    }
    redis_url, redis_server = ensure_redis(args.redis_url, scratch)
    env["REDIS_URL"] = redis_url
    steps = []
    try:
        ensure_national(env, args.database_url)
        people = scratch / "people.csv"
        prepare_people(env, args.people, people)
        command = [str(BIN / "kindred"), "serve", "--bind", f"127.0.0.1:{args.port}"]
        command += ["--workers", str(args.workers)]
        log = (scratch / "serve.log").open("w")
        server = subprocess.Popen(command, env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
        try:
            ready = wait_ready(f"http://127.0.0.1:{args.port}")
            for users in args.steps:
                step = run_step(args, env, users, server, people)
                steps.append(step)
                print(
                    json.dumps({k: v for k, v in step.items() if k not in {"endpoints", "errors"}}),
                    flush=True,
                )
        finally:
            stop(server)
            log.close()
    finally:
        if redis_server is not None:
            stop(redis_server)
    server_errors = [
        line.strip()
        for line in (scratch / "serve.log").read_text().splitlines()
        if re.search(r'HTTP/1\.[01]" 5\d\d ', line) or "Traceback" in line
    ]
    result = {
        "what": "national load test: kindred serve + PostgreSQL + Redis, locust (benchmarks/locustfile.py)",
        "data": "kindred generate --schools 38000 --networks --posts 500000 (national trial)",
        "server": {"command": " ".join(command[1:]), "ready": ready, "cores": os.cpu_count()},
        "step_time": args.step_time,
        "spawn_rate": args.spawn_rate,
        "think": args.think,
        "people_signed_in": args.people,
        "steps": steps,
        "server_log_5xx_or_tracebacks": server_errors[:50],
    }
    Path(args.out).write_text(json.dumps(result, indent=1) + "\n")
    print()
    for step in steps:
        print(summary_line(step))
    print(f"server log: {len(server_errors)} lines with a 5xx or a traceback")
    print(f"written {args.out}; server log {scratch / 'serve.log'}")


if __name__ == "__main__":
    main()
