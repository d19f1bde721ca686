"""`kindred scheduler`: queue each scheduled job for the worker when it is due (settings SCHEDULE_*).

One process per site is enough; a second one does no harm (a due run is claimed by one of them only).
It holds no work itself: the worker (`kindred worker`) runs what it queues, and the page
/jobs/schedule/ shows each job's last run, outcome and next run.
"""

import signal
import time

from django.core.management.base import BaseCommand
from django.db import DatabaseError, connection
from django.utils import timezone

from kindred.core.schedule import JOBS, job_schedule, schedule_tick


class Command(BaseCommand):
    help = (
        "Queue the scheduled jobs (digests, reminders, pruning, clean-up, recompute) for the worker when due."
    )

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Queue what is due now, then exit.")
        parser.add_argument("--interval", type=float, default=30, help="Seconds between looks (default 30).")

    def handle(self, *args, once: bool = False, interval: float = 30, **options):
        stopping = False

        def stop(signum, frame):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        if options["verbosity"] > 0:
            plan = ", ".join(f"{job.code} {job_schedule(job.code)}" for job in JOBS)
            self.stdout.write(f"Kindred scheduler: {plan} (time zone {timezone.get_current_timezone_name()})")
            self.stdout.flush()
        while not stopping:
            try:
                queued = schedule_tick()
            except DatabaseError as error:
                # The database restarting: say so, and look again next time.
                self.stderr.write(f"{timezone.now():%Y-%m-%d %H:%M:%S} database unavailable: {error}")
                connection.close()
                queued = []
            for code in queued:
                self.stdout.write(f"{timezone.now():%Y-%m-%d %H:%M:%S} queued {code}")
            self.stdout.flush()
            if once:
                return
            deadline = time.monotonic() + interval
            while not stopping and time.monotonic() < deadline:
                time.sleep(min(1.0, interval))
