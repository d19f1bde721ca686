from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from kindred.brokering.computing import (
    form_incremental,
    form_place,
    formation_rows,
    incremental_lines,
    incremental_rows,
)
from kindred.brokering.exports import FORMATION_COLUMNS, INCREMENTAL_COLUMNS, write_csv, write_geojson
from kindred.brokering.loading import region_named
from kindred.core.geojson import point
from kindred.core.progress import terminal_progress
from kindred.engine.formation import Infeasible, MixingRules
from kindred.schools.models import School


class Command(BaseCommand):
    help = "Partition the located schools of a region (or everywhere) into networks within the sizes."

    def add_arguments(self, parser):
        parser.add_argument("--region", help="Region code or name (default: every school).")
        parser.add_argument("--phase", choices=School.Phase.values, help="Only schools of this phase.")
        parser.add_argument(
            "--min-size", type=int, default=8, help="Fewest schools in a network (default 8)."
        )
        parser.add_argument(
            "--max-size", type=int, default=15, help="Most schools in a network (default 15)."
        )
        parser.add_argument(
            "--urban-and-rural", action="store_true", help="Each network mixes urban and rural schools."
        )
        parser.add_argument(
            "--max-per-authority", type=int, help="At most this many schools from one authority."
        )
        parser.add_argument(
            "--contrasting-deprivation",
            action="store_true",
            help="Each network has a school from the least and one from the most deprived third "
            "(contrasting localities; the measure is FORMATION_DEPRIVATION_MEASURE).",
        )
        parser.add_argument(
            "--incremental",
            action="store_true",
            help="Keep the existing networks of the region and phase with every member; place only the "
            "schools in no network (the export then has school_id,network,change).",
        )
        parser.add_argument(
            "--country",
            help="Without --region: only this country's schools (a profile code; networks never mix countries "
            "unless --across-countries).",
        )
        parser.add_argument(
            "--across-countries",
            action="store_true",
            help="Without --region, in an installation of several countries: networks may mix them.",
        )
        parser.add_argument("--export", type=Path, help="Write school_id,network here (and FILE.geojson).")

    def handle(
        self, *args, region, phase, min_size, max_size, urban_and_rural, max_per_authority, export, **options
    ):
        rules = MixingRules(
            urban_and_rural=urban_and_rural,
            max_per_authority=max_per_authority,
            contrasting_deprivation=options["contrasting_deprivation"],
        )
        country = options.get("country")
        if region is None and country is None and not options.get("across_countries"):
            present = sorted(set(School.objects.values_list("country_code", flat=True).distinct()))
            if len(present) > 1:
                raise CommandError(
                    f"The installation has schools of several countries ({', '.join(present)}): name a --region "
                    "or a --country, or let networks mix them with --across-countries."
                )
        if options["incremental"]:
            if rules.any:
                raise CommandError(
                    "--incremental places new schools by travel only; leave out the mixing rules"
                )
            return self._incremental(region, phase, min_size, max_size, export, options["verbosity"], country)
        try:
            where = region_named(region) if region else None
            with terminal_progress("Forming networks", enabled=options["verbosity"] > 0) as progress:
                formed = form_place(
                    region=where,
                    phase=phase or "",
                    min_size=min_size,
                    max_size=max_size,
                    rules=rules,
                    country=country,
                    progress=progress,
                )
        except (Infeasible, ValidationError) as error:
            raise CommandError(
                error.messages[0] if isinstance(error, ValidationError) else str(error)
            ) from error
        for text in formed.formation.report.lines():
            self.stdout.write(text)
        if export:
            rows = list(formation_rows(formed))
            with export.open("w", newline="") as stream:
                count = write_csv(stream, FORMATION_COLUMNS, rows)
            self.stdout.write(f"Wrote {count:,} rows to {export}")
            table, positions = formed.place.table, formed.place.rows
            hosts = set(formed.formation.hosts.tolist())
            features = [
                point(
                    float(table.longitude[row]),
                    float(table.latitude[row]),
                    {"school_id": school_id, "network": network, "meeting_point": position in hosts},
                )
                for position, (row, (school_id, network)) in enumerate(zip(positions, rows, strict=True))
            ]
            geojson = export.with_suffix(".geojson")
            with geojson.open("w") as stream:
                write_geojson(stream, features)
            self.stdout.write(f"Wrote {len(features):,} points to {geojson}")

    def _incremental(self, region, phase, min_size, max_size, export, verbosity, country=None):
        try:
            where = region_named(region) if region else None
            with terminal_progress("Placing new schools", enabled=verbosity > 0) as progress:
                incr = form_incremental(
                    region=where,
                    phase=phase or "",
                    min_size=min_size,
                    max_size=max_size,
                    country=country,
                    progress=progress,
                )
        except (Infeasible, ValidationError) as error:
            raise CommandError(
                error.messages[0] if isinstance(error, ValidationError) else str(error)
            ) from error
        for text in incremental_lines(incr):
            self.stdout.write(text)
        if export:
            rows = list(incremental_rows(incr))
            with export.open("w", newline="") as stream:
                count = write_csv(stream, INCREMENTAL_COLUMNS, rows)
            self.stdout.write(f"Wrote {count:,} rows to {export}")
            features = [
                point(float(lon), float(lat), {"school_id": school_id, "network": network, "change": change})
                for lat, lon, (school_id, network, change) in zip(
                    incr.latitude.tolist(), incr.longitude.tolist(), rows, strict=True
                )
            ]
            geojson = export.with_suffix(".geojson")
            with geojson.open("w") as stream:
                write_geojson(stream, features)
            self.stdout.write(f"Wrote {len(features):,} points to {geojson}")
