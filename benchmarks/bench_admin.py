"""Time the admin pages that have foreign keys to people or schools at full national scale; prints JSON.

    .venv/bin/python benchmarks/bench_admin.py --runs 5          # SQLite, a temporary file
    .venv/bin/python benchmarks/bench_admin.py --runs 5 \
        --database-url postgres://postgres@127.0.0.1:5432/kindred_admin_bench   # dropped and re-created!

Into a fresh database it migrates and generates a country with its networks (default 38,000
schools, 870,000 teachers and 3,500 networks: bench_networks.build, untimed), adds a site
administrator and one regional role, join request and invitation, then requests each admin page
--runs times through Django's test client (no network, no static files), in-process: the lists
of people and schools, their searches (a partial surname, two partial words, an e-mail's start),
the person picker's search, and the networks' admin pages. Issue 9's bar: every page under
300 ms and 200 KB.

Same-run baseline (the machine is shared, so absolute times drift): the admin's index page
(`/admin/`, no table of people on it) is requested right before each measured request, so runs
go baseline, page, baseline, page, ... The JSON gives each page's median time and size, and the
ratio of its median to the baseline's median. Not part of the test suite: about two minutes.
"""

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--schools", type=int, default=38_000)
    parser.add_argument("--teachers", type=int, default=870_000)
    parser.add_argument("--networks", type=int, default=3_500)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--database-url", help="a scratch PostgreSQL database (dropped and re-created)")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    database = "postgresql" if args.database_url else "sqlite"
    out = args.out or ROOT / "benchmarks" / "results" / f"bench_admin_{database}.json"

    scratch = tempfile.mkdtemp(prefix="kindred-bench-admin-")
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from bench_networks import build, fresh_database

    os.environ.update(
        DJANGO_SETTINGS_MODULE="kindred.settings",
        DEBUG="false",
        SECRET_KEY="kindred-benchmark-only-not-secret",
        KINDRED_VAR_DIR=scratch,
        DATABASE_URL=fresh_database(args.database_url, Path(scratch)),
        SECURE_SSL_REDIRECT="false",
    )
    os.environ.pop("DATABASE_CONN_MAX_AGE", None)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.utils import timezone

    from kindred.accounts.models import Invitation, JoinRequest, RegionalRole, SchoolStaff, User
    from kindred.networks.models import Membership, Network
    from kindred.schools.models import School

    setup_test_environment()  # the test client's ALLOWED_HOSTS ("testserver")
    # Plain static files: the pages are timed without collectstatic's manifest.
    from django.test.utils import override_settings

    override_settings(
        STORAGES={
            "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        }
    ).enable()
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    built = build(args.schools, args.teachers, args.networks, 2019)
    generate_seconds = time.perf_counter() - started
    admin = User.objects.create_superuser(email="bench.admin@example.org", password=None)
    someone = User.objects.exclude(pk=admin.pk).order_by("pk").first()
    school = School.objects.order_by("pk").first()
    role = RegionalRole.objects.create(user=someone, region=school.region)
    join = JoinRequest.objects.create(user=someone, school=school)
    invitation = Invitation.objects.create(
        email="x@example.org", school=school, role="teacher", token_hash="0" * 64, expires_at=timezone.now()
    )
    staff = SchoolStaff.objects.order_by("pk").first()
    named = User.objects.exclude(full_name="").order_by("pk")[1000]
    first_name, surname = named.full_name.split()[0], named.full_name.split()[-1]
    school_word = School.objects.exclude(town="").order_by("pk")[500].town.split()[0]
    network = Network.objects.order_by("pk")[min(100, args.networks - 1)]
    membership = Membership.objects.order_by("pk")[1000]
    pages = [
        "/admin/accounts/regionalrole/add/",
        f"/admin/accounts/regionalrole/{role.pk}/change/",
        "/admin/accounts/regionalrole/",
        f"/admin/accounts/user/{staff.user_id}/change/",
        "/admin/accounts/user/",
        f"/admin/accounts/user/?q={surname}",
        f"/admin/accounts/user/?q={surname[:3]}",
        f"/admin/accounts/user/?q={first_name[:3]}+{surname[:3]}",
        f"/admin/accounts/joinrequest/{join.pk}/change/",
        f"/admin/accounts/invitation/{invitation.pk}/change/",
        "/admin/otp_totp/totpdevice/add/",
        f"/admin/schools/school/{staff.school_id}/change/",
        "/admin/schools/school/",
        f"/admin/schools/school/?q={school_word}",
        "/admin/schools/schoollink/add/",
        "/admin/schools/schoolmeasure/add/",
        "/admin/audit/auditevent/",
        f"/admin/autocomplete/?app_label=accounts&model_name=regionalrole&field_name=user&term={someone.email[:6]}",
        f"/admin/autocomplete/?app_label=accounts&model_name=regionalrole&field_name=user&term={surname[:4]}",
        "/admin/networks/network/",
        f"/admin/networks/network/{network.pk}/change/",
        "/admin/networks/membership/",
        f"/admin/networks/membership/{membership.pk}/change/",
        f"/admin/networks/membership/?q={school_word}",
        "/admin/networks/networkrole/",
        f"/admin/networks/networkrole/?q={surname}",
        "/admin/networks/rotaturn/",
    ]
    client = Client()
    client.force_login(admin)
    client.get("/admin/")  # warm the template cache
    baseline, results = [], {}
    for url in pages:
        times, size, status = [], 0, 0
        client.get(url)
        for _ in range(args.runs):
            start = time.perf_counter()
            client.get("/admin/")
            baseline.append(time.perf_counter() - start)
            start = time.perf_counter()
            response = client.get(url)
            times.append(time.perf_counter() - start)
            size, status = len(response.content), response.status_code
        results[url] = {
            "status": status,
            "median_ms": round(1000 * statistics.median(times), 1),
            "kb": round(size / 1000, 1),
        }
    base = statistics.median(baseline)
    for entry in results.values():
        entry["ratio_to_baseline"] = round(entry["median_ms"] / (1000 * base), 2)
        entry["within_300_ms_200_kb"] = entry["median_ms"] < 300 and entry["kb"] < 200
    report = {
        "database": database,
        "schools": args.schools,
        "people": User.objects.count(),
        "networks": built["counts"]["networks"],
        "memberships": built["counts"]["memberships"],
        "network_roles": built["counts"]["roles"],
        "load_average": os.getloadavg(),
        "runs": args.runs,
        "generate_seconds_untimed_setup": round(generate_seconds, 1),
        "baseline": "GET /admin/ (the admin index), requested before each measured request",
        "searched": {"surname": surname, "first_name": first_name, "school_word": school_word},
        "baseline_median_ms": round(1000 * base, 1),
        "pages": results,
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
