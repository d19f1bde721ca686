"""Time the API at national scale: a page of the schools list, and full streamed exports; prints JSON.

    nice -n 10 .venv/bin/python benchmarks/bench_api.py --runs 5                 # SQLite, a temporary file
    nice -n 10 .venv/bin/python benchmarks/bench_api.py --runs 5 \
        --database-url postgres://postgres@127.0.0.1:5432/kd_api_bench   # dropped and re-created!

Into a fresh database it migrates and generates a country (default 38,000 schools with three years
of measures, `accounts.generation.country_generate`, untimed), then makes API tokens for a site
administrator and for a system leader of the largest region, and requests through Django's test
client, in-process:

- `GET /api/v1/schools?limit=100`: the first page, a page deep in the list (after the cursor of the
  school half-way by name), and the first page of one region; as the site admin and the leader
  (whose categories are worked out per school by the permission layer's filter);
- `GET /api/v1/schools.csv` and `GET /api/v1/measures.csv`: every school, and every measure value of
  every school, streamed (the body is consumed and counted, never held); peak memory of the
  process is reported beside it.

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
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--schools", type=int, default=38_000)
    parser.add_argument("--teachers", type=int, default=40_000, help="at least one a school")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--export-runs", type=int, default=3)
    parser.add_argument("--database-url", help="a scratch PostgreSQL database (dropped and re-created)")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    database = "postgresql" if args.database_url else "sqlite"
    out = args.out or ROOT / "benchmarks" / "results" / f"bench_api_{database}.json"

    scratch = tempfile.mkdtemp(prefix="kindred-bench-api-")
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from bench_networks import fresh_database

    os.environ.update(
        DJANGO_SETTINGS_MODULE="kindred.settings",
        DEBUG="false",
        SECRET_KEY="kindred-benchmark-only-not-secret",
        KINDRED_VAR_DIR=scratch,
        DATABASE_URL=fresh_database(args.database_url, Path(scratch)),
        SECURE_SSL_REDIRECT="false",
        API_REQUESTS_PER_MINUTE="0",
    )
    os.environ.pop("DATABASE_CONN_MAX_AGE", None)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db.models import Count
    from django.test import Client
    from django.test.utils import override_settings, setup_test_environment

    from kindred.accounts.generation import country_generate
    from kindred.accounts.models import RegionalRole, User
    from kindred.api import cursor
    from kindred.api.services import token_create
    from kindred.schools.models import School, SchoolMeasure

    setup_test_environment()
    override_settings(
        STORAGES={
            "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        }
    ).enable()
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    country_generate(n_schools=args.schools, seed=2024, n_teachers=args.teachers)
    generate_seconds = time.perf_counter() - started

    admin = User.objects.create_superuser(email="bench.admin@example.org", password=None)
    leader = User.objects.create_user(email="bench.leader@example.org", password=None, full_name="Leader")
    region = School.objects.values("region_id", "region__code").annotate(n=Count("pk")).order_by("-n").first()
    RegionalRole.objects.create(user=leader, region_id=region["region_id"])
    clients = {}
    for name, user in (("site_admin", admin), ("system_leader", leader)):
        _token, secret = token_create(user=user, name="bench", scope="read", days=1)
        clients[name] = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    middle = School.objects.order_by("name", "id")[args.schools // 2]
    halfway = cursor.encode([middle.name, middle.pk])
    browser = Client()

    def timed(client, url: str) -> tuple[float, int, int]:
        start = time.perf_counter()
        response = client.get(url)
        size = len(b"".join(response.streaming_content)) if response.streaming else len(response.content)
        return time.perf_counter() - start, response.status_code, size

    pages = {
        "first page": "/api/v1/schools?limit=100",
        "a page half-way down": f"/api/v1/schools?limit=100&cursor={halfway}",
        "first page of the largest region": f"/api/v1/schools?limit=100&region={region['region__code']}",
    }
    baseline, results = [], {}
    for persona, client in clients.items():
        for label, url in pages.items():
            timed(client, url)
            times, status = [], 0
            for _ in range(args.runs):
                baseline.append(timed(browser, "/?page=1")[0])
                seconds, status, size = timed(client, url)
                times.append(seconds)
            results[f"{persona}: {label}"] = {
                "status": status,
                "median_ms": round(1000 * statistics.median(times), 1),
                "kb": round(size / 1000, 1),
            }
    base_ms = 1000 * statistics.median(baseline)
    for entry in results.values():
        entry["ratio_to_baseline"] = round(entry["median_ms"] / base_ms, 2)
        entry["under_200_ms"] = entry["median_ms"] < 200

    rss_before_exports = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    exports = {}
    for label, url in (("schools.csv", "/api/v1/schools.csv"), ("measures.csv", "/api/v1/measures.csv")):
        times, cpu = [], []
        for _ in range(args.export_runs):
            cpu_start = time.process_time()
            seconds, status, size = timed(clients["site_admin"], url)
            times.append(seconds)
            cpu.append(time.process_time() - cpu_start)
        exports[label] = {
            "status": status,
            "median_s": round(statistics.median(times), 2),
            "cpu_s_median": round(statistics.median(cpu), 2),
            "mb": round(size / 1e6, 1),
            "under_30_s": statistics.median(times) < 30,
        }
    report = {
        "database": database,
        "schools": School.objects.count(),
        "measure_values": SchoolMeasure.objects.count(),
        "runs": args.runs,
        "generate_seconds_untimed_setup": round(generate_seconds, 1),
        "baseline": "GET /?page=1 (the home page's HTML list of schools), requested before each measured page",
        "baseline_median_ms": round(base_ms, 1),
        "pages": results,
        "exports_as_site_admin": exports,
        # Peak memory of the process (the generation included) before and after the exports: a
        # streamed export that held its rows would raise it by their size.
        "peak_rss_mb_before_exports": round(rss_before_exports, 1),
        "peak_rss_mb_after_exports": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "load_average": os.getloadavg(),
        "cpu_s_total": round(time.process_time(), 1),
    }
    text = json.dumps(report, indent=2)
    print(text)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text + "\n")
    if args.database_url:
        from urllib.parse import urlparse, urlunparse

        import psycopg
        from django.db import connection

        connection.close()
        parts = urlparse(args.database_url)
        with psycopg.connect(urlunparse(parts._replace(path="/postgres")), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{parts.path.lstrip("/")}"')


if __name__ == "__main__":
    main()
