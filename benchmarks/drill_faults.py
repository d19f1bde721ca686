"""Fault drills (issue #26): kill the work in the middle and check what is left; cut the web server's
database connections under load; fill the uploads' disk. Prints each outcome as JSON and writes
benchmarks/results/drill_faults.json.

    .venv/bin/python benchmarks/drill_faults.py \\
        --database-url postgres://postgres@127.0.0.1:5432/kd_ops_drill --port 8650   # dropped and re-made!
    ... --only digest connections                                                   # some drills

Data: a generated region (`kindred generate --schools 3000 --networks --posts 60000`), made once
in the scratch database. The drills, each with a real process killed by SIGKILL (no clean-up code
runs: a power cut, the out-of-memory killer, a container stopped hard):

- **import**: `kindred import people` of 150,000 new people, killed while it writes (as soon as
  the database shows one of its COPY statements running); then the counts of people, staff roles and queued welcome e-mails are
  compared with before (the import is one transaction: nothing may be there), the import is run
  again to the end, and a third time (every row unchanged, no second welcome).
- **digest**: `kindred digest` sending through a real SMTP server in this process (aiosmtpd, 20 ms a
  message), killed after 30 e-mails were accepted; run again at once, then once more after the
  killed sender's claim has lapsed (STALE_CLAIM, 15 minutes: the drill moves the claim's time back
  instead of waiting); every digest in the outbox must have reached its person, at most the one in
  flight at the kill twice, and that one with the same Message-ID (so each digest is one message).
- **recompute**: `kindred recompute` (families, relative performance, categories) run once to the
  end, then again and killed half-way (by the first run's time): the published results (the current
  runs, the rows under them, the categories) must be the first run's, untouched; a third run at once
  must run (the killed run's lock is a dead holder's: core/locks.py) and publish a complete new set
  (as many rows as the first, new runs, no lock left).
- **connections** (PostgreSQL): `kindred serve` (3 workers) under 12 threads of requests to public
  pages for 60 s while every connection of the database but the drill's is ended with
  pg_terminate_backend every 10 s — only this scratch database's, never anyone else's; records
  every request's status and time: the failures must be quick, be Kindred's error page, and stop
  by themselves.
- **disk**: the uploads folder (KINDRED_VAR_DIR) on a 1 MB tmpfs (needs root; said so and skipped
  otherwise); a board reply with a 2 MB attachment through `kindred serve` must answer the
  "no room" page (507), leave no post and no file, and the site must go on answering.
"""

import argparse
import csv
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results"
BIN = Path(sys.executable).parent
DRILLS = ["import", "digest", "recompute", "connections", "disk"]


def admin_url(url: str) -> str:
    return urlunparse(urlparse(url)._replace(path="/postgres"))


def sql(url: str, query: str, params=()) -> list[tuple]:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        cursor = conn.execute(query, params)
        return cursor.fetchall() if cursor.description else []


def one(url: str, query: str, params=()):
    return sql(url, query, params)[0][0]


