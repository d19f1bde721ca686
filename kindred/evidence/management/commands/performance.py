from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from kindred.core.locks import LockHeld
from kindred.core.progress import terminal_progress
from kindred.evidence.exports import PERFORMANCE_COLUMNS, performance_rows, write_csv
from kindred.evidence.services import performance_recompute


class Command(BaseCommand):
    help = "Recompute and store relative performance and derived support categories; optionally export CSV."

    def add_arguments(self, parser):
        parser.add_argument(
            "--export",
            type=Path,
            help="Write school_id,measure,year,value,expected,estimate,lower,upper,flag here.",
        )

    def handle(self, *args, export: Path | None, **options):
        with terminal_progress("Relative performance", enabled=options["verbosity"] > 0) as progress:
            try:
                outcome = performance_recompute(progress=progress)
            except LockHeld as held:
                raise CommandError(str(held)) from None
        self.stdout.write(", ".join(f"{key}: {value}" for key, value in outcome["summary"].items()))
        if export:
            with export.open("w", newline="") as stream:
                count = write_csv(stream, PERFORMANCE_COLUMNS, performance_rows())
            self.stdout.write(
                f"Wrote {count:,} rows to {export} (an empty year is the estimate pooled over years)"
            )
