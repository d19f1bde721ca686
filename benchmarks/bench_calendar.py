"""How long a region's calendar (month and list views) and a person's iCalendar feed take to render
with 5,000 events in the region, through the whole Django stack (test client: URL, view, selectors,
engine expansion, template or icalendar serialisation).

Data (generated, untimed, into a fresh database): one region, 50 networks of 4 schools, 5,000 events
spread over a school year (September to July), one in ten recurring (weekly for a term, with one
cancelled and one moved occurrence), one person who belongs to 5 of the networks (about 500 events).

Baseline, interleaved with each measured run: loading the same region's month of events as plain
rows (`list(Event.objects.filter(...).values())` for the month's window) — the floor a calendar page
cannot beat. Each figure is the median of --runs; the ratio is measured / baseline per run, median.

    .venv/bin/python benchmarks/bench_calendar.py --runs 9                    # SQLite, a temporary file
    .venv/bin/python benchmarks/bench_calendar.py --runs 9 \
        --database-url postgres://postgres@127.0.0.1:5432/kindred_bench_calendar   # dropped and re-created!
"""

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _prepare_database(url: str | None) -> str:
    if url is None:
        return "sqlite:///" + str(Path(tempfile.mkdtemp()) / "bench_calendar.sqlite3")
    import psycopg

    name = url.rsplit("/", 1)[1]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    return url


