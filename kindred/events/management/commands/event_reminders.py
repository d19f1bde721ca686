"""`kindred event_reminders`: e-mail everyone with a confirmed place at an occurrence starting soon (run hourly)."""

from datetime import timedelta

from django.core.management.base import BaseCommand

from kindred.events.services import reminders_send


class Command(BaseCommand):
    help = "E-mail a reminder, once, to everyone with a confirmed place at an event starting within --hours (24)."

    def add_arguments(self, parser):
        parser.add_argument("--hours", type=int, default=24)

    def handle(self, *args, hours: int, **options):
        if hours < 1:
            self.stderr.write("--hours must be at least 1.")
            raise SystemExit(2)
        sent = reminders_send(ahead=timedelta(hours=hours))
        self.stdout.write(f"{sent} reminders sent.")
