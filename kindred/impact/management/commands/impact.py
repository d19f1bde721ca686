from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from kindred.core.csv_export import csv_writer
from kindred.core.progress import terminal_progress
from kindred.engine.impact import ESTIMATED
from kindred.impact.exports import EFFECT_COLUMNS, effect_row
from kindred.impact.models import Programme
from kindred.impact.selectors import network_effects, programme_effects
from kindred.impact.services import effects_recompute
from kindred.networks.models import Network


class Command(BaseCommand):
    help = (
        "The outcome effect of taking part for one network's or one programme's schools, on every outcome measure with results "
        "in at least two years: the change after joining against schools that had not joined, adjusted for "
        "context, with a 95% interval and the pre-trend check (docs/impact.md)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--network", type=int, help="The network's id: compute its effects and print them."
        )
        parser.add_argument(
            "--programme",
            type=int,
            help="The programme's id: compute the effect on the schools of all its networks and print it.",
        )
        parser.add_argument(
            "--recompute",
            action="store_true",
            help="Compute every network's and programme's effects and store them for the impact pages.",
        )
        parser.add_argument("--export", type=Path, help="Write " + ",".join(EFFECT_COLUMNS) + " here.")

    def handle(
        self,
        *args,
        network: int | None,
        programme: int | None,
        export: Path | None,
        recompute: bool,
        **options,
    ):
        if network is not None and programme is not None:
            raise CommandError("Name a network or a programme, not both.")
        if recompute:
            with terminal_progress("Impact", enabled=options["verbosity"] > 0) as progress:
                outcome = effects_recompute(progress=progress)
            self.stdout.write(", ".join(f"{key}: {value}" for key, value in outcome.items()))
            if network is None and programme is None:
                return
        if programme is not None:
            unit = Programme.objects.filter(pk=programme).first()
            if unit is None:
                raise CommandError(f"No programme with id {programme}.")
            if not unit.networks.exists():
                raise CommandError(
                    f"The programme {unit.name} has no networks yet: there is no one to compare."
                )
            effects = programme_effects(programme=unit)
            name = unit.name
        elif network is not None:
            found = Network.objects.filter(pk=network).first()
            if found is None:
                raise CommandError(f"No network with id {network}.")
            effects = network_effects(network=found)
            name = found.name
        else:
            raise CommandError(
                "Name a network (--network N) or a programme (--programme P), or recompute every one (--recompute)."
            )
        if not effects:
            raise CommandError(
                "No outcome measure has results in two years or more: there is no change to compare."
            )
        rows = []
        for item in effects:
            estimate, overall = item.estimate, item.estimate.overall
            years = f"{item.years[0]}-{item.years[-1]}"
            if estimate.outcome != ESTIMATED or overall is None:
                self.stdout.write(
                    f"{item.measure} ({years}): too few schools to tell "
                    f"({estimate.treated_schools} with a result after joining)"
                )
            else:
                warning = (
                    "; the years before joining already differ: do not trust it"
                    if estimate.pre_trend_failed
                    else ""
                )
                self.stdout.write(
                    f"{item.measure} ({years}): {overall.effect:+.3g} (95% interval {overall.lower:+.3g} to "
                    f"{overall.upper:+.3g}), {overall.schools} schools against {estimate.control_schools}{warning}"
                )
            rows.append(
                effect_row(
                    unit=name,
                    measure=item.measure,
                    effect=None if overall is None else overall.effect,
                    lower=None if overall is None else overall.lower,
                    upper=None if overall is None else overall.upper,
                    schools=estimate.treated_schools if overall is None else overall.schools,
                    controls=estimate.control_schools,
                    pre_trend_p=estimate.pre_trend_p if estimate.pre_trend_years else None,
                )
            )
        if export is not None:
            try:
                with export.open("w", newline="", encoding="utf-8") as stream:
                    writer = csv_writer(stream)
                    writer.writerow(EFFECT_COLUMNS)
                    writer.writerows(rows)
            except OSError as error:
                raise CommandError(f"Cannot write {export}: {error.strerror}") from None
            self.stdout.write(f"written: {export}")
