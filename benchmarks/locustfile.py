"""The national load test's visitors (issue #26): signed-in teachers of the national trial using
Kindred as they would on a school day. Run by benchmarks/load_national.py, which prepares the
people file and the server; by hand:

    .venv/bin/locust -f benchmarks/locustfile.py --headless --host http://127.0.0.1:8600 \\
        --users 200 --spawn-rate 10 --run-time 10m        # LOAD_PEOPLE=<file> as load_national.py writes

Each simulated visitor is one teacher (a line of LOAD_PEOPLE: e-mail, their school, a network of
their school, a thread of that network's board, their region) with the password load_national.py
gave them. They sign in once, then read pages of the mix below (weights out of 60): the home page
with their dashboard, a school's public page, the evidence dashboard, their network's page, a
thread of its board, a reply to it, a search of the boards, their calendar and their region's,
their network's calendar feed (iCalendar), the school search; and now and then (2 in 60 pages,
a session of ~30 pages) they sign out and a new session signs in again: one sign-in per session.

Think time (LOAD_THINK; load_national.py --think). A person reads a page before asking for the
next one. Until 7 December 2026 this file waited 1 to 5 s (locust's example), which is nobody
reading a board thread or a school's evidence: it asked 50-60 requests/s of 200 visitors. Now,
by default ("reading"), the time on each page is drawn from a Weibull distribution with shape
0.8 and a mean of 20 s (median 11 s; 10 % under 1.1 s; 1 % over 2 min; cut at 10 min):
- Liu, White & Dumais, "Understanding Web Browsing Behaviors through Weibull Analysis of Dwell
  Time", SIGIR 2010 (2 billion page dwell times): dwell time follows a Weibull distribution, with
  shape below 1 ("negative ageing": the longer someone has stayed, the less likely they leave)
  for almost all pages; Nielsen, "How Long Do Users Stay on Web Pages?" (2011), on that study:
  people often leave in 10-20 s, and the average page visit lasts a little under a minute.
- Weinreich, Obendorf, Herder & Mayer, "Not Quite the Average: An Empirical Study of Web Use",
  ACM Transactions on the Web 2(1), 2008, and Nielsen's fit to their data ("How Little Do Users
  Read?", 2008): 25 s plus 4.4 s per 100 words on a page (visits of 4 s to 10 min).
A mean of 20 s is below both (a board thread of 10 posts, ~500 words, is ~47 s by the second), so
the test asks more of the server than teachers would, not less. At 200 visitors it asks about
200 / 20 s x 68/60 requests a page view (a reply is two requests, a new session four)
= 11.3 requests/s, plus the first sign-ins. LOAD_THINK=N: the same shape with a mean of N
seconds; LOAD_THINK=A-B: uniform between A and B seconds (LOAD_THINK=1-5 is the old stress mix,
for finding where the server saturates). Each request carries the proxy's X-Forwarded-For (one address per
visitor, so the sign-in throttle sees people, not one proxy); the test speaks plain HTTP to
127.0.0.1 (no TLS proxy on the test machine: load_national.py turns the HTTPS redirect off).

Requests are named by kind (not by id) so locust's table is per endpoint. A page that answers
anything but its expected status, or a sign-in that does not end signed in, counts as an error.
"""

import csv
import itertools
import math
import os
import random
import re
import threading

from locust import HttpUser, between, task

PASSWORD = os.environ.get("LOAD_PASSWORD", "national-load-test-password")
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
WORDS = ["maths", "reading", "meeting", "phonics", "attendance", "science", "rota", "training"]


def _people() -> list[dict]:
    with open(os.environ["LOAD_PEOPLE"], newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def think_time(setting: str):
    """Locust's wait_time for LOAD_THINK: "reading" (Weibull, shape 0.8, mean 20 s), N (the same
    shape, mean N s) or A-B (uniform between A and B s)."""
    if "-" in setting:
        low, high = (float(v) for v in setting.split("-", 1))
        return between(low, high)
    mean = 20.0 if setting == "reading" else float(setting)
    shape = 0.8
    scale = mean / math.gamma(1 + 1 / shape)

    def reading(_user) -> float:
        return min(random.weibullvariate(scale, shape), 600.0)

    return reading


PEOPLE = _people()
_next = itertools.count()
_lock = threading.Lock()


class Teacher(HttpUser):
    wait_time = think_time(os.environ.get("LOAD_THINK", "reading"))

    def on_start(self) -> None:
        with _lock:
            n = next(_next)
        self.person = PEOPLE[n % len(PEOPLE)]
        # One client address per visitor, as a proxy in front of Kindred passes it on.
        self.client.headers["X-Forwarded-For"] = f"10.{(n >> 16) & 255}.{(n >> 8) & 255}.{n & 255}"
        self.sign_in()

    def csrf_of(self, html: str) -> str:
        found = CSRF.search(html)
        return found.group(1) if found else ""

    def sign_in(self) -> None:
        page = self.client.get("/accounts/login/", name="sign-in page")
        with self.client.post(
            "/accounts/login/",
            data={
                "username": self.person["email"],
                "password": PASSWORD,
                "csrfmiddlewaretoken": self.csrf_of(page.text),
            },
            headers={"Referer": self.host + "/accounts/login/"},
            name="sign in",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"sign-in answered {response.status_code}")

    @task(10)
    def home(self) -> None:
        self.client.get("/", name="home (dashboard)")

    @task(8)
    def school(self) -> None:
        registry_id = random.choice(PEOPLE)["school"]
        self.client.get(f"/schools/{registry_id}/", name="school page")

    @task(3)
    def evidence_dashboard(self) -> None:
        self.client.get("/evidence/dashboard/", name="evidence dashboard")

    @task(8)
    def network(self) -> None:
        self.client.get(f"/networks/{self.person['network']}/", name="network page")

    @task(10)
    def thread(self) -> None:
        self.client.get(f"/board/threads/{self.person['thread']}/", name="board thread")

    @task(2)
    def reply(self) -> None:
        thread = f"/board/threads/{self.person['thread']}/"
        page = self.client.get(thread, name="board thread")
        with self.client.post(
            thread + "reply/",
            data={
                "body": f"Thank you, we will try this at our next {random.choice(WORDS)} session.",
                "csrfmiddlewaretoken": self.csrf_of(page.text),
            },
            headers={"Referer": self.host + thread},
            name="post a reply",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"reply answered {response.status_code}")

    @task(4)
    def search(self) -> None:
        self.client.get(f"/board/search/?q={random.choice(WORDS)}", name="board search")

    @task(4)
    def calendar(self) -> None:
        self.client.get("/events/mine/", name="my calendar")

    @task(2)
    def region_calendar(self) -> None:
        self.client.get(f"/events/regions/{self.person['region']}/", name="region calendar")

    @task(3)
    def feed(self) -> None:
        self.client.get(
            f"/events/feeds/networks/{self.person['feed_network']}.ics", name="network feed (ics)"
        )

    @task(4)
    def school_search(self) -> None:
        self.client.get(f"/?q={random.choice(['primary', 'academy', 'st', 'high'])}", name="school search")

    @task(2)
    def sign_out_and_in(self) -> None:
        page = self.client.get("/accounts/profile/", name="profile")
        self.client.post(
            "/accounts/logout/",
            data={"csrfmiddlewaretoken": self.csrf_of(page.text)},
            headers={"Referer": self.host + "/accounts/profile/"},
            name="sign out",
            allow_redirects=False,
        )
        self.sign_in()
