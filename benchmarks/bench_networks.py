"""Time the network pages at national scale; prints JSON.

    .venv/bin/python benchmarks/bench_networks.py                                   # SQLite, a temporary file
    .venv/bin/python benchmarks/bench_networks.py \\
        --database-url postgres://postgres@127.0.0.1:5432/kindred_networks_bench     # dropped and re-created!

Data (built untimed, once per database): a generated country (`country_generate`: 38,000 schools,
870,000 teachers with accounts and staff roles), then 3,500 networks of every kind written with
kindred.core.bulk.bulk_insert: every school a member of one network (about 11 each), one in ten of
those memberships ended (history), a coordinator and a contact teacher per member school, and a
school year's rota of 6 meetings (host and chair).

Measured: full requests through Django's test client (middleware, session, access checks,
selectors, template rendering), for networks picked at random, signed in as the network's
coordinator (who sees the most) and as a teacher at a member school: the network page, and the
directory's first page (3,500 networks visible). The query count of each page is reported.

Also reported: each request's CPU time in this process (time.process_time), which on a loaded
shared machine is closer to what the request costs than wall-clock time (it leaves out waiting
for a core, and on PostgreSQL the database server's own work).

Same-run baseline, interleaved (baseline, measured, baseline, measured, ...): the public school
page (`/schools/<id>/`) of a random school, a hot page of the same stack that is not ours. The
figures: medians over all requests, and the ratio median measured / median baseline.
"""

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def fresh_database(url: str | None, scratch: Path) -> str:
    if url is None:
        return f"sqlite:///{scratch / 'bench-networks.sqlite3'}"
    import psycopg

    parts = urlparse(url)
    name = parts.path.lstrip("/")
    if name in {"", "postgres", "template0", "template1"}:
        raise SystemExit("Name a scratch database in --database-url.")
    with psycopg.connect(urlunparse(parts._replace(path="/postgres")), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    return url


def build(n_schools: int, n_teachers: int, n_networks: int, seed: int) -> dict:
    from django.db import transaction
    from django.utils import timezone

    from kindred import countries
    from kindred.accounts.generation import country_generate
    from kindred.accounts.models import SchoolStaff
    from kindred.core.bulk import bulk_insert, reset_sequence
    from kindred.networks.models import Membership, Network, NetworkRole, RotaTurn
    from kindred.schools.models import School

    started = time.perf_counter()
    country_generate(n_schools=n_schools, seed=seed, n_teachers=n_teachers)
    generated = time.perf_counter() - started
    rng = random.Random(seed)
    now = timezone.now()
    started = time.perf_counter()
    with transaction.atomic():
        schools = list(School.objects.order_by("region_id", "pk").values_list("pk", "region_id"))
        kinds = [k for k in Network.Kind.values]
        network_ids = list(range(1, n_networks + 1))
        regions = {}
        rows = []
        for nid in network_ids:
            kind = kinds[nid % len(kinds)]
            region = schools[(nid - 1) * len(schools) // n_networks][1]
            regions[nid] = region
            rows.append(
                (
                    nid,
                    f"Network {nid:04d}",
                    kind,
                    "Sharing practice",
                    "",
                    region,
                    "",
                    "maths" if nid % 4 == 2 else "",
                    "private" if nid % 5 == 0 else "public",
                    "active",
                    None,
                    now,
                )
            )
        bulk_insert(
            "networks_network",
            [
                "id",
                "name",
                "kind",
                "purpose",
                "description",
                "region_id",
                "phase",
                "subject",
                "visibility",
                "status",
                "capacity",
                "created_at",
            ],
            rows,
        )
        reset_sequence(Network)
        # Each school in one network, in order (so networks are regional); 1 in 10 memberships ended.
        staff_by_school: dict[int, list[int]] = {}
        for user_id, school_id in SchoolStaff.objects.values_list("user_id", "school_id").iterator(
            chunk_size=50_000
        ):
            staff_by_school.setdefault(school_id, []).append(user_id)
        memberships, roles, turns, members_of = [], [], [], {}
        for i, (school_id, _region) in enumerate(schools):
            nid = network_ids[i * n_networks // len(schools)]
            ended = rng.random() < 0.1
            memberships.append(
                (
                    nid,
                    school_id,
                    "member",
                    now - timedelta(days=400),
                    now - timedelta(days=30) if ended else None,
                    "Moved away" if ended else "",
                )
            )
            if not ended:
                members_of.setdefault(nid, []).append(school_id)
        bulk_insert(
            "networks_membership",
            ["network_id", "school_id", "role", "joined_at", "left_at", "leave_reason"],
            memberships,
        )
        coordinators = {}
        start = timezone.localdate() + timedelta(days=7)
        school_year = countries.profile().school_year_of(start)
        for nid, member_schools in members_of.items():
            for k, school_id in enumerate(member_schools):
                staff = staff_by_school.get(school_id) or []
                if not staff:
                    continue
                if k == 0:
                    coordinators[nid] = staff[0]
                    roles.append((nid, staff[0], "coordinator", None, now))
                roles.append((nid, staff[-1], "contact_teacher", school_id, now))
            for m in range(6):
                day = start + timedelta(weeks=6 * m)
                turns.append((nid, school_year, day, "host", member_schools[m % len(member_schools)]))
                turns.append((nid, school_year, day, "chair", member_schools[(m + 1) % len(member_schools)]))
        bulk_insert(
            "networks_networkrole", ["network_id", "user_id", "role", "school_id", "started_at"], roles
        )
        bulk_insert("networks_rotaturn", ["network_id", "school_year", "date", "duty", "school_id"], turns)
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    else:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return {
        "generate_seconds": round(generated, 1),
        "networks_seconds": round(time.perf_counter() - started, 1),
        "networks": n_networks,
        "memberships": len(memberships),
        "people_roles": len(roles),
        "rota_turns": len(turns),
        "coordinators": coordinators,
        "members_of": members_of,
        "staff_by_school": staff_by_school,
        "counts": {
            "schools": School.objects.count(),
            "people": SchoolStaff.objects.values("user_id").distinct().count(),
            "networks": Network.objects.count(),
            "memberships": Membership.objects.count(),
            "roles": NetworkRole.objects.count(),
            "turns": RotaTurn.objects.count(),
        },
    }


CPU: dict[str, list[float]] = {}


def timed(client, url: str, name: str) -> tuple[float, int]:
    """Wall-clock ms of one request (and its query count); its CPU ms in this process go to CPU[name]."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        started, cpu = time.perf_counter(), time.process_time()
        response = client.get(url, secure=True)
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    assert response.status_code == 200, (url, response.status_code)
    CPU.setdefault(name, []).append(cpu * 1000)
    return elapsed * 1000, len(queries)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url")
    parser.add_argument("--schools", type=int, default=38_000)
    parser.add_argument("--teachers", type=int, default=870_000)
    parser.add_argument("--networks", type=int, default=3_500)
    parser.add_argument(
        "--requests", type=int, default=60, help="timed requests per page (and as many baseline)"
    )
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="kindred-bench-networks-"))
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

    # As in the tests: pages render without running collectstatic first.
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
    data = build(args.schools, args.teachers, args.networks, args.seed)
    rng = random.Random(args.seed)
    network_ids = sorted(data["coordinators"])
    registry_ids = list(School.objects.values_list("registry_id", flat=True))
    clients: dict[int, Client] = {}

    def client_for(user_id: int) -> Client:
        if user_id not in clients:
            client = Client()
            client.force_login(User.objects.get(pk=user_id))
            clients[user_id] = client
        return clients[user_id]

    pages = {
        "network page (coordinator)": [],
        "network page (member teacher)": [],
        "directory, first page": [],
    }
    queries: dict[str, set[int]] = {name: set() for name in pages}
    baseline, baseline_queries = [], set()
    anonymous = Client()
    for _ in range(args.requests):
        nid = rng.choice(network_ids)
        coordinator = client_for(data["coordinators"][nid])
        member_school = rng.choice(data["members_of"][nid])
        teacher = client_for(data["staff_by_school"][member_school][0])
        for name, client, page_url in [
            ("network page (coordinator)", coordinator, f"/networks/{nid}/"),
            ("network page (member teacher)", teacher, f"/networks/{nid}/"),
            ("directory, first page", teacher, "/networks/"),
        ]:
            ms, n = timed(anonymous, f"/schools/{rng.choice(registry_ids)}/", "baseline")
            baseline.append(ms)
            baseline_queries.add(n)
            ms, n = timed(client, page_url, name)
            pages[name].append(ms)
            queries[name].add(n)
    base = statistics.median(baseline)
    result = {
        "database": connection.vendor,
        "data": {k: data[k] for k in ("generate_seconds", "networks_seconds", "counts")},
        "requests_per_page": args.requests,
        "baseline": {
            "page": "public school page /schools/<id>/",
            "median_ms": round(base, 1),
            "cpu_median_ms": round(statistics.median(CPU["baseline"]), 1),
            "queries": sorted(baseline_queries),
        },
        "pages": {
            name: {
                "median_ms": round(statistics.median(times), 1),
                "p90_ms": round(statistics.quantiles(times, n=10)[-1], 1),
                "ratio_to_baseline": round(statistics.median(times) / base, 2),
                # CPU time of this process: what a request costs here, less the wait for a core
                # on a loaded machine (and less PostgreSQL's own work, which runs elsewhere).
                "cpu_median_ms": round(statistics.median(CPU[name]), 1),
                "cpu_ratio_to_baseline": round(
                    statistics.median(CPU[name]) / statistics.median(CPU["baseline"]), 2
                ),
                "queries": sorted(queries[name]),
            }
            for name, times in pages.items()
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
