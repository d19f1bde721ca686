from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from kindred.core.locks import LockHeld
from kindred.core.progress import terminal_progress
from kindred.evidence.exports import PERFORMANCE_COLUMNS, performance_rows, write_csv
from kindred.evidence.services import performance_recompute


class Command(BaseCommand):
    help = (
        "Recompute and store relative performance and derived support categories; optionally export CSV. "
        "Exits with status 1 when nothing could be estimated and 2 when the results failed their self-check: "
        "either way the results already published stay, and the reasons are printed per measure."
    )

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
        for where, reason in outcome.get("not estimated", {}).items():
            self.stdout.write(f"not estimated: {where}: {reason}")
        for measure, reason in outcome.get("no verdicts", {}).items():
            self.stdout.write(f"no verdicts: {measure}: {reason}")
        if not outcome.get("published", True):
            for line in outcome.get("why", []):
                self.stderr.write(line)
            stored_nothing = not outcome["summary"].get("results stored")
            raise CommandError(
                "Nothing could be estimated (see the reasons above): the results already published stay."
                if stored_nothing
                else "The new results failed their self-check (see above) and were not published: the results "
                "already published stay. The model page (/evidence/model/) shows why.",
                returncode=1 if stored_nothing else 2,
            )
        if export:
            with export.open("w", newline="") as stream:
                count = write_csv(stream, PERFORMANCE_COLUMNS, performance_rows())
            self.stdout.write(
                f"Wrote {count:,} rows to {export} (an empty year is the estimate pooled over years)"
            )
