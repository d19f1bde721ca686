"""The pages of a three-country installation at national scale (issue 23's proof: "pages stay under
their speed targets").

    .venv/bin/python benchmarks/pages_three_countries.py                 # England 20,000, Wales 1,500, Egypt 10,000
    .venv/bin/python benchmarks/pages_three_countries.py --scale 0.05    # the same at 5%: a quick look
    .venv/bin/python benchmarks/pages_three_countries.py --keep /tmp/three.sqlite3     # keep the database
    .venv/bin/python benchmarks/pages_three_countries.py --reuse /tmp/three.sqlite3    # time it again

Data (untimed, SQLite, a temporary file unless --keep): one installation with COUNTRY=eng and
COUNTRIES=wls,eg, migrated, then each country generated with its networks, rota, events and posts
(`kindred generate --country C --registry-from N --networks --posts P`, each country in its own
block of registry ids and in its own words and language), then recomputed once (`kindred
recompute`). Then, in this process: an international network (the Welsh teacher's network gains the
English and the Egyptian teacher's schools, so it has members in three countries), a leader of
England (`RegionalRole.country_code`), a site administrator, and API tokens for both.

Measured: full requests through Django's test client (middleware, session, access checks,
selectors, templates; no network, no web server), as five people: a teacher in England (English),
in Wales (Welsh, `User.language` "cy") and in Egypt (Arabic, "ar"), England's leader and the site
administrator; each page `--runs` times after one untimed warm-up: the median wall time, CPU time
of this process (`time.process_time`; SQLite runs in it, so the database's work is counted) and
queries per page (every statement counted through `connection.execute_wrapper`), and the size. The pages: the
load test's mix (home, a school's page, the evidence dashboard, the network page, a thread, board
search, calendars, a network's feed, school search) and the pages that gained country columns or
filters in issue 23 (school search with `?country=`, the partner finder `/networks/partners/` and
with `?country=`, the evidence model page with `?country=`, the API's school list with
`?country=`, the admin's lists with their country column and filter), plus the network directory,
the people search and an event's page.

Same-run baseline, interleaved (baseline, page, baseline, page, ...): the public page of the English
teacher's school (`/schools/<id>/`, not signed in), as bench_networks.py and bench_board.py do: a hot
page of the same stack, so a busy machine shows in it too. Each page's ratio is its median over the
median baseline.

Writes benchmarks/results/pages_three_countries.json (or --out). Not part of the test suite.
"""

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
RESULTS = ROOT / "benchmarks" / "results" / "pages_three_countries.json"

# (profile code, schools at national scale, posts at national scale, seed, first registry id)
COUNTRIES = (
    ("eng", 20_000, 200_000, 1, 9_000_000),
    ("wls", 1_500, 15_000, 2, 9_100_000),
    ("eg", 10_000, 100_000, 3, 9_200_000),
)
SETTINGS = {"COUNTRY": "eng", "COUNTRIES": "wls,eg"}

# The speed targets (benchmarks/README.md): ms, and KB for the admin's pages.
TARGETS = {
    "network page": 150,
    "international network page": 150,
    "thread page": 150,
    "board search": 300,
    "region calendar": 150,
    "network feed (ics)": 150,
    "my calendar": 150,
    "admin": 300,
}
ADMIN_KB = 200


def environment(database: Path) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{database}",
        "DEBUG": "false",
        "SECRET_KEY": os.environ.get("SECRET_KEY", "benchmark-only-not-secret"),
        "ALLOWED_HOSTS": "testserver",
        "DJANGO_SETTINGS_MODULE": "kindred.settings",
        **SETTINGS,
    }


def build(database: Path, scale: float) -> dict:
    """Migrate, generate the three countries with networks and posts, recompute: each a child process."""
    env = environment(database)
    manage = [sys.executable, str(ROOT / "manage.py")]
    seconds = {}
    started = time.perf_counter()
    subprocess.run([*manage, "migrate", "-v0"], env=env, cwd=ROOT, check=True)
    seconds["migrate"] = round(time.perf_counter() - started, 1)
    sizes = {}
    for code, schools, posts, seed, first in COUNTRIES:
        n, p = max(60, round(schools * scale)), max(200, round(posts * scale))
        sizes[code] = {"schools": n, "posts": p}
        started = time.perf_counter()
        subprocess.run(
            [
                *manage,
                "generate",
                f"--schools={n}",
                f"--seed={seed}",
                f"--country={code}",
                f"--registry-from={first}",
                "--networks",
                f"--posts={p}",
                "-v0",
            ],
            env=env,
            cwd=ROOT,
            check=True,
        )
        seconds[f"generate {code}"] = round(time.perf_counter() - started, 1)
    started = time.perf_counter()
    subprocess.run([*manage, "recompute", "-v0"], env=env, cwd=ROOT, check=True)
    seconds["recompute"] = round(time.perf_counter() - started, 1)
    return {"sizes": sizes, "seconds": seconds}