def kindred(env, *args, check=True, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([str(BIN / "kindred"), *args], env=env, cwd=ROOT, check=check, **kw)


def killed_when(env, args: list[str], ready, poll: float = 0.2) -> dict:
    """Start `kindred args`, SIGKILL it as soon as ready(stderr so far) is true; its last words."""
    process = subprocess.Popen(
        [str(BIN / "kindred"), *args], env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    err = bytearray()
    os.set_blocking(process.stderr.fileno(), False)
    started = time.perf_counter()
    while process.poll() is None:
        chunk = process.stderr.read()
        if chunk:
            err += chunk
        if ready(err.decode(errors="replace"), time.perf_counter() - started):
            process.send_signal(signal.SIGKILL)
            process.wait()
            return {
                "killed_after_seconds": round(time.perf_counter() - started, 1),
                "exit": process.returncode,
                "last_words": err.decode(errors="replace").replace("\r", "\n").strip().split("\n")[-1][-160:],
            }
        time.sleep(poll)
    raise SystemExit(f"{args} ended ({process.returncode}) before it could be killed: {err.decode()[-500:]}")


# ---------------------------------------------------------------------------------------- import
_copies: set[str] = set()


def copies_written(url: str) -> int:
    """How many different COPY statements the database has been seen running for the import."""
    name = urlparse(url).path.lstrip("/")
    for (query,) in sql(
        admin_url(url),
        "SELECT query FROM pg_stat_activity WHERE datname = %s AND state = 'active' AND query LIKE 'COPY%%'",
        (name,),
    ):
        _copies.add(query[:200])
    return len(_copies)


def drill_import(url: str, env, scratch: Path) -> dict:
    schools = [r[0] for r in sql(url, "SELECT registry_id FROM schools_school ORDER BY id")]
    path = scratch / "people.csv"
    n = 150_000
    run = int(time.time())  # new people in every run of the drill
    with path.open("w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["school_id", "email", "name", "role"])
        for i in range(n):
            w.writerow(
                [
                    schools[i % len(schools)],
                    f"drill{i}.{run}@drill.kindred.example",
                    f"Drill Person {i}",
                    "teacher",
                ]
            )

    def counts() -> dict:
        return {
            "people": one(url, "SELECT count(*) FROM accounts_user"),
            "staff_roles": one(url, "SELECT count(*) FROM accounts_schoolstaff"),
            "welcomes_queued": one(url, "SELECT count(*) FROM accounts_pendingwelcome"),
            "indexes_on_people": one(
                url, "SELECT count(*) FROM pg_indexes WHERE tablename = 'accounts_user'"
            ),
        }

    before = counts()
    kill = killed_when(
        env, ["import", "people", str(path)], lambda err, s: copies_written(url) >= 1, poll=0.05
    )
    after_kill = counts()
    started = time.perf_counter()
    first = kindred(env, "import", "people", str(path), capture_output=True, text=True)
    first_seconds = time.perf_counter() - started
    after_rerun = counts()
    again = kindred(env, "import", "people", str(path), capture_output=True, text=True)
    after_again = counts()
    return {
        "rows": n,
        "kill": kill,
        "before": before,
        "after_kill": after_kill,
        "nothing_half_written": after_kill == before,
        "rerun_seconds": round(first_seconds, 1),
        "rerun_said": first.stdout.strip()[-300:],
        "after_rerun": after_rerun,
        "rerun_complete": after_rerun["people"] == before["people"] + n
        and after_rerun["staff_roles"] == before["staff_roles"] + n
        and after_rerun["welcomes_queued"] == before["welcomes_queued"] + n,
        "third_run_said": again.stdout.strip()[-300:],
        "third_run_changed_nothing": after_again == after_rerun,
    }


# ---------------------------------------------------------------------------------------- digest
class CountingSMTP:
    """A real SMTP server (aiosmtpd) that accepts every message after `delay` and counts them by recipient."""

    def __init__(self, port: int, delay: float):
        from aiosmtpd.controller import Controller

        self.received: Counter = Counter()
        # each copy's Message-ID: a copy sent again after the kill must be the same message
        self.message_ids: Counter = Counter()
        self.lock = threading.Lock()
        server = self

        class Handler:
            async def handle_DATA(self, smtp, session, envelope):
                import asyncio
                from email.parser import BytesHeaderParser

                await asyncio.sleep(delay)
                message_id = BytesHeaderParser().parsebytes(envelope.content)["Message-ID"]
                with server.lock:
                    server.message_ids[message_id] += 1
                    for rcpt in envelope.rcpt_tos:
                        server.received[rcpt.lower()] += 1
                return "250 OK"

        self.controller = Controller(Handler(), hostname="127.0.0.1", port=port)

    def total(self) -> int:
        with self.lock:
            return sum(self.received.values())


def drill_digest(url: str, env, port: int) -> dict:
    smtp = CountingSMTP(port, delay=0.02)
    smtp.controller.start()
    env = {
        **env,
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(port),
        "EMAIL_USE_TLS": "false",
    }
    try:
        # a fresh start: the outbox empty and nobody's digest sent yet (the drill may run twice)
        sql(url, "DELETE FROM board_outgoingemail")
        sql(url, "UPDATE board_notificationsettings SET last_digest_at = NULL, digest_watermark = 0")
        kill = killed_when(env, ["digest", "--senders", "1"], lambda err, s: smtp.total() >= 30, poll=0.01)
        outbox = dict(
            composed=one(url, "SELECT count(*) FROM board_outgoingemail"),
            marked_sent=one(url, "SELECT count(*) FROM board_outgoingemail WHERE sent_at IS NOT NULL"),
            claimed_unsent=one(
                url, "SELECT count(*) FROM board_outgoingemail WHERE sent_at IS NULL AND claim <> ''"
            ),
        )
        received_at_kill = smtp.total()
        kindred(env, "digest", "--senders", "1", capture_output=True)
        after_rerun = {
            "received": smtp.total(),
            "unsent": one(url, "SELECT count(*) FROM board_outgoingemail WHERE sent_at IS NULL"),
        }
        # The killed sender's claim lapses after STALE_CLAIM (15 minutes): move it back instead of waiting.
        sql(
            url,
            "UPDATE board_outgoingemail SET claimed_at = claimed_at - interval '16 minutes' WHERE claim <> ''",
        )
        kindred(env, "digest", "--senders", "1", capture_output=True)
        addressed = Counter(r[0].lower() for r in sql(url, 'SELECT "to" FROM board_outgoingemail'))
    finally:
        smtp.controller.stop()
    twice = {a: n for a, n in smtp.received.items() if n > addressed.get(a, 0)}
    missing = {a: n for a, n in addressed.items() if smtp.received.get(a, 0) < n}
    return {
        "kill": kill,
        "outbox_at_kill": outbox,
        "received_at_kill": received_at_kill,
        "after_rerun_at_once": after_rerun,
        "digests": sum(addressed.values()),
        "received_in_all": smtp.total(),
        "received_twice": len(twice),
        # a mail program shows one message per Message-ID: as many ids as digests means every copy
        # sent twice repeated its id (what a person sees: each digest once)
        "distinct_message_ids": len(smtp.message_ids),
        "ids_received_twice": sum(1 for n in smtp.message_ids.values() if n > 1),
        "never_received": len(missing),
        "unsent_at_the_end": one(url, "SELECT count(*) FROM board_outgoingemail WHERE sent_at IS NULL"),
    }


# ------------------------------------------------------------------------------------- recompute
RUN_TABLES = ["evidence_familymember", "evidence_familygap", "evidence_performance", "evidence_measurefit"]


def published(url: str) -> dict:
    """What the pages read: the current runs, the rows under them, and the derived categories."""
    current = "(SELECT id FROM evidence_evidencerun WHERE status = 'current')"
    return {
        "current_runs": [
            list(r)
            for r in sql(
                url, "SELECT id, kind FROM evidence_evidencerun WHERE status = 'current' ORDER BY id"
            )
        ],
        "rows": {t: one(url, f'SELECT count(*) FROM "{t}" WHERE run_id IN {current}') for t in RUN_TABLES},
        "categories": one(
            url,
            "SELECT md5(coalesce(string_agg(school_id || ':' || category || ':' || source, ',' "
            "ORDER BY school_id), '')) FROM evidence_supportcategory",
        ),
        "runs_by_status": dict(
            (status, n)
            for status, n in sql(url, "SELECT status, count(*) FROM evidence_evidencerun GROUP BY 1")
        ),
    }


def same_set(a: dict, b: dict) -> bool:
    return (
        a["current_runs"] == b["current_runs"]
        and a["rows"] == b["rows"]
        and a["categories"] == b["categories"]
    )


def drill_recompute(url: str, env) -> dict:
    """A first recompute to the end; a second killed half-way; a third at once, which must run."""
    started = time.perf_counter()
    kindred(env, "recompute", "--verbosity", "0", capture_output=True)
    full_seconds = time.perf_counter() - started
    before = published(url)
    kill = killed_when(env, ["recompute"], lambda err, s: s >= full_seconds / 2)
    after_kill = published(url)
    locks = sql(url, "SELECT name, holder, host, pid, expires_at - now() FROM core_lock")
    started = time.perf_counter()
    rerun = kindred(env, "recompute", "--verbosity", "0", check=False, capture_output=True, text=True)
    rerun_seconds = time.perf_counter() - started
    after_rerun = published(url)
    return {
        "full_run_seconds": round(full_seconds, 1),
        "kill": kill,
        "published_before": before,
        "published_after_kill": after_kill,
        "old_set_untouched_by_the_kill": same_set(before, after_kill),
        "lock_left_by_the_killed_run": [[str(v) for v in row] for row in locks],
        "run_at_once_exit": rerun.returncode,
        "run_at_once_seconds": round(rerun_seconds, 1),
        "run_at_once_said": (rerun.stdout + rerun.stderr).strip()[-300:],
        "published_after_rerun": after_rerun,
        "new_set_complete": after_rerun["rows"] == before["rows"]
        and after_rerun["categories"] == before["categories"]
        and [k for _i, k in after_rerun["current_runs"]] == [k for _i, k in before["current_runs"]]
        and after_rerun["current_runs"] != before["current_runs"],
        "locks_after_rerun": one(url, "SELECT count(*) FROM core_lock"),
    }


# ---------------------------------------------------------------------------- the web server
def serve(env, port: int, log: Path, workers: int = 3) -> subprocess.Popen:
    server = subprocess.Popen(
        [str(BIN / "kindred"), "serve", "--bind", f"127.0.0.1:{port}", "--workers", str(workers)],
        env=env,
        cwd=ROOT,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/ready/", timeout=5):
                return server
        except (OSError, urllib.error.HTTPError):
            time.sleep(1)
    server.terminate()
    raise SystemExit("kindred serve did not become ready: " + log.read_text()[-2000:])


def fetch(url: str, data: bytes | None = None, headers=None, opener=None) -> tuple[int, str, float]:
    started = time.perf_counter()
    request = urllib.request.Request(url, data=data, headers=headers or {})
    try:
        with (opener.open if opener else urllib.request.urlopen)(request, timeout=30) as response:
            return response.status, response.read().decode(errors="replace"), time.perf_counter() - started
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(errors="replace"), time.perf_counter() - started


def drill_connections(url: str, env, port: int, scratch: Path) -> dict:
    schools = [r[0] for r in sql(url, "SELECT registry_id FROM schools_school ORDER BY id LIMIT 500")]
    networks = [
        r[0] for r in sql(url, "SELECT id FROM networks_network WHERE visibility = 'public' LIMIT 100")
    ]
    paths = [f"/schools/{s}/" for s in schools] + [f"/networks/{n}/" for n in networks] + ["/", "/networks/"]
    server = serve(env, port, scratch / "serve-connections.log")
    name = urlparse(url).path.lstrip("/")
    records: list[tuple[float, int, float, bool]] = []
    kills: list[tuple[float, int]] = []
    stop = threading.Event()
    t0 = time.perf_counter()

    def visitor(i: int) -> None:
        k = i
        while not stop.is_set():
            k += 7
            status, body, seconds = fetch(f"http://127.0.0.1:{port}{paths[k % len(paths)]}")
            records.append(
                (time.perf_counter() - t0, status, seconds, "Something went wrong on our side" in body)
            )

    threads = [threading.Thread(target=visitor, args=(i,), daemon=True) for i in range(12)]
    for t in threads:
        t.start()
    try:
        for _ in range(5):
            time.sleep(10)
            ended = sql(
                admin_url(url),
                "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE datname = %s AND pid <> pg_backend_pid()",
                (name,),
            )[0][0]
            kills.append((round(time.perf_counter() - t0, 1), ended))
        time.sleep(10)
    finally:
        stop.set()
        for t in threads:
            t.join(35)
        server.send_signal(signal.SIGTERM)
        server.wait(40)
    failed = [r for r in records if r[1] >= 500]
    last_kill = kills[-1][0]
    after_last = [r for r in records if r[0] > last_kill + 2]
    return {
        "requests": len(records),
        "terminations": [{"at_second": at, "connections_ended": n} for at, n in kills],
        "statuses": dict(Counter(r[1] for r in records)),
        "failed": len(failed),
        "failed_with_the_error_page": sum(1 for r in failed if r[3]),
        "failed_slowest_seconds": round(max((r[2] for r in failed), default=0.0), 3),
        "failed_at_seconds": sorted({round(r[0], 1) for r in failed}),
        "ok_median_seconds": round(
            sorted(r[2] for r in records if r[1] == 200)[len(records) // 2 - len(failed)], 3
        )
        if records
        else None,
        "requests_from_2s_after_the_last_termination": len(after_last),
        "failures_from_2s_after_the_last_termination": sum(1 for r in after_last if r[1] >= 500),
    }


def drill_disk(url: str, env, port: int, scratch: Path) -> dict:
    small = scratch / "small-disk"
    small.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(small)], capture_output=True
    )
    if mounted.returncode:
        return {
            "skipped": "a 1 MB tmpfs could not be mounted (not root?): " + mounted.stderr.decode().strip()
        }
    try:
        # /ready/ rightly answers 503 on a disk with less than READY_MIN_FREE_DISK_MB free (500 MB):
        # here the point is what an upload meets when the disk fills up after the probe passed.
        disk_env = {**env, "KINDRED_VAR_DIR": str(small), "READY_MIN_FREE_DISK_MB": "0"}
        return _drill_disk(url, disk_env, port, scratch, small)
    finally:
        subprocess.run(["umount", str(small)], check=False)


def _drill_disk(url: str, env, port: int, scratch: Path, small: Path) -> dict:
    import http.cookiejar

    # a member of a network with a thread, given a password for the drill
    user_id, email, thread_id = sql(
        url,
        "SELECT u.id, u.email, t.id FROM accounts_schoolstaff st JOIN accounts_user u ON u.id = st.user_id "
        "JOIN networks_membership m ON m.school_id = st.school_id AND m.left_at IS NULL "
        "JOIN board_thread t ON t.network_id = m.network_id ORDER BY u.id LIMIT 1",
    )[0]
    password_hash = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.contrib.auth.hashers import make_password; "
            "print(make_password('drill-password'))",
        ],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    sql(url, "UPDATE accounts_user SET password = %s WHERE id = %s", (password_hash, user_id))
    posts_before = one(url, "SELECT count(*) FROM board_post")
    server = serve(env, port, scratch / "serve-disk.log", workers=1)
    base = f"http://127.0.0.1:{port}"
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    token = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
    try:
        _s, page, _t = fetch(base + "/accounts/login/", opener=opener)
        body = urllib.parse.urlencode(
            {
                "username": email,
                "password": "drill-password",
                "csrfmiddlewaretoken": token.search(page).group(1),
            }
        ).encode()
        fetch(base + "/accounts/login/", body, {"Referer": base + "/accounts/login/"}, opener)
        _s, page, _t = fetch(f"{base}/board/threads/{thread_id}/", opener=opener)
        boundary = "kindreddrillboundary"
        attachment = b"A line of the meeting's notes.\n" * 70_000  # 2.2 MB
        parts = [
            f'--{boundary}\r\nContent-Disposition: form-data; name="csrfmiddlewaretoken"\r\n\r\n'
            f"{token.search(page).group(1)}\r\n".encode(),
            f'--{boundary}\r\nContent-Disposition: form-data; name="body"\r\n\r\nOur notes\r\n'.encode(),
            f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="notes.txt"\r\n'
            "Content-Type: text/plain\r\n\r\n".encode()
            + attachment
            + b"\r\n",
            f"--{boundary}--\r\n".encode(),
        ]
        status, page, seconds = fetch(
            f"{base}/board/threads/{thread_id}/reply/",
            b"".join(parts),
            {"Content-Type": f"multipart/form-data; boundary={boundary}", "Referer": base + "/"},
            opener,
        )
        files_left = [str(p.relative_to(small)) for p in small.rglob("*") if p.is_file()]
        after_status, _p, _t = fetch(f"{base}/board/threads/{thread_id}/", opener=opener)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(40)
    return {
        "disk": "tmpfs of 1 MB as KINDRED_VAR_DIR (uploads under media/)",
        "attachment_bytes": len(attachment),
        "status": status,
        "seconds": round(seconds, 3),
        "page_says": re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)).strip()[:300],
        "posts_added": one(url, "SELECT count(*) FROM board_post") - posts_before,
        "files_left_in_the_uploads_folder": files_left,
        "thread_page_after": after_status,
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", required=True, help="a scratch PostgreSQL database (dropped!)")
    parser.add_argument("--port", type=int, default=8650, help="the web server's; +1 the SMTP server's")
    parser.add_argument("--only", nargs="+", choices=DRILLS, default=DRILLS)
    parser.add_argument(
        "--reuse", action="store_true", help="keep the database's data (made by an earlier run)"
    )
    parser.add_argument("--out", default=str(RESULTS / "drill_faults.json"))
    args = parser.parse_args()
    url = args.database_url
    name = urlparse(url).path.lstrip("/")
    if not url.startswith("postgres") or name in {"", "postgres", "template0", "template1"}:
        raise SystemExit("Name a scratch PostgreSQL database in --database-url")
    scratch = Path(tempfile.mkdtemp(prefix="kindred-drill-"))
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DEBUG": "false",
        "SECRET_KEY": "drill-only-not-secret",
        "DJANGO_SETTINGS_MODULE": "kindred.settings",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_COOKIES": "false",
        "KINDRED_VAR_DIR": str(scratch / "var"),
        "STATIC_ROOT": str(scratch / "static"),
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
    }
    if not args.reuse:
        sql(admin_url(url), f'DROP DATABASE IF EXISTS "{name}"')
        sql(admin_url(url), f'CREATE DATABASE "{name}"')
    kindred(env, "migrate", "-v0")  # the code's migrations (a reused database may be behind)
    if not args.reuse:
        kindred(env, "generate", "--schools", "3000", "--networks", "--posts", "60000", "-v0")
    results: dict = {"load_average_before": os.getloadavg()}
    out = Path(args.out)
    previous = json.loads(out.read_text()) if out.exists() else {}
    for drill in args.only:
        started = time.perf_counter()
        if drill == "import":
            outcome = drill_import(url, env, scratch)
        elif drill == "digest":
            outcome = drill_digest(url, env, args.port + 1)
        elif drill == "recompute":
            outcome = drill_recompute(url, env)
        elif drill == "connections":
            outcome = drill_connections(url, env, args.port, scratch)
        else:
            outcome = drill_disk(url, env, args.port, scratch)
        outcome["drill_seconds"] = round(time.perf_counter() - started, 1)
        outcome["load_average_after"] = [round(v, 2) for v in os.getloadavg()]
        results[drill] = outcome
        print(json.dumps({drill: outcome}), flush=True)
    out.write_text(json.dumps({**previous, **results}, indent=1, default=str) + "\n")


if __name__ == "__main__":
    main()
