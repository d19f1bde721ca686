from pathlib import Path

import numpy as np
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from kindred.brokering.computing import broker_place, broker_rows
from kindred.brokering.exports import BROKER_COLUMNS, write_csv, write_geojson
from kindred.brokering.loading import neighbouring_regions, region_named
from kindred.core.geojson import line
from kindred.core.progress import terminal_progress
from kindred.engine.brokering import Infeasible, partners_per_school


class Command(BaseCommand):
    help = "Propose partners for every need within supporters' capacities, proven optimal within the reported gap."

    def add_arguments(self, parser):
        parser.add_argument("--region", help="Region code or name (default: every school).")
        parser.add_argument(
            "--other-authority", action="store_true", help="Only propose partners in another authority."
        )
        parser.add_argument(
            "--neighbours",
            action="store_true",
            help="With --region: schools of neighbouring regions (BROKERING_NEIGHBOUR_KM) may be partners too.",
        )
        parser.add_argument(
            "--across-countries",
            action="store_true",
            help="In an installation of several countries: partners may be in another country than the need "
            "(off: never; with --neighbours, regions across a border are left out).",
        )
        parser.add_argument(
            "--fewer-partners",
            action="store_true",
            help="Prefer one partner covering several needs: each partner school beyond a school's first "
            "costs as much as an hour's travel (engine/fewer_partners.py).",
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
        neighbours: bool,
        fewer_partners: bool,
        all_needs: bool,
        across_countries: bool = False,
        allow_unmet: bool,
        export: Path | None,
        **options,
    ):
        try:
            where = region_named(region) if region else None
            if neighbours and where is None:
                raise CommandError(
                    "--neighbours needs --region: without it every school is considered already."
                )
            near = (
                neighbouring_regions(where, km=settings.BROKERING_NEIGHBOUR_KM)
                if neighbours and where
                else []
            )
            if not across_countries:  # never across a country's border unless asked
                near = [r for r in near if where is None or r.country_code == where.country_code]
            if near:
                self.stdout.write("also from the neighbouring regions: " + ", ".join(r.name for r in near))
            with terminal_progress("Brokering", enabled=options["verbosity"] > 0) as progress:
                brokered = broker_place(
                    region=where,
                    require_other_authority=other_authority,
                    all_needs=all_needs,
                    allow_unmet=allow_unmet,
                    neighbours=near,
                    fewer_partners=fewer_partners,
                    across_countries=across_countries,
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
        per_school = partners_per_school(result.proposals, brokered.inputs.needs, supporters)
        if per_school:
            counts = np.bincount(list(per_school.values()))
            spread = ", ".join(
                f"{n:,} with {k} partner{'s' if k > 1 else ''}" for k, n in enumerate(counts) if k and n
            )
            self.stdout.write(f"{len(per_school):,} school(s) would receive partners: {spread}")
        if fewer_partners:
            self.stdout.write(
                f"preferring fewer partners: {result.stats.get('extra_partners_before', 0):,} partner school(s) "
                f"beyond the first before, {result.stats.get('extra_partners', 0):,} now (cost with the charge "
                f"{result.cost:.3f}; gap against the plain lower bound {result.gap:.4%})"
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
