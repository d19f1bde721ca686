"""Scheduled jobs in one place: `kindred scheduler` queues each job when its SCHEDULE_* setting says,
once per due time; the worker runs it and records its outcome; site admins read every job's last
run, outcome and next run on /jobs/schedule/."""

import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from kindred.audit.models import AuditEvent
from kindred.core.models import ScheduledJob
from kindred.core.schedule import JOBS, schedule_overview, schedule_tick, scheduled_job_execute

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db


@pytest.fixture
def schedules(settings):
    settings.TIME_ZONE = "UTC"
    settings.SCHEDULE = {
        "digest": "07:00",
        "event_reminders": ":00",
        "audit_prune": "03:00",
        "uploads_clean": "03:30",
        "recompute": "off",
    }
    return settings.SCHEDULE


def moment(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def test_a_first_look_schedules_every_job_without_running_any(schedules, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as queued:
        assert schedule_tick(moment("2026-12-06 10:20")) == []
    assert queued == []
    next_runs = dict(ScheduledJob.objects.values_list("code", "next_run_at"))
    assert next_runs == {
        "digest": moment("2026-12-07 07:00"),
        "event_reminders": moment("2026-12-06 11:00"),
        "audit_prune": moment("2026-12-07 03:00"),
        "uploads_clean": moment("2026-12-07 03:30"),
        "recompute": None,
    }


def test_a_due_job_is_queued_once_however_often_the_scheduler_looks(
    schedules, django_capture_on_commit_callbacks
):
    schedule_tick(moment("2026-12-06 10:20"))
    with django_capture_on_commit_callbacks() as queued:
        assert schedule_tick(moment("2026-12-06 11:00:10")) == ["event_reminders"]
        assert schedule_tick(moment("2026-12-06 11:00:40")) == []  # a second scheduler, or the next look
    assert len(queued) == 1
    row = ScheduledJob.objects.get(code="event_reminders")
    assert row.last_status == ScheduledJob.Status.QUEUED
    assert row.next_run_at == moment("2026-12-06 12:00")
    # Down overnight: a missed run happens once when the scheduler is back, not once per missed hour.
    with django_capture_on_commit_callbacks():
        assert schedule_tick(moment("2026-12-07 09:15")) == [
            "digest",
            "event_reminders",
            "audit_prune",
            "uploads_clean",
        ]
    assert ScheduledJob.objects.get(code="event_reminders").next_run_at == moment("2026-12-07 10:00")


def test_a_changed_setting_moves_the_next_run_and_off_stops_a_job(schedules, settings):
    schedule_tick(moment("2026-12-06 10:20"))
    settings.SCHEDULE = {**schedules, "digest": "06:30", "recompute": "02:00", "event_reminders": "off"}
    assert schedule_tick(moment("2026-12-06 10:21")) == []
    next_runs = dict(ScheduledJob.objects.values_list("code", "next_run_at"))
    assert next_runs["digest"] == moment("2026-12-07 06:30")
    assert next_runs["recompute"] == moment("2026-12-07 02:00")
    assert next_runs["event_reminders"] is None
    assert schedule_tick(moment("2026-12-07 08:00")) == [
        "digest",
        "audit_prune",
        "uploads_clean",
        "recompute",
    ]


def test_a_job_run_records_its_outcome_and_the_commands_last_words(schedules):
    old = AuditEvent.objects.create(action="test.old")
    AuditEvent.objects.filter(pk=old.pk).update(at=timezone.now() - timedelta(days=800))
    kept = AuditEvent.objects.create(action="test.recent")
    row = scheduled_job_execute("audit_prune")
    assert row.last_status == ScheduledJob.Status.SUCCEEDED
    assert "Deleted 1 audit events" in row.last_message
    assert row.last_started_at <= row.last_finished_at
    assert list(AuditEvent.objects.values_list("pk", flat=True)) == [kept.pk]


def test_a_failing_job_is_recorded_as_failed_with_its_reason(schedules):
    # A recompute with no schools to compute is refused by its command (exit status 1).
    row = scheduled_job_execute("recompute")
    assert row.last_status == ScheduledJob.Status.FAILED
    assert row.last_message
    assert row.last_finished_at is not None


def test_the_page_lists_every_job_with_its_schedule_last_run_outcome_and_next_run(
    schedules, client, site_admin
):
    client.force_login(site_admin)
    page = client.get("/jobs/schedule/").content.decode()
    assert "The scheduler has not run yet" in page
    for job in JOBS:
        assert str(job.label) in page
    schedule_tick(moment("2026-12-06 10:20"))
    scheduled_job_execute("audit_prune")
    ScheduledJob.objects.filter(code="digest").update(next_run_at=timezone.now() - timedelta(hours=1))
    page = client.get("/jobs/schedule/").content.decode()
    assert "The scheduler has not run yet" not in page
    assert "Every day at 07:00" in page and "Every hour at :00" in page and "Off" in page
    assert "Succeeded" in page and "Deleted 0 audit events" in page
    assert "Overdue: is kindred scheduler" in page  # the digest's next run passed an hour ago
    assert "7 Dec 2026 03:00" in page  # audit pruning's next run


def test_the_page_speaks_welsh(schedules, client, site_admin):
    site_admin.language = "cy"
    site_admin.save()
    client.force_login(site_admin)
    page = client.get("/jobs/schedule/").content.decode()
    assert "<h1>Tasgau wedi'u hamserlennu</h1>" in page
    assert "Digests of unread posts" not in page and "Every hour at" not in page
    assert "Crynodebau o negeseuon heb eu darllen" in page and "Nid yw'r amserlennydd wedi rhedeg eto" in page


def test_the_overview_flags_a_run_queued_long_ago_that_no_worker_took(schedules):
    schedule_tick(moment("2026-12-06 10:20"))
    ScheduledJob.objects.filter(code="uploads_clean").update(
        last_status=ScheduledJob.Status.QUEUED, last_queued_at=timezone.now() - timedelta(hours=2)
    )
    flagged = {item.job.code for item in schedule_overview() if item.overdue}
    assert "uploads_clean" in flagged


def test_a_bad_schedule_setting_stops_the_start_saying_what_is_allowed(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL"}}
    env.update(DEBUG="true", KINDRED_VAR_DIR=str(tmp_path), SCHEDULE_AUDIT_PRUNE="3am")
    result = subprocess.run(
        [sys.executable, "-m", "kindred.cli", "check"], env=env, cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode != 0
    assert "SCHEDULE_AUDIT_PRUNE: '3am' is not a schedule: write HH:MM" in result.stderr


@pytest.mark.own_database
def test_the_scheduler_queues_and_the_worker_runs_as_deployed(tmp_path, migrated_sqlite):
    """The real processes on a real database file: `kindred scheduler --once` queues a due job,
    `kindred worker --batch` runs it, and the outcome is stored."""
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "TASKS_BACKEND"}}
    env.update(DEBUG="true", KINDRED_VAR_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="kindred.settings")

    def kindred(*args):
        result = subprocess.run(
            [sys.executable, "-m", "kindred.cli", *args], env=env, cwd=ROOT, capture_output=True, text=True
        )
        assert result.returncode == 0, result.stderr
        return result.stdout

    def python(code):
        return subprocess.run(
            [sys.executable, "-c", "import django; django.setup()\n" + code],
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout

    migrated_sqlite(tmp_path)  # what `kindred migrate` makes (conftest.py: migrated once per run)
    assert "queued" not in kindred("scheduler", "--once")
    python(
        "from datetime import timedelta\nfrom django.utils import timezone\n"
        "from kindred.audit.models import AuditEvent\nfrom kindred.core.models import ScheduledJob\n"
        "e = AuditEvent.objects.create(action='old')\n"
        "AuditEvent.objects.filter(pk=e.pk).update(at=timezone.now() - timedelta(days=1000))\n"
        "ScheduledJob.objects.filter(code='audit_prune').update(next_run_at=timezone.now() - timedelta(minutes=1))"
    )
    assert "queued audit_prune" in kindred("scheduler", "--once")
    kindred("worker", "--batch")
    state = python(
        "from kindred.audit.models import AuditEvent\nfrom kindred.core.models import ScheduledJob\n"
        "row = ScheduledJob.objects.get(code='audit_prune')\n"
        "print(row.last_status, AuditEvent.objects.count(), row.next_run_at > row.last_started_at, sep='|')\n"
        "print(row.last_message)"
    )
    status, events, later = state.splitlines()[0].split("|")
    assert (status, events, later) == ("succeeded", "0", "True")
    assert "Deleted 1 audit events" in state
