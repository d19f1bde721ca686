"""Time the messageboard at national scale; prints JSON.

    .venv/bin/python benchmarks/bench_board.py                                      # SQLite, a temporary file
    .venv/bin/python benchmarks/bench_board.py \\
        --database-url postgres://postgres@127.0.0.1:5432/kindred_board_bench        # dropped and re-created!

Data (built untimed, once per database): the country and networks of bench_networks.py (38,000
schools, 870,000 teachers with accounts, 3,500 networks, every school a member of one), then
500,000 posts in 50,000 threads (10 posts per thread on average), written over the past year
(ids grow with time), by staff of the network's member schools, from a vocabulary of school words;
written with kindred.core.bulk.bulk_insert, so the SQLite FTS5 triggers and the PostgreSQL GIN
indexes are kept up as in production. 200,000 read marks; every person has e-mail settings, 95%
with a daily digest last sent 24 hours ago (due now), 5% with none.

Measured:
1. The thread page and the board page, as full requests through Django's test client (middleware,
   session, access checks, selectors, templates), signed in as a teacher of a member school, for
   random threads and networks; query counts reported.
2. Search (`/board/search/?q=<word>`), as the same teacher, for words of the vocabulary.
3. The full daily digest: `kindred digest` as a child process (start-up included) over all
   870,000 people: compose (outbox rows) and send, with an e-mail backend that builds every MIME
   message and throws it away (no SMTP server in the measure). Peak memory: the child's max RSS.

Same-run baselines: for pages and search, the public school page (`/schools/<id>/`) of a random
school, interleaved (baseline, measured, ...); for the digest, a scan of every person's id and
e-mail address in chunks of 2,000 (the floor of any per-person job), before and after.
"""

import argparse
import json
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_networks import build as build_networks  # noqa: E402
from bench_networks import fresh_database, timed  # noqa: E402

WORDS = [
    "reading",
    "phonics",
    "maths",
    "fractions",
    "science",
    "trips",
    "planning",
    "assessment",
    "moderation",
    "governors",
    "attendance",
    "behaviour",
    "wellbeing",
    "curriculum",
    "transition",
    "writing",
    "spelling",
    "homework",
    "parents",
    "inspection",
    "budget",
    "training",
    "teachmeet",
    "coaching",
    "mentoring",
    "leadership",
    "safeguarding",
    "sports",
    "music",
    "art",
    "history",
    "geography",
    "computing",
    "languages",
    "welsh",
    "arabic",
    "oracy",
    "vocabulary",
    "inclusion",
]


class MimeBackend:
    """An e-mail backend that builds each message's bytes, as SMTP would, then drops it."""

    def __init__(self, *args, **kwargs):
        self.sent = 0

    def open(self):
        return True

    def close(self):
        return None

    def send_messages(self, messages):
        for message in messages:
            message.message().as_bytes()
            self.sent += 1
        return len(messages)


