from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from kindred.core.locks import LockHeld
from kindred.core.progress import terminal_progress
from kindred.evidence.exports import FAMILY_COLUMNS, family_rows, write_csv
from kindred.evidence.services import DEFAULT_K, families_recompute


class Command(BaseCommand):
    help = "Recompute and store each school's family of similar schools; optionally export them as CSV."

    def add_arguments(self, parser):
        parser.add_argument("--k", type=int, default=DEFAULT_K, help="Schools in a family (default 20).")
        parser.add_argument(
            "--no-fit", action="store_true", help="Equal context weights instead of fitted ones."
        )
        parser.add_argument(
            "--export", type=Path, help="Write school_id,similar_school_id,rank,distance here."
        )

    def handle(self, *args, k: int, no_fit: bool, export: Path | None, **options):
        with terminal_progress("Families", enabled=options["verbosity"] > 0) as progress:
            try:
                outcome = families_recompute(k=k, fit=not no_fit, progress=progress)
            except LockHeld as held:
                raise CommandError(str(held)) from None
        self.stdout.write(", ".join(f"{key}: {value}" for key, value in outcome["summary"].items()))
        if export:
            with export.open("w", newline="") as stream:
                count = write_csv(stream, FAMILY_COLUMNS, family_rows())
            self.stdout.write(f"Wrote {count:,} rows to {export}")
