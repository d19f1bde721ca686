"""Time the admin pages that have foreign keys to people or schools at full national scale; prints JSON.

    .venv/bin/python benchmarks/bench_admin.py --runs 5          # SQLite, a temporary file

Into a fresh SQLite database it migrates and generates a country (default 38,000 schools and
870,000 teachers, `kindred generate`, untimed), adds a site administrator and one regional role,
join request and invitation, then requests each admin page --runs times through Django's test
client (no network, no static files), in-process. Issue 9's bar: every page under 300 ms and
200 KB.

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
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--out", type=Path, default=ROOT / "benchmarks" / "results" / "bench_admin_sqlite.json"
    )
    args = parser.parse_args()

    scratch = tempfile.mkdtemp(prefix="kindred-bench-admin-")
    os.environ.update(
        DJANGO_SETTINGS_MODULE="kindred.settings",
        DEBUG="false",
        SECRET_KEY="kindred-benchmark-only-not-secret",
        KINDRED_VAR_DIR=scratch,
        DATABASE_URL=f"sqlite:///{scratch}/bench.sqlite3",
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
    from kindred.schools.generation import country_generate
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
    country_generate(n_schools=args.schools, seed=2019, years=[2021], n_teachers=args.teachers)
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
    pages = [
        "/admin/accounts/regionalrole/add/",
        f"/admin/accounts/regionalrole/{role.pk}/change/",
        "/admin/accounts/regionalrole/",
        f"/admin/accounts/user/{staff.user_id}/change/",
        "/admin/accounts/user/",
        "/admin/accounts/user/?q=smith",
        f"/admin/accounts/joinrequest/{join.pk}/change/",
        f"/admin/accounts/invitation/{invitation.pk}/change/",
        "/admin/otp_totp/totpdevice/add/",
        f"/admin/schools/school/{staff.school_id}/change/",
        "/admin/schools/school/",
        "/admin/schools/schoollink/add/",
        "/admin/schools/schoolmeasure/add/",
        "/admin/audit/auditevent/",
        f"/admin/autocomplete/?app_label=accounts&model_name=regionalrole&field_name=user&term={someone.email[:6]}",
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
        "database": "sqlite",
        "schools": args.schools,
        "people": User.objects.count(),
        "runs": args.runs,
        "generate_seconds_untimed_setup": round(generate_seconds, 1),
        "baseline": "GET /admin/ (the admin index), requested before each measured request",
        "baseline_median_ms": round(1000 * base, 1),
        "pages": results,
    }
    text = json.dumps(report, indent=2)
    print(text)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text + "\n")


if __name__ == "__main__":
    main()
