"""Time the API at national scale: a page of the schools list, and full streamed exports; prints JSON.

    chrt -f 5 .venv/bin/python benchmarks/bench_api.py --runs 5                  # SQLite, a temporary file
    chrt -f 5 .venv/bin/python benchmarks/bench_api.py --runs 5 \
        --database-url postgres://postgres@127.0.0.1:5432/kd_api_bench   # dropped and re-created!
    .venv/bin/python benchmarks/bench_api.py --keep --build-only                 # build once (2-15 min),
    chrt -f 5 .venv/bin/python benchmarks/bench_api.py --reuse --runs 9          # then time it again and again

Into a fresh database it migrates and generates a country (default 38,000 schools with three years
of measures and the national trial's networks, untimed), then makes API tokens for a site
administrator and for a system leader of the largest region, and requests through Django's test
client, in-process:

- `GET /api/v1/schools?limit=100`: the first page, a page deep in the list (after the cursor of the
  school half-way by name), and the first page of one region; as the site admin and the leader
  (whose categories are worked out per school by the permission layer's filter);
- the newer lists, 100 a page (unless `--networks 0`): `schools.geojson` (all, the largest region),
  `schools?changed_since=` with 100 schools changed since, `networks`, the largest network's `roles`
  and `members.geojson`, `events`, the fullest event's `registrations`, `resources`, `plans`,
  `consultations`, on the national trial's networks (`demo/national.national_write`) with a library
  link and a plan per network and 200 consultations added (untimed);
- `GET /api/v1/schools.csv` and `GET /api/v1/measures.csv`: every school, and every measure value of
  every school (and of the largest region), streamed (the body is read and counted, never held),
  with wall and CPU seconds; then, untimed, the peak of Python's allocations while each is read
  (tracemalloc): a streamed export holds a chunk, so the whole country's peak is the region's.

Same-run baseline (the machine is shared): the HTML schools list, the home page's first page of
schools (`/?page=1`, the same selector through Django's paginator), requested right before each
measured request. Issue 24's bars: a page under 200 ms; the full export under 30 s.
"""

