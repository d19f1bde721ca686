"""`kindred welcome`: send the welcome e-mails of people a bulk import made, at most
WELCOME_EMAILS_PER_HOUR in any hour. Run it every few minutes (cron, or the scheduled jobs) until
nobody is waiting: each run sends what the hour still allows and stops; a stopped run resumes.
"""

from django.core.management.base import BaseCommand, CommandError

from kindred.board import delivery
from kindred.core.progress import terminal_progress


class Command(BaseCommand):
    help = (
        "Send the welcome e-mails of people made by `kindred import people`, at most "
        "WELCOME_EMAILS_PER_HOUR an hour (safe to re-run; run it every few minutes)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--per-hour", type=int, default=None, help="At most this many in any hour (default: the setting)."
        )

    def handle(self, *args, per_hour: int | None = None, **options):
        if per_hour is not None and per_hour < 0:
            raise CommandError("--per-hour cannot be negative.")
        with terminal_progress("welcome", enabled=options["verbosity"] > 0) as progress:
            summary = delivery.welcome_send(per_hour=per_hour, progress=progress)
        self.stdout.write(
            f"{summary.queued} welcome e-mails queued, {summary.skipped} people had signed in already, "
            f"{summary.pending} still waiting; {summary.sent} e-mails sent."
        )
