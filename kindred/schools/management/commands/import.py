"""`kindred import schools FILE --mapping NAME_OR_PATH`, `kindred import measures FILE
[--definitions FILE]`, `kindred import links FILE`, and the kinds higher apps register
(importing/commands.py: `kindred import memberships FILE`).

A file with problems imports nothing: the problems are printed grouped by cause (how many rows,
and the first few), every one of them goes to `--errors FILE.csv`, and the command exits with
status 1. So does an import in which every row was skipped. The progress bar is drawn only when
standard error is a terminal, so logs are not flooded.
"""

import sys

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kindred import countries
from kindred.core.progress import terminal_progress
from kindred.schools.importing import (
    CountryNotInstalled,
    ImportFailed,
    ImportReport,
    MappingError,
    links_import,
    measures_import,
    ready_mappings,
    schools_import,
)
from kindred.schools.importing.commands import IMPORT_COMMANDS
from kindred.schools.importing.report import problems_grouped, problems_write_csv, reason_worded


def _sheet(text: str) -> str | int:
    return int(text) if text.isdigit() else text


class Command(BaseCommand):
    help = (
        "Import a schools file through a column mapping, a long measures file, or a links file "
        "(predecessor and successor schools); CSV or spreadsheet (.xlsx, .ods). See docs/importing.md."
    )

    def add_arguments(self, parser):
        names = ",".join(["schools", "measures", "links", *IMPORT_COMMANDS])
        kinds = parser.add_subparsers(dest="kind", required=True, metavar="{" + names + "}")
        schools = kinds.add_parser(
            "schools", help="a schools file (and any measure columns) through a mapping"
        )
        schools.add_argument("file", help="the CSV file or spreadsheet")
        schools.add_argument(
            "--mapping",
            required=True,
            help=f"a YAML mapping file, or a ready mapping: {', '.join(ready_mappings())}",
        )
        schools.add_argument(
            "--year", type=int, help="the year of measures the mapping gives none for (2018 for 2018/19)"
        )
        schools.add_argument(
            "--country",
            help=(
                "the country (profile code) the file's schools, regions and authorities are in; "
                f"default the installation's ({countries.default_code()}); installed: {', '.join(countries.codes())}"
            ),
        )
        measures = kinds.add_parser("measures", help="a long file: school_id,measure,year,value,cohort")
        measures.add_argument("file", help="the CSV file or spreadsheet")
        for sub in (schools, measures):
            sub.add_argument(
                "--sheet", type=_sheet, help="a workbook's sheet: its name or number (1: the first)"
            )
            sub.add_argument(
                "--definitions", help="a YAML file defining measures the file brings (see docs/importing.md)"
            )
        links = kinds.add_parser(
            "links",
            help="a links CSV as GIAS publishes it: URN,LinkURN,LinkName,LinkType,LinkEstablishedDate",
        )
        links.add_argument("file", help="the CSV file")
        for sub in (schools, measures):
            sub.add_argument(
                "--skip-bad-rows",
                action="store_true",
                help="skip rows with problems (each listed, with --errors too) and import the rest",
            )
            sub.add_argument(
                "--decimal-comma",
                action="store_true",
                help="numbers are written 12,5 (and 1.234,5); for a schools file, as the mapping's decimal_comma",
            )
        registered = []
        for command in IMPORT_COMMANDS.values():  # kinds that higher apps own (importing/commands.py)
            sub = kinds.add_parser(command.name, help=command.help)
            sub.add_argument("file", help="the CSV file or spreadsheet")
            if command.arguments is not None:
                command.arguments(sub)
            registered.append(sub)
        for sub in (schools, measures, links, *registered):
            sub.add_argument("--errors", metavar="FILE.csv", help="write every problem to this CSV file")
            sub.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(
        self, *args, kind: str, file: str, no_progress: bool = False, errors: str | None = None, **options
    ):
        show_bar = not no_progress and sys.stderr.isatty()
        try:
            with terminal_progress(f"import {kind}", enabled=show_bar) as progress:
                if kind == "schools":
                    report = schools_import(
                        path=file,
                        mapping=options["mapping"],
                        progress=progress,
                        year=options.get("year"),
                        sheet=options.get("sheet"),
                        definitions=options.get("definitions"),
                        skip_bad_rows=options.get("skip_bad_rows", False),
                        decimal_comma=options.get("decimal_comma", False),
                        country=options.get("country"),
                    )
                elif kind == "links":
                    report = links_import(path=file, progress=progress)
                elif kind in IMPORT_COMMANDS:
                    command = IMPORT_COMMANDS[kind]
                    own = {name: options[name] for name in command.options if name in options}
                    report = command.run(path=file, progress=progress, **own)
                else:
                    report = measures_import(
                        path=file,
                        progress=progress,
                        definitions=options.get("definitions"),
                        sheet=options.get("sheet"),
                        skip_bad_rows=options.get("skip_bad_rows", False),
                        decimal_comma=options.get("decimal_comma", False),
                    )
        except FileNotFoundError:
            raise CommandError(_("No such file: %(file)s") % {"file": file}) from None
        except (MappingError, CountryNotInstalled) as error:
            raise CommandError(str(error)) from None
        except ImportFailed as failed:
            self._problems(failed.report, errors)
            raise CommandError(str(failed)) from None
        if report.skipped_problems:
            self.stderr.write(_("Rows skipped for their problems:"))
            self._groups(report.skipped_problems)
            if errors:
                self._errors_file(report.skipped_problems, errors)
        elif errors:
            self._errors_file(report.problems, errors)
        self._print(report)
        if report.imported_nothing:
            raise CommandError(
                _("Nothing imported: no row of the file was created, updated or unchanged (%(line)s).")
                % {"line": report.summary_line()}
            )

    def _problems(self, report: ImportReport, errors: str | None) -> None:
        self._groups(report.problems)
        if errors:
            self._errors_file(report.problems, errors)
        else:
            self.stderr.write("\n" + _("Every problem, as a CSV file: add --errors FILE.csv"))

    def _groups(self, problems) -> None:
        groups = problems_grouped(problems)
        self.stderr.write(
            ngettext(
                "%(count)d problem, of %(causes)d cause(s):",
                "%(count)d problems, of %(causes)d cause(s):",
                len(problems),
            )
            % {"count": len(problems), "causes": len(groups)}
        )
        for group in groups:
            where = _("column %(column)r") % {"column": group.column} if group.column else _("the file")
            self.stderr.write(f"\n{group.count} × {where}: {reason_worded(group.reason)}")
            for problem in group.first:
                self.stderr.write(f"  {problem}")
            if group.count > len(group.first):
                self.stderr.write(
                    "  " + _("… and %(more)d more rows") % {"more": group.count - len(group.first)}
                )

    def _errors_file(self, problems, errors: str) -> None:
        with open(errors, "w", encoding="utf-8", newline="") as handle:
            problems_write_csv(problems, handle)
        self.stderr.write(
            _("%(count)d problems written to %(file)s") % {"count": len(problems), "file": errors}
        )

    def _print(self, report: ImportReport) -> None:
        summary = report.summary()
        width = max(len(key) for key in summary)
        for key, value in summary.items():
            self.stdout.write(f"{key:<{width}}  {value}")
        self.stdout.write(report.summary_line())
