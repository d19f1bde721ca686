"""`kindred recompute`: families, relative performance and support categories in one go, under the
recompute lock (the nightly scheduled job `recompute`, or cron)."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext_noop

from kindred.core.locks import LockHeld
from kindred.core.progress import Said, terminal_progress
from kindred.evidence.services import evidence_recompute


class Command(BaseCommand):
    help = (
        "Recompute families of similar schools, relative performance and derived support categories, as the "
        "Recompute button does. Exit status 1 when another recompute runs or the results were not published "
        "(the results already published stay)."
    )

    def handle(self, *args, **options):
        with terminal_progress("Recompute", enabled=options["verbosity"] > 0) as progress:
            try:
                outcome = evidence_recompute(
                    progress=progress,
                    holder=Said(gettext_noop("the command %(command)s"), command="kindred recompute"),
                )
            except LockHeld as held:
                raise CommandError(str(held)) from None
        summary = ", ".join(f"{key}: {value}" for key, value in outcome["summary"].items())
        if not outcome.get("published", True):
            raise CommandError(
                f"The new results were not published ({'; '.join(outcome.get('why', []))[:300]}); "
                "the results already published stay."
            )
        self.stdout.write(summary)
