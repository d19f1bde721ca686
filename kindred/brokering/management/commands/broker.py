from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from kindred.brokering.computing import broker_place, broker_rows
from kindred.brokering.exports import BROKER_COLUMNS, line, write_csv, write_geojson
from kindred.brokering.loading import region_named
from kindred.core.progress import terminal_progress
from kindred.engine.brokering import Infeasible


class Command(BaseCommand):
    help = "Propose partners for every need within supporters' capacities, proven optimal within the reported gap."

    def add_arguments(self, parser):
        parser.add_argument("--region", help="Region code or name (default: every school).")
        parser.add_argument(
            "--other-authority", action="store_true", help="Only propose partners in another authority."
        )
        parser.add_argument(
            "--all-needs", action="store_true", help="Every school's needs, not only red and amber schools'."
        )
        parser.add_argument(
            "--allow-unmet",
            action="store_true",
            help="Leave needs the capacities cannot cover unmet (and count them).",
        )
        parser.add_argument(
            "--export",
            type=Path,
            help="Write need_school_id,domain,partner_school_id,cost,reason here (and FILE.geojson).",
        )

    def handle(
        self,
        *args,
        region: str | None,
        other_authority: bool,
        all_needs: bool,
        allow_unmet: bool,
        export: Path | None,
        **options,
    ):
        try:
            where = region_named(region) if region else None
            with terminal_progress("Brokering", enabled=options["verbosity"] > 0) as progress:
                brokered = broker_place(
                    region=where,
                    require_other_authority=other_authority,
                    all_needs=all_needs,
                    allow_unmet=allow_unmet,
                    progress=progress,
                )
        except (Infeasible, ValidationError) as error:
            raise CommandError(
                error.messages[0] if isinstance(error, ValidationError) else str(error)
            ) from error
        result = brokered.result
        self.stdout.write(
            f"{len(result.proposals):,} proposals for {len(brokered.inputs.needs.school):,} needs; "
            f"cost {result.cost:.3f}, lower bound {result.lower_bound:.3f}, gap {result.gap:.4%}, "
            f"{result.rounds} solve(s) over {result.pairs_solved:,} of {result.pairs_eligible:,} eligible pairs"
        )
        supporters = brokered.inputs.supporters
        offered = int(supporters.capacity[~supporters.blocked].sum()) if len(supporters.capacity) else 0
        self.stdout.write(
            f"the supporting schools offer {offered:,} place(s) between them (their capacities)"
        )
        if result.unmet.any():
            why = result.unmet_reasons()
            self.stdout.write(
                f"{int(result.unmet.sum()):,} wanted partner(s) could not be found within the capacities: "
                f"{why['capacity']:,} for lack of capacity, {why['no_supporter']:,} with no school that may "
                "support them"
            )
        if export:
            with export.open("w", newline="") as stream:
                count = write_csv(stream, BROKER_COLUMNS, broker_rows(brokered))
            self.stdout.write(f"Wrote {count:,} rows to {export}")
            geojson = export.with_suffix(".geojson")
            with geojson.open("w") as stream:
                count = write_geojson(stream, _lines(brokered))
            self.stdout.write(f"Wrote {count:,} lines to {geojson}")


def _lines(brokered) -> list[dict]:
    schools, needs, supporters = brokered.inputs.schools, brokered.inputs.needs, brokered.inputs.supporters
    rows = list(broker_rows(brokered))
    features = []
    for proposal, (need_id, domain, partner_id, cost, reason) in zip(
        brokered.result.proposals, rows, strict=True
    ):
        a, b = needs.school[proposal.need], supporters.school[proposal.supporter]
        points = [(schools.latitude[a], schools.longitude[a]), (schools.latitude[b], schools.longitude[b])]
        properties = {
            "need_school_id": need_id,
            "domain": domain,
            "partner_school_id": partner_id,
            "cost": float(cost),
            "reason": reason,
        }
        features.append(line([(float(la), float(lo)) for la, lo in points], properties))
    return features
