"""`kindred serve`: Kindred's production web server (gunicorn), with static files and an access log.

The server was chosen by `benchmarks/bench_serve.py` on the development machine (figures in
docs/deploying.md). This command collects the static files (whitenoise serves them, compressed and
cache-busted) unless told not to, then replaces itself with a gunicorn master process, so signals
reach gunicorn directly: HUP restarts the workers gracefully with freshly imported code (an upgrade
with the site up), TERM finishes the requests in flight and stops.
"""

import os
import sys
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from kindred.core.serving import gunicorn_argv, workers_default


class Command(BaseCommand):
    help = "Serve Kindred in production: gunicorn with static files, an access log and graceful restarts."

    def add_arguments(self, parser):
        parser.add_argument(
            "--bind", default=settings.SERVE_BIND, help="HOST:PORT to listen on (setting SERVE_BIND)."
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=settings.SERVE_WORKERS or workers_default(),
            help="Worker processes (setting SERVE_WORKERS; default 2 x cores + 1).",
        )
        parser.add_argument(
            "--no-collectstatic",
            action="store_true",
            help="Do not collect static files first (an image that collected them when it was built).",
        )

    def handle(self, *args, bind: str, workers: int, no_collectstatic: bool, **options):
        if workers < 1:
            raise CommandError("--workers must be at least 1.")
        host, _, port = bind.rpartition(":")
        if not host or not port.isdigit():
            raise CommandError(f"--bind must be HOST:PORT, not {bind!r}.")
        if not no_collectstatic:
            call_command("collectstatic", interactive=False, verbosity=0)
        argv = gunicorn_argv(bind=bind, workers=workers, python=Path(sys.executable))
        self.stdout.write(f"Kindred: serving http://{bind}/ with {workers} workers (gunicorn)")
        self.stdout.flush()
        os.execv(argv[0], argv)
