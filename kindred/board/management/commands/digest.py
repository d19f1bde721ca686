"""`kindred digest`: write and send the daily and weekly digests that are due.

Run it once a day from cron (README), or let the worker do it: `kindred digest --schedule`
queues a task that runs at DIGEST_HOUR and queues itself again for the next day.
"""

import os

from django.core.management.base import BaseCommand
from django.utils import timezone

from kindred.board import delivery
from kindred.board.tasks import digest_scheduled, next_digest_time
from kindred.core.progress import terminal_progress


class Command(BaseCommand):
    help = "Send the daily and weekly digests of unread posts that are due (safe to re-run)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--schedule", action="store_true", help="Queue a daily run for the worker instead."
        )
        parser.add_argument("--chunk", type=int, default=2000, help="People per transaction (default 2000).")
        parser.add_argument(
            "--senders",
            type=int,
            default=os.cpu_count() or 1,
            help="Processes sending the e-mails at once (default: one per core).",
        )

    def handle(self, *args, schedule: bool = False, chunk: int = 2000, senders: int = 1, **options):
        if schedule:
            at = next_digest_time(timezone.now())
            digest_scheduled.using(run_after=at).enqueue()
            self.stdout.write(f"The worker will send the digests at {at:%Y-%m-%d %H:%M %Z}, then every day.")
            return
        with terminal_progress("digest", enabled=options["verbosity"] > 0) as progress:
            summary = delivery.digest_run(chunk=chunk, senders=max(1, senders), progress=progress)
        self.stdout.write(
            f"{summary.people} people, {summary.due} due, {summary.emails} digests with {summary.posts} posts; "
            f"{summary.sent} e-mails sent; {summary.pruned} older than OUTBOX_RETENTION_DAYS deleted."
        )
        if summary.set_aside:
            # not a failure of the run: the others were sent; the admin's outbox shows each reason
            self.stderr.write(
                f"{summary.set_aside} e-mails were refused and set aside with the reason "
                "(admin: Board › Outgoing e-mails, filter 'set aside')."
            )
