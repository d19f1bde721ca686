"""`kindred import schools FILE --mapping NAME_OR_PATH`, `kindred import measures FILE` and
`kindred import links FILE`."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from kindred.core.progress import terminal_progress
from kindred.schools.importing import (
    ImportFailed,
    ImportReport,
    MappingError,
    links_import,
    measures_import,
    ready_mappings,
    schools_import,
)


class Command(BaseCommand):
    help = (
        "Import a schools file through a column mapping, a long measures file, or a links file "
        "(predecessor and successor schools); see docs/importing.md."
    )

    def add_arguments(self, parser):
        kinds = parser.add_subparsers(dest="kind", required=True, metavar="{schools,measures,links}")
        schools = kinds.add_parser(
            "schools", help="a schools CSV (and any measure columns) through a mapping"
        )
        schools.add_argument("file", help="the CSV file")
        schools.add_argument(
            "--mapping",
            required=True,
            help=f"a YAML mapping file, or a ready mapping: {', '.join(ready_mappings())}",
        )
        schools.add_argument("--no-progress", action="store_true", help="no progress bar")
        measures = kinds.add_parser("measures", help="a long CSV: school_id,measure,year,value,cohort")
        measures.add_argument("file", help="the CSV file")
        measures.add_argument("--no-progress", action="store_true", help="no progress bar")
        links = kinds.add_parser(
            "links",
            help="a links CSV as GIAS publishes it: URN,LinkURN,LinkName,LinkType,LinkEstablishedDate",
        )
        links.add_argument("file", help="the CSV file")
        links.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(self, *args, kind: str, file: str, no_progress: bool = False, **options):
        try:
            with terminal_progress(f"import {kind}", enabled=not no_progress) as progress:
                if kind == "schools":
                    report = schools_import(path=file, mapping=options["mapping"], progress=progress)
                elif kind == "links":
                    report = links_import(path=file, progress=progress)
                else:
                    report = measures_import(path=file, progress=progress)
        except FileNotFoundError:
            raise CommandError(_("No such file: %(file)s") % {"file": file}) from None
        except MappingError as error:
            raise CommandError(str(error)) from None
        except ImportFailed as failed:
            for problem in failed.report.problems:
                self.stderr.write(str(problem))
            raise CommandError(str(failed)) from None
        self._print(report)

    def _print(self, report: ImportReport) -> None:
        summary = report.summary()
        width = max(len(key) for key in summary)
        for key, value in summary.items():
            self.stdout.write(f"{key:<{width}}  {value}")