import argparse
import json
import os
import resource
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--schools", type=int, default=38_000)
    parser.add_argument("--teachers", type=int, default=40_000, help="at least one a school")
    parser.add_argument(
        "--networks",
        type=int,
        default=-1,
        help="networks of the national trial (with memberships, roles, events and places; -1: the "
        "generator's default, about one per 11 schools; 0: none, and none of the newer endpoints timed)",
    )
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--export-runs", type=int, default=3)
    parser.add_argument("--database-url", help="a scratch PostgreSQL database (dropped and re-created)")
    parser.add_argument("--out", type=Path)
    parser.add_argument(
        "--keep",
        action="store_true",
        help="keep the database for --reuse (SQLite: benchmarks/out/bench_api.sqlite3, not committed)",
    )
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="time the database an earlier --keep run built instead of generating a country (20 min)",
    )
    parser.add_argument(
        "--build-only", action="store_true", help="with --keep: build the database, time nothing"
    )
    args = parser.parse_args()
    database = "postgresql" if args.database_url else "sqlite"
    out = args.out or ROOT / "benchmarks" / "results" / f"bench_api_{database}.json"

    scratch = tempfile.mkdtemp(prefix="kindred-bench-api-")
    sys.path.insert(0, str(ROOT / "benchmarks"))

    os.environ.update(
        DJANGO_SETTINGS_MODULE="kindred.settings",
        DEBUG="false",
        SECRET_KEY="kindred-benchmark-only-not-secret",
        KINDRED_VAR_DIR=scratch,
        DATABASE_URL=database_url(args),
        SECURE_SSL_REDIRECT="false",
        API_REQUESTS_PER_MINUTE="0",
    )
    os.environ.pop("DATABASE_CONN_MAX_AGE", None)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db.models import Count, F
    from django.test import Client
    from django.test.utils import override_settings, setup_test_environment
    from django.utils import timezone

    from kindred.accounts.generation import country_make
    from kindred.accounts.models import RegionalRole, User
    from kindred.api import cursor
    from kindred.api.services import token_create
    from kindred.demo.national import national_write, networks_default
    from kindred.events.models import Registration
    from kindred.library.models import Resource
    from kindred.networks.models import Membership, Network
    from kindred.plans.models import DevelopmentPlan
    from kindred.schools.models import School, SchoolMeasure
    from kindred.voice.models import Consultation

    setup_test_environment()
    override_settings(
        STORAGES={
            "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        }
    ).enable()
    call_command("migrate", verbosity=0)
    generate_seconds = None
    if not args.reuse:
        started = time.perf_counter()
        n_networks = networks_default(args.schools) if args.networks == -1 else args.networks
        country = country_make(n_schools=args.schools, seed=2024, n_teachers=args.teachers)
        national_write(country=country, n_networks=n_networks, n_posts=0, seed=2024)
        admin = User.objects.create_superuser(email="bench.admin@example.org", password=None)
        leader = User.objects.create_user(email="bench.leader@example.org", password=None, full_name="Leader")
        library_plans_consultations_write(admin, Network, Resource, DevelopmentPlan, Consultation)
        generate_seconds = round(time.perf_counter() - started, 1)
    admin = User.objects.get(email="bench.admin@example.org")
    leader = User.objects.get(email="bench.leader@example.org")
    region = School.objects.values("region_id", "region__code").annotate(n=Count("pk")).order_by("-n").first()
    RegionalRole.objects.get_or_create(user=leader, region_id=region["region_id"])
    if args.build_only:
        return
    clients = {}
    for name, user in (("site_admin", admin), ("system_leader", leader)):
        _token, secret = token_create(user=user, name="bench", scope="read", days=1)
        clients[name] = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    middle = School.objects.order_by("name", "id")[args.schools // 2]
    halfway = cursor.encode([middle.name, middle.pk])
    browser = Client()

    def timed(client, url: str) -> tuple[float, int, int, float]:
        """Wall seconds, status, bytes and CPU seconds of one request; a streamed body is read
        chunk by chunk and counted, never held (so the process's memory is the server's)."""
        start, cpu = time.perf_counter(), time.process_time()
        response = client.get(url)
        if response.streaming:
            size = sum(len(chunk) for chunk in response.streaming_content)
        else:
            size = len(response.content)
        return time.perf_counter() - start, response.status_code, size, time.process_time() - cpu

    pages = {
        "first page": "/api/v1/schools?limit=100",
        "a page half-way down": f"/api/v1/schools?limit=100&cursor={halfway}",
        "first page of the largest region": f"/api/v1/schools?limit=100&region={region['region__code']}",
    }
    # The newer endpoints (roles, plans, consultations, resources, registrations, GeoJSON) and
    # changed_since, on the national trial's networks, events and places.
    network = Membership.objects.values("network_id").annotate(n=Count("pk")).order_by("-n").first()
    event = Registration.objects.values("event_id").annotate(n=Count("pk")).order_by("-n").first()
    # An incremental sync: 100 schools (every 380th by name) changed since "last night".
    last_night = timezone.now().isoformat().replace("+00:00", "Z")
    School.objects.filter(
        pk__in=list(School.objects.order_by("name", "id").values_list("pk", flat=True)[::380])
    ).update(town=F("town"))
    if network is not None:
        pages |= {
            "schools.geojson, first page": "/api/v1/schools.geojson?limit=100",
            "schools.geojson, first page of the largest region": (
                f"/api/v1/schools.geojson?limit=100&region={region['region__code']}"
            ),
            "schools changed since last night (100)": f"/api/v1/schools?limit=100&changed_since={last_night}",
            "networks, first page": "/api/v1/networks?limit=100",
            "roles of the largest network": f"/api/v1/networks/{network['network_id']}/roles?limit=100",
            "members.geojson of the largest network": f"/api/v1/networks/{network['network_id']}/members.geojson",
            "events, first page": "/api/v1/events?limit=100",
            "registrations of the fullest event": f"/api/v1/events/{event['event_id']}/registrations?limit=100",
            "resources, first page": "/api/v1/resources?limit=100",
            "plans, first page": "/api/v1/plans?limit=100",
            "consultations, first page": "/api/v1/consultations?limit=100",
        }
    load_at_start = os.getloadavg()
    baseline, results = [], {}
    for persona, client in clients.items():
        for label, url in pages.items():
            timed(client, url)
            times, cpu, status = [], [], 0
            for _ in range(args.runs):
                baseline.append(timed(browser, "/?page=1")[0])
                seconds, status, size, cpu_seconds = timed(client, url)
                times.append(seconds)
                cpu.append(cpu_seconds)
            results[f"{persona}: {label}"] = {
                "status": status,
                "median_ms": round(1000 * statistics.median(times), 1),
                "cpu_ms_median": round(1000 * statistics.median(cpu), 1),
                "kb": round(size / 1000, 1),
            }
    base_ms = 1000 * statistics.median(baseline)
    for entry in results.values():
        entry["ratio_to_baseline"] = round(entry["median_ms"] / base_ms, 2)
        entry["under_200_ms"] = entry["median_ms"] < 200

    rss_before_exports = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    exports, export_baseline = {}, []
    region_measures = f"/api/v1/measures.csv?region={region['region__code']}"
    for label, url in (
        ("schools.csv", "/api/v1/schools.csv"),
        ("measures.csv", "/api/v1/measures.csv"),
        ("measures.csv of the largest region", region_measures),
    ):
        times, cpu = [], []
        for _ in range(args.export_runs):
            export_baseline.append(timed(browser, "/?page=1")[0])
            seconds, status, size, cpu_seconds = timed(clients["site_admin"], url)
            times.append(seconds)
            cpu.append(cpu_seconds)
        exports[label] = {
            "status": status,
            "median_s": round(statistics.median(times), 2),
            "cpu_s_median": round(statistics.median(cpu), 2),
            "runs_s": [round(t, 2) for t in times],
            "mb": round(size / 1e6, 1),
            "under_30_s": statistics.median(times) < 30,
        }
    rss_after_exports = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    # Memory of a streamed export: the peak of Python's allocations while one is read through,
    # once (tracemalloc slows it, so untimed). Streaming holds one chunk, whatever the export's size.
    for label, url in (
        ("measures.csv of the largest region", region_measures),
        ("measures.csv", "/api/v1/measures.csv"),
        ("schools.csv", "/api/v1/schools.csv"),
    ):
        tracemalloc.start()
        timed(clients["site_admin"], url)
        exports[label]["peak_traced_mb"] = round(tracemalloc.get_traced_memory()[1] / 1e6, 1)
        tracemalloc.stop()
    report = {
        "database": database,
        "schools": School.objects.count(),
        "measure_values": SchoolMeasure.objects.count(),
        "networks": Network.objects.count(),
        "memberships": Membership.objects.count(),
        "registrations": Registration.objects.count(),
        "resources": Resource.objects.count(),
        "plans": DevelopmentPlan.objects.count(),
        "consultations": Consultation.objects.count(),
        "runs": args.runs,
        "generate_seconds_untimed_setup": generate_seconds,
        "baseline": "GET /?page=1 (the home page's HTML list of schools), requested before each measured page",
        "baseline_median_ms": round(base_ms, 1),
        "baseline_during_exports_median_ms": round(1000 * statistics.median(export_baseline), 1),
        "pages": results,
        "exports_as_site_admin": exports,
        # Peak memory of the process (the generation included, unless --reuse) before and after the
        # exports: a streamed export that held its rows would raise it by their size.
        "peak_rss_mb_before_exports": round(rss_before_exports, 1),
        "peak_rss_mb_after_exports": round(rss_after_exports, 1),
        "load_average_at_start": load_at_start,
        "load_average": os.getloadavg(),
        "cpu_s_total": round(time.process_time(), 1),
    }
    text = json.dumps(report, indent=2)
    print(text)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text + "\n")
    if args.database_url and not (args.keep or args.reuse):
        from urllib.parse import urlparse, urlunparse

        import psycopg
        from django.db import connection

        connection.close()
        parts = urlparse(args.database_url)
        with psycopg.connect(urlunparse(parts._replace(path="/postgres")), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{parts.path.lstrip("/")}"')


def library_plans_consultations_write(admin, Network, Resource, DevelopmentPlan, Consultation) -> None:
    """What the national trial does not make: a link in each network's library and one public, a
    development plan for each network, and 200 consultations of the site admin's (untimed setup)."""
    networks = list(Network.objects.values_list("pk", flat=True))
    Resource.objects.bulk_create(
        [
            Resource(network_id=pk, kind="link", title=f"Reading toolkit {pk}", url="https://example.org/t")
            for pk in [*networks, None]
        ],
        batch_size=2000,
    )
    DevelopmentPlan.objects.bulk_create(
        [DevelopmentPlan(network_id=pk, title="Development plan", year=2026) for pk in networks],
        batch_size=2000,
    )
    Consultation.objects.bulk_create(
        [Consultation(title=f"Consultation {i}", owner=admin, audience="national") for i in range(200)]
    )


def database_url(args: argparse.Namespace) -> str:
    """The database to time: a fresh one, or with --keep/--reuse one kept between runs."""
    from bench_networks import fresh_database

    if not (args.keep or args.reuse):
        return fresh_database(args.database_url, Path(tempfile.mkdtemp(prefix="kindred-bench-api-")))
    if args.database_url:
        return args.database_url if args.reuse else fresh_database(args.database_url, Path())
    kept = ROOT / "benchmarks" / "out" / "bench_api.sqlite3"
    kept.parent.mkdir(exist_ok=True)
    if not args.reuse:
        kept.unlink(missing_ok=True)
    return f"sqlite:///{kept}"


if __name__ == "__main__":
    main()