def build_posts(data: dict, n_posts: int, n_threads: int, n_reads: int, seed: int) -> dict:
    from django.db import connection, transaction
    from django.utils import timezone

    from kindred.board.models import NotificationSettings, Post, Thread
    from kindred.core.bulk import bulk_insert, reset_sequence

    rng = random.Random(seed)
    started = time.perf_counter()
    now = timezone.now()
    networks = sorted(data["members_of"])
    staff_of_network = {
        nid: [u for school in schools for u in data["staff_by_school"].get(school, [])]
        for nid, schools in data["members_of"].items()
    }
    thread_network = [rng.choice(networks) for _ in range(n_threads)]
    year = timedelta(days=365)
    # Post times over the past year, in id order.
    times = sorted(rng.random() for _ in range(n_posts))
    thread_rows, post_rows = [], []
    thread_last, thread_count, first_post_of = {}, {}, {}
    opened = 0
    for i, fraction in enumerate(times, start=1):
        # Threads open through the year; a post goes to a new thread or one of the latest.
        if opened < n_threads and (opened == 0 or rng.random() < n_threads / n_posts):
            opened += 1
            tid = opened
        else:
            tid = rng.randint(max(1, opened - 2000), opened)
        nid = thread_network[tid - 1]
        author = rng.choice(staff_of_network[nid])
        at = now - year + year * fraction
        body = " ".join(rng.choice(WORDS) for _ in range(rng.randint(12, 60)))
        post_rows.append((i, tid, nid, author, body, f"<p>{body}</p>", at))
        thread_last[tid] = at
        thread_count[tid] = thread_count.get(tid, 0) + 1
        first_post_of.setdefault(tid, (author, at))
    for tid in range(1, opened + 1):
        author, at = first_post_of[tid]
        thread_rows.append(
            (
                tid,
                thread_network[tid - 1],
                f"{rng.choice(WORDS).title()} {rng.choice(WORDS)} {tid}",
                author,
                at,
                tid % 97 == 0,
                thread_last[tid],
                thread_count[tid],
            )
        )
    with transaction.atomic():
        bulk_insert(
            "board_thread",
            [
                "id",
                "network_id",
                "title",
                "created_by_id",
                "created_at",
                "pinned",
                "last_post_at",
                "post_count",
            ],
            thread_rows,
        )
        reset_sequence(Thread)
        bulk_insert(
            "board_post",
            ["id", "thread_id", "network_id", "author_id", "body", "html", "created_at"],
            post_rows,
        )
        reset_sequence(Post)
        reads = set()
        while len(reads) < n_reads:
            tid = rng.randint(1, opened)
            reads.add((rng.choice(staff_of_network[thread_network[tid - 1]]), tid))
        bulk_insert(
            "board_threadread",
            ["user_id", "thread_id", "last_read_post_id", "level", "visited_at"],
            ((u, t, rng.randint(1, n_posts), "normal", now) for u, t in reads),
        )
        # Every person's e-mail choices; the last digest went out yesterday at this time.
        day_ago = now - timedelta(days=1)
        watermark = (
            Post.objects.filter(created_at__lt=day_ago).order_by("-id").values_list("id", flat=True).first()
        )
        people = [u for users in data["staff_by_school"].values() for u in users]
        bulk_insert(
            "board_notificationsettings",
            [
                "user_id",
                "email_at_once",
                "digest",
                "digest_watermark",
                "last_digest_at",
                "mentions_in_muted_threads",
            ],
            ((u, True, "never" if u % 20 == 0 else "daily", watermark, day_ago, False) for u in people),
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {
        "posts_seconds": round(time.perf_counter() - started, 1),
        "threads": opened,
        "posts": n_posts,
        "read_marks": n_reads,
        "posts_in_the_last_day": Post.objects.filter(created_at__gte=now - timedelta(days=1)).count(),
        "staff_of_network": staff_of_network,
        "thread_network": thread_network,
        "settings_rows": NotificationSettings.objects.count(),
    }


def read_back() -> tuple[dict, dict]:
    """What build_networks and build_posts return, read from a database they built (for --reuse)."""
    from django.utils import timezone

    from kindred.accounts.models import SchoolStaff
    from kindred.board.models import NotificationSettings, Post, Thread
    from kindred.networks.models import Membership

    staff_by_school: dict[int, list[int]] = {}
    for user_id, school_id in SchoolStaff.objects.values_list("user_id", "school_id").iterator(
        chunk_size=50_000
    ):
        staff_by_school.setdefault(school_id, []).append(user_id)
    members_of: dict[int, list[int]] = {}
    for nid, school_id in Membership.objects.filter(left_at__isnull=True).values_list(
        "network_id", "school_id"
    ):
        members_of.setdefault(nid, []).append(school_id)
    staff_of_network = {
        nid: [u for school in schools for u in staff_by_school.get(school, [])]
        for nid, schools in members_of.items()
    }
    thread_network = list(Thread.objects.order_by("pk").values_list("network_id", flat=True))
    data = {"generate_seconds": None, "networks_seconds": None, "counts": {"networks": len(members_of)}}
    posts = {
        "threads": len(thread_network),
        "posts": Post.objects.count(),
        "posts_in_the_last_day": Post.objects.filter(
            created_at__gte=timezone.now() - timedelta(days=1)
        ).count(),
        "staff_of_network": staff_of_network,
        "thread_network": thread_network,
        "settings_rows": NotificationSettings.objects.count(),
    }
    return data, posts


def scan_people() -> float:
    from kindred.accounts.models import User

    started = time.perf_counter()
    after = 0
    while True:
        rows = list(User.objects.filter(pk__gt=after).order_by("pk").values_list("pk", "email")[:2000])
        if not rows:
            break
        after = rows[-1][0]
    return time.perf_counter() - started


def run_digest(url: str) -> dict:
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "EMAIL_BACKEND": "bench_board.MimeBackend",
        "PYTHONPATH": os.pathsep.join([str(ROOT / "benchmarks"), str(ROOT)]),
    }
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "kindred.cli", "digest", "--verbosity", "0"],
        env=env,
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    elapsed = time.perf_counter() - started
    if result.returncode:
        raise SystemExit(result.stderr)
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return {
        "seconds": round(elapsed, 1),
        "peak_rss_mb": round(max(peak, before) / 1024),
        "output": result.stdout.strip(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url")
    parser.add_argument("--schools", type=int, default=38_000)
    parser.add_argument("--teachers", type=int, default=870_000)
    parser.add_argument("--networks", type=int, default=3_500)
    parser.add_argument("--posts", type=int, default=500_000)
    parser.add_argument("--threads", type=int, default=50_000)
    parser.add_argument("--reads", type=int, default=200_000)
    parser.add_argument(
        "--requests", type=int, default=60, help="timed requests per page (and as many baseline)"
    )
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path)
    parser.add_argument(
        "--reuse",
        type=Path,
        help="SQLite only: measure on a copy of a database an earlier run built (its data build takes "
        "about 20 minutes), instead of building one",
    )
    parser.add_argument("--skip-digest", action="store_true", help="Measure the pages and search only.")
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="kindred-bench-board-"))
    if args.reuse:
        copy = scratch / "bench-networks.sqlite3"
        shutil.copyfile(args.reuse, copy)
        url = f"sqlite:///{copy}"
    else:
        url = fresh_database(args.database_url, scratch)
    os.environ.update(
        DATABASE_URL=url,
        DEBUG="false",
        SECRET_KEY="benchmark-only-not-secret",
        ALLOWED_HOSTS="testserver",
        DJANGO_SETTINGS_MODULE="kindred.settings",
    )
    import django

    django.setup()
    from django.conf import settings

    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from kindred.accounts.models import User
    from kindred.schools.models import School

    call_command("migrate", verbosity=0)
    if args.reuse:
        data, posts = read_back()
    else:
        data = build_networks(args.schools, args.teachers, args.networks, args.seed)
        posts = build_posts(data, args.posts, args.threads, args.reads, args.seed)
    print(json.dumps({k: v for k, v in posts.items() if not isinstance(v, dict | list)}), file=sys.stderr)
    rng = random.Random(args.seed)
    registry_ids = list(School.objects.values_list("registry_id", flat=True))
    clients: dict[int, Client] = {}

    def client_for(user_id: int) -> Client:
        if user_id not in clients:
            client = Client()
            client.force_login(User.objects.get(pk=user_id))
            clients[user_id] = client
        return clients[user_id]

    pages = {"thread page": [], "board page": [], "search": []}
    queries: dict[str, set[int]] = {name: set() for name in pages}
    baseline, baseline_queries = [], set()
    anonymous = Client()
    n_threads = posts["threads"]
    for _ in range(args.requests):
        tid = rng.randint(1, n_threads)
        nid = posts["thread_network"][tid - 1]
        teacher = client_for(rng.choice(posts["staff_of_network"][nid]))
        for name, url_ in [
            ("thread page", f"/board/threads/{tid}/"),
            ("board page", f"/board/networks/{nid}/"),
            ("search", f"/board/search/?q={rng.choice(WORDS)}"),
        ]:
            ms, n = timed(anonymous, f"/schools/{rng.choice(registry_ids)}/", "baseline")
            baseline.append(ms)
            baseline_queries.add(n)
            ms, n = timed(teacher, url_, name)
            pages[name].append(ms)
            queries[name].add(n)
    base = statistics.median(baseline)
    scan_before = scan_people()
    digest = {"seconds": None, "skipped": True} if args.skip_digest else run_digest(url)
    scan_after = scan_people()
    connection.close()
    from kindred.board.models import OutgoingEmail

    result = {
        "database": connection.vendor,
        "data": {
            "generate_seconds": data["generate_seconds"],
            "networks_seconds": data["networks_seconds"],
            "counts": data["counts"],
            **{k: v for k, v in posts.items() if not isinstance(v, dict | list)},
        },
        "requests_per_page": args.requests,
        "baseline": {
            "page": "public school page /schools/<id>/",
            "median_ms": round(base, 1),
            "queries": sorted(baseline_queries),
        },
        "pages": {
            name: {
                "median_ms": round(statistics.median(times), 1),
                "p90_ms": round(statistics.quantiles(times, n=10)[-1], 1),
                "ratio_to_baseline": round(statistics.median(times) / base, 2),
                "queries": sorted(queries[name]),
            }
            for name, times in pages.items()
        },
        "digest": {
            **digest,
            "digests_written": OutgoingEmail.objects.filter(kind="digest").count(),
            "baseline_scan_people_seconds": [round(scan_before, 1), round(scan_after, 1)],
            "ratio_to_baseline": None
            if digest["seconds"] is None
            else round(digest["seconds"] / statistics.median([scan_before, scan_after]), 1),
        },
        "load_average": os.getloadavg(),
    }
    print(json.dumps(result, indent=2))
    if args.out:
        args.out.write_text(json.dumps(result, indent=2) + "\n")
    if args.database_url:
        connection.close()
        import psycopg

        parts = urlparse(url)
        with psycopg.connect(urlunparse(parts._replace(path="/postgres")), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{parts.path.lstrip("/")}"')


if __name__ == "__main__":
    main()
