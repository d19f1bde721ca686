"""Load test: 200 people sign in at once through one proxy while attackers guess; nobody is wrongly locked out.

    .venv/bin/python benchmarks/sign_in_load.py            # SQLite in a temporary folder, gunicorn on 127.0.0.1

Kindred runs under gunicorn (2 workers x 4 threads, as a small production server would) on
127.0.0.1 with TRUSTED_PROXY_COUNT=1: every request arrives from one address, the proxy's
(127.0.0.1), and names its client in X-Forwarded-For, as behind the documented TLS proxy.
The script is bounded: a fixed number of requests, each with a timeout, and it stops the
server itself.

1. 200 accounts are made (one Argon2 hash, shared, to save a minute). People 0-9 have signed
   in from their browser before the attack (their browser holds Kindred's device cookie).
2. Password spraying: one attacker address (203.0.113.66) tries one password at each of
   people 20-199 (180 attempts); the per-IP limit locks it out after 50.
3. A targeted attack, right before the burst: eight attacker addresses guess 10 passwords each
   at people 0-19 (200 failures, 25 per attacker address: under the per-IP limit of 50), so
   those 20 addresses are delayed (for the longest, 15 minutes) for unknown browsers.
4. At once (a barrier releases 200 threads together): every person signs in with the right
   password. People 0-9 come from the sprayer's own address (a shared school network), people
   10-199 from their own addresses.

Expected, and checked: people 0-9 and 20-199 (190) are signed in; people 10-19, whose
addresses were attacked and who use a browser never used before, are told to wait (the
progressive delay; they can reset their password), and no one is refused for the IP lock-out
of the sprayer. Prints JSON with the outcome and the sign-in latency under the burst against a
same-run baseline: the median of 10 sign-ins one at a time on the same server before the burst.
"""