class Counter:
    """Counts (and times) every statement run through the connection."""

    def __init__(self):
        self.count = 0
        self.seconds = 0.0

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - started
            self.count += 1


def people() -> dict:
    """The five people and what they look at: teachers (with their school, network, thread, region,
    an event and a word of their board), England's leader, the site administrator; and the
    international network."""
    from django.db.models import Exists, OuterRef

    from kindred.accounts.models import RegionalRole, SchoolStaff, User
    from kindred.api.services import token_create
    from kindred.board.models import Post, Thread
    from kindred.events.models import Event
    from kindred.networks.models import Membership, Network
    from kindred.networks.services import membership_add
    from kindred.schools.models import School

    found: dict = {}
    for code, language in (("eng", "en"), ("wls", "cy"), ("eg", "ar")):
        staff = (
            SchoolStaff.objects.filter(school__country_code=code, user__is_active=True)
            .filter(
                Exists(
                    Membership.objects.filter(
                        school=OuterRef("school"),
                        left_at__isnull=True,
                        network__threads__isnull=False,
                        network__visibility=Network.Visibility.PUBLIC,
                    )
                )
            )
            .select_related("user", "school")
            .order_by("school__registry_id", "pk")
            .first()
        )
        membership = (
            Membership.objects.filter(
                school=staff.school, left_at__isnull=True, network__threads__isnull=False
            )
            .order_by("pk")
            .first()
        )
        network = membership.network
        thread = Thread.objects.filter(network=network).order_by("pk").first()
        body = Post.objects.filter(thread=thread).order_by("pk").values_list("body", flat=True).first()
        words = [w for w in re.findall(r"\w{5,}", body or "")] or ["maths"]
        event = Event.objects.filter(network=network).order_by("pk").first()
        if staff.user.language != (language if language != "en" else ""):
            User.objects.filter(pk=staff.user_id).update(language=language if language != "en" else "")
        found[code] = {
            "user": staff.user_id,
            "language": language,
            "school": staff.school.registry_id,
            "school_pk": staff.school_id,
            "region": staff.school.region_id,
            "network": network.pk,
            "thread": thread.pk,
            "event": event.pk if event else None,
            "word": words[len(words) // 2],
        }
    # The international network: the Welsh teacher's, joined by the English and Egyptian teachers' schools.
    international = Network.objects.get(pk=found["wls"]["network"])
    for code in ("eng", "eg"):
        if not Membership.objects.filter(
            network=international, school_id=found[code]["school_pk"], left_at__isnull=True
        ).exists():
            membership_add(
                network=international, school=School.objects.get(pk=found[code]["school_pk"]), by=None
            )
    leader, _ = User.objects.get_or_create(
        email="bench.leader.eng@example.org", defaults={"full_name": "Leader"}
    )
    RegionalRole.objects.get_or_create(user=leader, country_code="eng", region=None, local_authority=None)
    admin = User.objects.filter(email="bench.admin@example.org").first() or User.objects.create_superuser(
        email="bench.admin@example.org", password=None
    )
    tokens = {}
    for name, user in (("leader", leader), ("admin", admin)):
        _token, secret = token_create(user=user, name="bench", scope="read", days=1)
        tokens[name] = secret
    return {
        "teachers": found,
        "international": international.pk,
        "leader": leader.pk,
        "admin": admin.pk,
        "tokens": tokens,
    }


def pages(who: dict) -> dict[str, list[tuple[str, str, dict]]]:
    """Per person: (page, path, client headers) in the order they are requested."""
    from kindred.schools.models import Region, School

    teachers = who["teachers"]
    result: dict[str, list[tuple[str, str, dict]]] = {}
    for code, t in teachers.items():
        other = School.objects.filter(country_code=code).exclude(pk=t["school_pk"]).order_by("pk")[7]
        result[f"teacher {code}"] = [
            ("home (dashboard)", "/", {}),
            ("school page (own)", f"/schools/{t['school']}/", {}),
            ("school page (another)", f"/schools/{other.registry_id}/", {}),
            ("school search", "/?q=" + other.name.split()[0], {}),
            ("school search ?country=", f"/?q={other.name.split()[0]}&country={code}", {}),
            ("evidence dashboard", "/evidence/dashboard/", {}),
            ("network page", f"/networks/{t['network']}/", {}),
            ("international network page", f"/networks/{who['international']}/", {}),
            ("thread page", f"/board/threads/{t['thread']}/", {}),
            ("board search", f"/board/search/?q={t['word']}", {}),
            ("my calendar", "/events/mine/", {}),
            ("region calendar", f"/events/regions/{t['region']}/", {}),
            ("network feed (ics)", f"/events/feeds/networks/{t['network']}.ics", {}),
            *([("event page", f"/events/{t['event']}/", {})] if t["event"] else []),
            ("network directory", "/networks/", {}),
            ("partner finder", "/networks/partners/", {}),
            ("partner finder ?country=", "/networks/partners/?country=eg", {}),
            ("people search", "/people/?q=a", {}),
        ]
    region = Region.objects.filter(country_code="eng").order_by("pk").first()
    leader_api = {"HTTP_AUTHORIZATION": f"Bearer {who['tokens']['leader']}"}
    admin_api = {"HTTP_AUTHORIZATION": f"Bearer {who['tokens']['admin']}"}
    result["leader eng"] = [
        ("home (dashboard)", "/", {}),
        ("evidence dashboard", "/evidence/dashboard/", {}),
        ("evidence model ?country=", "/evidence/model/?country=eng", {}),
        ("school search ?country=", "/?q=academy&country=eng", {}),
        ("region calendar", f"/events/regions/{region.pk}/", {}),
        ("network directory", "/networks/", {}),
        ("partner finder ?country=", "/networks/partners/?country=wls", {}),
        ("API schools ?country=", "/api/v1/schools?country=eng&limit=100", leader_api),
    ]
    result["site admin"] = [
        ("home (dashboard)", "/", {}),
        ("evidence dashboard", "/evidence/dashboard/", {}),
        ("evidence model ?country=", "/evidence/model/?country=eg", {}),
        ("evidence model ?country=wls", "/evidence/model/?country=wls", {}),
        ("school search", "/?q=school", {}),
        ("school search ?country=", "/?q=school&country=wls", {}),
        ("network directory", "/networks/", {}),
        ("partner finder", "/networks/partners/", {}),
        ("API schools", "/api/v1/schools?limit=100", admin_api),
        ("API schools ?country=", "/api/v1/schools?country=eg&limit=100", admin_api),
        ("admin: schools", "/admin/schools/school/", {}),
        ("admin: schools ?country_code=", "/admin/schools/school/?country_code__exact=eg", {}),
        ("admin: schools search", "/admin/schools/school/?q=academy", {}),
        ("admin: regions", "/admin/schools/region/", {}),
        ("admin: regional roles", "/admin/accounts/regionalrole/", {}),
        ("admin: organisations", "/admin/accounts/organisation/", {}),
        ("admin: people", "/admin/accounts/user/", {}),
        ("admin: networks", "/admin/networks/network/", {}),
        ("admin: memberships", "/admin/networks/membership/", {}),
    ]
    return result


def measure(who: dict, runs: int) -> tuple[list[dict], float]:
    from django.db import connection
    from django.test import Client

    from kindred.accounts.models import User

    counter = Counter()
    table, baseline = [], []
    users = {
        **{f"teacher {c}": t["user"] for c, t in who["teachers"].items()},
        "leader eng": who["leader"],
        "site admin": who["admin"],
    }
    languages = {f"teacher {c}": t["language"] for c, t in who["teachers"].items()}
    anonymous = Client(HTTP_X_FORWARDED_FOR="10.9.9.8")
    public = f"/schools/{who['teachers']['eng']['school']}/"
    with connection.execute_wrapper(counter):
        for person, visits in pages(who).items():
            client = Client(HTTP_X_FORWARDED_FOR="10.9.9.9")
            client.force_login(User.objects.get(pk=users[person]))
            for name, path, headers in visits:
                walls, cpus, queries, sizes, statuses, lang = [], [], [], [], set(), ""
                for run in range(runs + 1):  # run 0 warms the caches and is not counted
                    started = time.perf_counter()
                    anonymous.get(public, secure=True)
                    health = time.perf_counter() - started
                    before = counter.count
                    cpu = time.process_time()
                    started = time.perf_counter()
                    response = client.get(path, secure=True, **headers)
                    body = b"".join(response.streaming_content) if response.streaming else response.content
                    wall = time.perf_counter() - started
                    cpu = time.process_time() - cpu
                    statuses.add(response.status_code)
                    if run == 0:
                        found = re.search(rb'<html[^>]*\blang="([^"]+)"', body)
                        lang = found.group(1).decode() if found else ""
                        continue
                    baseline.append(health)
                    walls.append(wall)
                    cpus.append(cpu)
                    queries.append(counter.count - before)
                    sizes.append(len(body))
                target = TARGETS["admin"] if name.startswith("admin") else TARGETS.get(name)
                median = 1000 * statistics.median(walls)
                row = {
                    "person": person,
                    "page": name,
                    "path": path,
                    "status": sorted(statuses),
                    "median_ms": round(median, 1),
                    "max_ms": round(1000 * max(walls), 1),
                    "cpu_ms": round(1000 * statistics.median(cpus), 1),
                    "queries": statistics.median(queries),
                    "max_queries": max(queries),
                    "kb": round(statistics.median(sizes) / 1000, 1),
                    "html_lang": lang,
                    "target_ms": target,
                }
                if person in languages:
                    row["language"] = languages[person]
                if target is not None:
                    row["within_target"] = median < target and (
                        not name.startswith("admin") or row["kb"] < ADMIN_KB
                    )
                table.append(row)
                print(
                    f"{person:12} {name:30} {row['status']!s:8} {row['median_ms']:8.1f} ms {row['cpu_ms']:7.1f} cpu "
                    f"{row['queries']:>5} q {row['kb']:>7} KB {lang:3} "
                    f"{'' if target is None else ('ok' if row['within_target'] else 'OVER')}",
                    flush=True,
                )
    return table, 1000 * statistics.median(baseline)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scale", type=float, default=1.0, help="share of each country's national size")
    parser.add_argument("--runs", type=int, default=7, help="timed requests per page (after one warm-up)")
    parser.add_argument("--keep", type=Path, help="build into this file and keep it")
    parser.add_argument("--reuse", type=Path, help="time the pages of a database --keep built")
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument("--build-only", action="store_true", help="with --keep: build, time nothing")
    args = parser.parse_args()
    scratch = None
    built = None
    if args.reuse:
        database = args.reuse
    else:
        if args.keep:
            database = args.keep
            if database.exists():
                raise SystemExit(f"{database} exists: remove it, or time it with --reuse.")
        else:
            scratch = Path(tempfile.mkdtemp(prefix="kindred-pages3-"))
            database = scratch / "three.sqlite3"
        started = time.perf_counter()
        built = build(database, args.scale)
        built["seconds"]["total"] = round(time.perf_counter() - started, 1)
        print(json.dumps(built), flush=True)
        if args.build_only:
            return
    os.environ.update(
        {k: v for k, v in environment(database).items() if k not in os.environ or k in SETTINGS}
    )
    os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    import django

    django.setup()
    from django.db.models import Count
    from django.test.utils import override_settings, setup_test_environment

    setup_test_environment()
    override_settings(  # static files as written, not through the manifest `collectstatic` makes
        STORAGES={
            "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        }
    ).enable()

    from kindred.accounts.models import User
    from kindred.board.models import Post
    from kindred.networks.models import Membership, Network
    from kindred.schools.models import School

    try:
        who = people()
        load_before = [round(v, 2) for v in os.getloadavg()]
        table, health = measure(who, args.runs)
        load_after = [round(v, 2) for v in os.getloadavg()]
        for row in table:
            row["ratio_to_baseline"] = round(row["median_ms"] / health, 1)
        over = [f"{r['person']}: {r['page']}" for r in table if r.get("within_target") is False]
        report = {
            "what": "pages of a three-country installation (England, Wales, Egypt in one SQLite database), "
            "one person at a time through Django's test client",
            "database": "sqlite",
            "settings": SETTINGS,
            "scale": args.scale,
            "built": built,
            "schools": dict(School.objects.values_list("country_code").annotate(n=Count("id"))),
            "people": User.objects.count(),
            "networks": Network.objects.count(),
            "international_network": {
                "id": who["international"],
                "member_countries": dict(
                    Membership.objects.filter(network_id=who["international"], left_at__isnull=True)
                    .values_list("school__country_code")
                    .annotate(n=Count("id"))
                ),
            },
            "posts": Post.objects.count(),
            "runs": args.runs,
            "baseline": "GET /schools/<id>/ not signed in (the English teacher's school), right before each measured request",
            "baseline_median_ms": round(health, 2),
            "load_average_before": load_before,
            "load_average_after": load_after,
            "over_target": over,
            "pages": table,
        }
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(report, indent=1, ensure_ascii=False) + "\n")
        print(
            f"baseline (public school page) {health:.2f} ms; over target: {over or 'none'}; written {args.out}"
        )
    finally:
        if scratch is not None:
            shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
