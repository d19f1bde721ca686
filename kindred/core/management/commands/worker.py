"""`kindred worker`: run background jobs with whichever queue TASKS_BACKEND selects."""

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Run background jobs (imports, recomputes) from the configured queue."

    def add_arguments(self, parser):
        parser.add_argument("--batch", action="store_true", help="Run what is queued, then exit.")

    def handle(self, *args, batch: bool = False, **options):
        backend = settings.TASKS_BACKEND
        if backend == "database":
            # No autoreloader, even with DEBUG on: its second process outlives a TERM sent to the first.
            call_command("db_worker", batch=batch, reload=False, verbosity=options["verbosity"])
        elif backend == "redis":
            call_command("rqworker", "default", job_class="django_tasks_rq.Job", burst=batch)
        else:
            raise CommandError(
                f"TASKS_BACKEND={backend} runs jobs inside the request; there is no worker to start."
            )