import concurrent.futures
import http.cookiejar
import json
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PEOPLE = 200
PASSWORD = "correct horse battery staple 42"
SPRAYER = "203.0.113.66"
TIMEOUT = 600  # seconds per request: 200 Argon2 sign-ins queue for minutes on 2 shared cores


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """One person's browser: its own cookies, its own client address behind the proxy."""

    def __init__(self, base: str, client_ip: str):
        self.base, self.client_ip = base, client_ip
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), NoRedirect)

    def request(self, path: str, data: dict | None = None) -> tuple[int, str, str]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(
            self.base + path, data=body, headers={"X-Forwarded-For": self.client_ip}
        )
        if data is not None:
            request.add_header("Referer", self.base + path)
        try:
            with self.opener.open(request, timeout=TIMEOUT) as response:
                return response.status, response.headers.get("Location", ""), response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.headers.get("Location", ""), error.read().decode()
        except OSError as error:  # a timeout or a refused connection: reported, not raised
            return 0, "", str(error)

    def sign_in(self, email: str, password: str) -> str:
        """'in', 'paused' (account delay), 'locked' (IP lock-out, 429), 'wrong' or 'error <status>'."""
        status, _, page = self.request("/accounts/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        if status != 200 or token is None:
            return f"error {status}"
        status, location, page = self.request(
            "/accounts/login/",
            {"csrfmiddlewaretoken": token.group(1), "username": email, "password": password},
        )
        if status == 302 and location == "/":
            return "in"
        if status == 429:
            return "locked"
        if status == 200 and "is paused" in page:
            return "paused"
        if status == 200:
            return "wrong"
        return f"error {status}"

    def sign_out(self) -> None:
        token = next(c.value for c in self.jar if c.name == "csrftoken")
        self.request("/accounts/logout/", {"csrfmiddlewaretoken": token})


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def main() -> None:
    var = tempfile.mkdtemp(prefix="kindred-sign-in-load-")
    env = {
        **{k: v for k, v in os.environ.items() if k not in {"DATABASE_URL"}},
        "DEBUG": "false",
        "SECRET_KEY": "kindred-load-test-only-not-secret",
        "KINDRED_VAR_DIR": var,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_COOKIES": "false",
        "TRUSTED_PROXY_COUNT": "1",
        "LOG_LEVEL": "ERROR",
        "DJANGO_SETTINGS_MODULE": "kindred.settings",
    }
    subprocess.run([BIN / "kindred", "migrate", "-v", "0"], env=env, check=True, cwd=ROOT)
    subprocess.run(
        [BIN / "kindred", "collectstatic", "--noinput", "-v", "0"],
        env={**env, "STATIC_ROOT": f"{var}/static"},
        check=True,
        cwd=ROOT,
    )
    make_people = (
        "import django; django.setup();"
        "from django.contrib.auth.hashers import make_password;"
        "from kindred.accounts.models import User;"
        f"h = make_password({PASSWORD!r});"
        f"User.objects.bulk_create([User(email=f'person{{n}}@example.org', full_name=f'Person {{n}}', password=h) for n in range({PEOPLE})])"
    )
    subprocess.run([sys.executable, "-c", make_people], env=env, check=True, cwd=ROOT)

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [
            BIN / "gunicorn",
            "kindred.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--threads",
            "4",
            "--timeout",
            "300",
            "--log-level",
            "warning",
        ],
        env={**env, "STATIC_ROOT": f"{var}/static"},
        cwd=ROOT,
        start_new_session=True,
        stderr=open(f"{var}/server.log", "w"),  # noqa: SIM115  (closed with the process)
    )
    try:
        for _ in range(120):
            try:
                urllib.request.urlopen(base + "/accounts/login/", timeout=5)
                break
            except OSError:
                time.sleep(0.5)
        else:
            raise SystemExit("the server did not start")

        email = [f"person{n}@example.org" for n in range(PEOPLE)]
        browsers = [
            Browser(base, SPRAYER if n < 10 else f"198.51.{100 + n // 250}.{n % 250 + 1}")
            for n in range(PEOPLE)
        ]

        # Baseline: ten sign-ins one at a time (people 0-9, from their own browsers, before the attack).
        baseline = []
        for n in range(10):
            start = time.perf_counter()
            assert browsers[n].sign_in(email[n], PASSWORD) == "in", "a baseline sign-in failed"
            baseline.append(time.perf_counter() - start)
            browsers[n].sign_out()

        # Password spraying from one address.
        sprayer = Browser(base, SPRAYER)
        spray = [sprayer.sign_in(email[n], "Summer2026!") for n in range(20, PEOPLE)]
        # The targeted attack, right before the burst: 8 attacker addresses, 10 guesses at each of
        # people 0-19 (25 per attacker address), so their delay is the longest, LOGIN_LOCKOUT_MINUTES.
        attackers = [Browser(base, f"192.0.2.{a + 1}") for a in range(8)]
        targeted = [
            attackers[(n * 10 + g) % 8].sign_in(email[n], f"guess {g}") for n in range(20) for g in range(10)
        ]

        # Everyone at once.
        barrier = threading.Barrier(PEOPLE)

        def at_once(n: int) -> tuple[str, float]:
            barrier.wait(timeout=TIMEOUT)
            start = time.perf_counter()
            return browsers[n].sign_in(email[n], PASSWORD), time.perf_counter() - start

        started = time.perf_counter()
        with concurrent.futures.ThreadPoolExecutor(max_workers=PEOPLE) as pool:
            outcomes = list(pool.map(at_once, range(PEOPLE)))
        burst_seconds = time.perf_counter() - started
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=60)

    results = [result for result, _ in outcomes]
    latencies = [seconds for _, seconds in outcomes]
    wrongly_refused = [n for n in [*range(10), *range(20, PEOPLE)] if results[n] != "in"]
    delayed_as_designed = [n for n in range(10, 20) if results[n] == "paused"]
    report = {
        "server": "gunicorn, 2 workers x 4 threads, SQLite (WAL), TRUSTED_PROXY_COUNT=1, all requests from 127.0.0.1",
        "people": PEOPLE,
        "targeted_attack": {k: targeted.count(k) for k in sorted(set(targeted))},
        "spraying_from_one_address": {k: spray.count(k) for k in sorted(set(spray))},
        "at_once": {k: results.count(k) for k in sorted(set(results))},
        "wrongly_refused": wrongly_refused,
        "known_browsers_on_the_sprayers_address_signed_in": sum(results[n] == "in" for n in range(10)),
        "attacked_addresses_on_new_browsers_told_to_wait": len(delayed_as_designed),
        "sign_in_seconds": {
            "baseline_one_at_a_time_median_of_10": round(statistics.median(baseline), 3),
            "burst_median": round(statistics.median(latencies), 3),
            "burst_p95": round(sorted(latencies)[int(0.95 * len(latencies)) - 1], 3),
            "burst_ratio_median_to_baseline": round(
                statistics.median(latencies) / statistics.median(baseline), 1
            ),
            "burst_wall_clock": round(burst_seconds, 1),
        },
        "note": "2 shared cores; every sign-in checks an Argon2id hash (kindred/accounts/hashers.py: 19 MiB, 2 passes), so the burst queues on CPU.",
    }
    print(json.dumps(report, indent=2))
    out = ROOT / "benchmarks" / "results" / "sign_in_load_sqlite.json"
    out.write_text(json.dumps(report, indent=2) + "\n")
    ok = not wrongly_refused and len(delayed_as_designed) == 10 and spray.count("locked") > 0
    raise SystemExit(0 if ok else 1)


if __name__ == "__main__":
    main()