def _populate():
    from kindred.accounts.models import SchoolStaff, User
    from kindred.events.models import Event, OccurrenceChange
    from kindred.events.services import feed_token_issue
    from kindred.networks.models import Membership, Network
    from kindred.schools.models import LocalAuthority, Region, School

    region = Region.objects.create(code="R", name="Bench region")
    authority = LocalAuthority.objects.create(code="R1", name="Bench authority", region=region)
    schools = School.objects.bulk_create(
        School(registry_id=str(900000 + i), name=f"School {i}", region=region, local_authority=authority)
        for i in range(200)
    )
    networks = Network.objects.bulk_create(
        Network(name=f"Network {i}", kind="cluster", region=region, status="active") for i in range(50)
    )
    Membership.objects.bulk_create(
        Membership(network=networks[i // 4], school=schools[i]) for i in range(200)
    )
    person = User.objects.create_user(email="bench@example.org", password=None, full_name="Bench person")
    # Member of networks 0–4 through the schools of network 0..4? One school per network: staff at 5 schools.
    SchoolStaff.objects.bulk_create(
        SchoolStaff(user=person, school=schools[4 * i], role="teacher") for i in range(5)
    )
    term_start = datetime(2026, 9, 7, 15, tzinfo=UTC)
    events = []
    for i in range(5000):
        start = term_start + timedelta(days=(i * 7) % 300, hours=i % 5)
        recurring = i % 10 == 0
        events.append(
            Event(
                network=networks[i % 50],
                kind=Event.Kind.values[i % len(Event.Kind.values)],
                title=f"Event {i}",
                starts_at=start,
                ends_at=start + timedelta(hours=1),
                time_zone="Europe/London",
                rrule="FREQ=WEEKLY;COUNT=12" if recurring else "",
                series_ends_at=start + timedelta(weeks=11, hours=2)
                if recurring
                else start + timedelta(hours=1),
                host_school=schools[(i % 50) * 4 + i % 4],
                staff_roles=["teacher"],
                capacity=30,
            )
        )
    Event.objects.bulk_create(events, batch_size=500)
    changes = []
    for event in Event.objects.exclude(rrule=""):
        changes.append(
            OccurrenceChange(event=event, original_start=event.starts_at + timedelta(weeks=1), cancelled=True)
        )
        moved = event.starts_at + timedelta(weeks=2, days=1)
        changes.append(
            OccurrenceChange(
                event=event,
                original_start=event.starts_at + timedelta(weeks=2),
                starts_at=moved,
                ends_at=moved + timedelta(hours=1),
            )
        )
    OccurrenceChange.objects.bulk_create(changes)
    from kindred.events.feeds import event_ical_refresh

    for event in Event.objects.all():  # what the services do on every write
        event_ical_refresh(event)
    return region, person, feed_token_issue(user=person).token


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--database-url")
    parser.add_argument(
        "--profile",
        choices=["region_month", "region_list", "person_feed"],
        help="print a profile of one page instead",
    )
    args = parser.parse_args()
    os.environ["DATABASE_URL"] = _prepare_database(args.database_url)
    os.environ.setdefault("DEBUG", "false")
    os.environ.setdefault("SECRET_KEY", "kindred-bench-only-not-secret")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    os.environ["DJANGO_SETTINGS_MODULE"] = "kindred.settings"
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    settings.SECURE_SSL_REDIRECT = False
    settings.ALLOWED_HOSTS = ["testserver"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    call_command("migrate", verbosity=0)
    region, person, token = _populate()
    from kindred.events.models import Event
    from kindred.events.selectors import in_window_q

    client = Client()
    client.force_login(person)
    window = (datetime(2026, 10, 1, tzinfo=UTC), datetime(2026, 11, 1, tzinfo=UTC))
    pages = {
        "region_month": f"/events/regions/{region.pk}/?month=2026-10",
        "region_list": f"/events/regions/{region.pk}/?month=2026-10&view=list",
        "person_feed": f"/events/feeds/{token}.ics",
    }

    def baseline() -> float:
        began = time.perf_counter()
        list(Event.objects.filter(in_window_q(*window), network__region=region).distinct().values())
        return time.perf_counter() - began

    def measure(url: str) -> tuple[float, int, int]:
        with CaptureQueriesContext(connection) as queries:
            began, cpu = time.perf_counter(), time.process_time()
            response = client.get(url)
            elapsed = time.perf_counter() - began
            cpu_times.append(time.process_time() - cpu)
        assert response.status_code == 200, (url, response.status_code)
        return elapsed, len(queries), len(response.content)

    cpu_times: list[float] = []
    for url in pages.values():  # warm up: templates compiled, caches filled
        measure(url)
    if args.profile:
        import cProfile
        import pstats

        cProfile.runctx("measure(pages[args.profile])", globals(), locals(), "/tmp/bench_calendar.prof")
        pstats.Stats("/tmp/bench_calendar.prof").sort_stats("cumulative").print_stats(40)
        return
    results = {}
    for name, url in pages.items():
        times, bases, ratios = [], [], []
        cpu_times.clear()
        for _ in range(args.runs):
            base = baseline()
            elapsed, queries, size = measure(url)
            times.append(elapsed)
            bases.append(base)
            ratios.append(elapsed / base)
        results[name] = {
            "median_ms": round(statistics.median(times) * 1000, 1),
            # CPU time of this process: on SQLite (in-process) close to what an idle machine would take.
            "cpu_median_ms": round(statistics.median(cpu_times) * 1000, 1),
            "baseline_median_ms": round(statistics.median(bases) * 1000, 1),
            "ratio_median": round(statistics.median(ratios), 1),
            "queries": queries,
            "bytes": size,
        }
    month = client.get(pages["region_month"]).content.decode()
    results["region_month"]["occurrences_shown"] = month.count('class="meta"')
    results["region_month"]["occurrences_in_month"] = len(
        __import__("kindred.events.selectors", fromlist=["x"]).entries(
            Event.objects.filter(network__region=region), window_start=window[0], window_end=window[1]
        )
    )
    feed = client.get(pages["person_feed"]).content.decode()
    results["person_feed"]["vevents"] = feed.count("BEGIN:VEVENT")
    print(
        json.dumps(
            {"database": connection.vendor, "runs": args.runs, "events": Event.objects.count(), **results},
            indent=2,
        )
    )
    if args.database_url:
        connection.close()


if __name__ == "__main__":
    main()
