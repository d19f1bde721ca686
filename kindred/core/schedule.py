"""Scheduled jobs in one place: which jobs there are, when each runs (settings SCHEDULE_*), queueing
them for the worker when due (`kindred scheduler`) and running them with their outcome recorded.

Each job runs the same management command an operator would put in cron, so cron stays a
documented alternative doing exactly the same work (docs/deploying.md, "Scheduled jobs").
"""

import io
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from kindred.core.models import ScheduledJob
from kindred.engine.schedule import Schedule, schedule_parse

#: A queued or running job not heard of after this long is reported as overdue on the page.
OVERDUE_AFTER = timedelta(minutes=10)


@dataclass(frozen=True)
class JobDefinition:
    code: str
    label: Promise
    command: tuple[str, ...]
    description: Promise

    @property
    def command_line(self) -> str:
        return " ".join(("kindred", *self.command))


JOBS = (
    JobDefinition(
        "digest",
        _("Digests of unread posts"),
        ("digest",),
        _("Daily and weekly e-mails of unread messageboard posts, then anything left in the outbox."),
    ),
    JobDefinition(
        "event_reminders",
        _("Event reminders"),
        ("event_reminders",),
        _("A reminder, once, to everyone with a confirmed place at an event starting within a day."),
    ),
    JobDefinition(
        "audit_prune",
        _("Audit log pruning"),
        ("audit_prune",),
        _("Deletes audit events and sign-in records older than their retention periods."),
    ),
    JobDefinition(
        "uploads_clean",
        _("Clean-up of uploaded files"),
        ("import_uploads_clean",),
        _("Deletes uploaded import files kept after a failed import for longer than allowed."),
    ),
    JobDefinition(
        "recompute",
        _("Recompute of evidence"),
        ("recompute",),
        _("Families of similar schools, relative performance and support categories."),
    ),
)
JOBS_BY_CODE = {job.code: job for job in JOBS}


def job_schedule(code: str) -> Schedule:
    return schedule_parse(settings.SCHEDULE.get(code, "off"))


def next_run(schedule: Schedule, now: datetime) -> datetime | None:
    """The next run after `now`, worked out in the site's time zone."""
    return schedule.next_after(timezone.localtime(now))


def schedule_tick(now: datetime | None = None) -> list[str]:
    """Queue every job that is due (at most once per due time, whatever runs this at once), bring each
    job's next run in line with its setting; return the codes queued."""
    from kindred.core.tasks import scheduled_job_run  # the task module imports this one

    now = now or timezone.now()
    queued = []
    for job in JOBS:
        schedule = job_schedule(job.code)
        row, _created = ScheduledJob.objects.get_or_create(
            code=job.code, defaults={"schedule": str(schedule), "next_run_at": next_run(schedule, now)}
        )
        if row.schedule != str(schedule):
            # The setting changed: the next run follows the new schedule from now on.
            ScheduledJob.objects.filter(pk=row.pk).update(
                schedule=str(schedule), next_run_at=next_run(schedule, now)
            )
            continue
        if row.next_run_at is None or row.next_run_at > now:
            continue
        with transaction.atomic():
            # Claimed by moving next_run_at on only if nobody moved it first.
            claimed = ScheduledJob.objects.filter(pk=row.pk, next_run_at=row.next_run_at).update(
                next_run_at=next_run(schedule, now),
                last_queued_at=now,
                last_status=ScheduledJob.Status.QUEUED,
                last_message="",
            )
            if claimed:
                transaction.on_commit(lambda code=job.code: scheduled_job_run.enqueue(code))
                queued.append(job.code)
    return queued


def scheduled_job_execute(code: str) -> ScheduledJob:
    """Run job `code`'s command now (in the worker), recording its start, outcome and last words."""
    job = JOBS_BY_CODE[code]
    row, _created = ScheduledJob.objects.get_or_create(
        code=code, defaults={"schedule": str(job_schedule(code))}
    )
    started = timezone.now()
    ScheduledJob.objects.filter(pk=row.pk).update(
        last_started_at=started,
        last_finished_at=None,
        last_status=ScheduledJob.Status.RUNNING,
        last_message="",
    )
    output = io.StringIO()
    try:
        call_command(*job.command, stdout=output, stderr=output, verbosity=1)
    except (Exception, SystemExit) as error:  # SystemExit: a command's own exit status
        status, message = ScheduledJob.Status.FAILED, _last_words(str(error) or output.getvalue())
        if not message:
            message = gettext("Stopped with status %(status)s.") % {"status": getattr(error, "code", "?")}
    else:
        status, message = ScheduledJob.Status.SUCCEEDED, _last_words(output.getvalue())
    ScheduledJob.objects.filter(pk=row.pk).update(
        last_finished_at=timezone.now(), last_status=status, last_message=message[:500]
    )
    row.refresh_from_db()
    return row


def _last_words(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return " ".join(lines[-3:])


@dataclass
class ScheduleRow:
    job: JobDefinition
    schedule: Schedule
    row: ScheduledJob | None
    overdue: bool


def schedule_overview(now: datetime | None = None) -> list[ScheduleRow]:
    """Each job with its schedule, its stored state (None before the scheduler first ran) and whether
    its next run, or its queued run, is late enough to suggest no scheduler or worker is running."""
    now = now or timezone.now()
    rows = {row.code: row for row in ScheduledJob.objects.all()}
    overview = []
    for job in JOBS:
        row = rows.get(job.code)
        late = False
        if row is not None:
            late = bool(row.next_run_at and row.next_run_at < now - OVERDUE_AFTER) or (
                row.last_status == ScheduledJob.Status.QUEUED
                and row.last_queued_at is not None
                and row.last_queued_at < now - OVERDUE_AFTER
            )
        overview.append(ScheduleRow(job=job, schedule=job_schedule(job.code), row=row, overdue=late))
    return overview
