"""What an import found and did: problems (which stop it) and counts (what it changed)."""

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kindred.core.csv_export import csv_writer


@dataclass(frozen=True)
class Problem:
    """A reason the file cannot be imported, where it is (row 1 is the header, row 0 the whole
    file), and the cell's text. `reason` names no value, so problems group by it."""

    row: int
    column: str
    reason: str
    value: str | None = None  # the cell's text; None when the problem is not about one cell

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "value": self.value, "reason": self.reason}

    def __str__(self) -> str:
        where = _("row %(row)d") % {"row": self.row} if self.row else _("the file")
        if self.column:
            where = _("%(where)s, column %(column)r") % {"where": where, "column": self.column}
        if self.value is not None:
            where = _("%(where)s, value %(value)r") % {"where": where, "value": self.value}
        return f"{where}: {self.reason}"


PROBLEM_ROWS_SHOWN = 5  # rows listed under each cause in a grouped report


@dataclass
class ProblemGroup:
    """The problems of one cause (the same reason in the same column): how many, and the first."""

    column: str
    reason: str
    count: int
    first: list[Problem]

    def as_dict(self) -> dict[str, Any]:
        return {
            "column": self.column,
            "reason": self.reason,
            "count": self.count,
            "first": [p.as_dict() for p in self.first],
        }


def problems_grouped(problems: list[Problem], *, shown: int = PROBLEM_ROWS_SHOWN) -> list[ProblemGroup]:
    """Problems grouped by cause, the largest group first, each with its first `shown` rows."""
    groups: dict[tuple[str, str], ProblemGroup] = {}
    for problem in problems:
        group = groups.get((problem.column, problem.reason))
        if group is None:
            group = groups[(problem.column, problem.reason)] = ProblemGroup(
                problem.column, problem.reason, 0, []
            )
        group.count += 1
        if len(group.first) < shown:
            group.first.append(problem)
    return sorted(groups.values(), key=lambda g: (-g.count, g.first[0].row))


def problems_write_csv(problems: list[Problem], handle) -> None:
    """Every problem as a CSV row (row, column, value, reason): the `--errors` file and the admin
    download. The values come from an uploaded file, so the project's spreadsheet-safe writer
    keeps a cell such as `=HYPERLINK(...)` from running as a formula where the CSV is opened."""
    writer = csv_writer(handle)
    writer.writerow(["row", "column", "value", "reason"])
    for problem in problems:
        writer.writerow(
            [problem.row, problem.column, "" if problem.value is None else problem.value, problem.reason]
        )


@dataclass
class Tally:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass
class ImportReport:
    """Counts for one import. Every data row is exactly one of created, updated, unchanged, skipped."""

    file: str = ""
    encoding: str = ""
    read_as: str = ""  # how the file was read: format, encoding, delimiter, sheet
    notes: list[str] = field(
        default_factory=list
    )  # what the reader noticed (a workbook named .csv, other sheets)
    rows: int = 0
    blank_rows: int = 0
    rows_created: int = 0
    rows_updated: int = 0
    rows_unchanged: int = 0
    skipped: Counter[str] = field(default_factory=Counter)
    schools: Tally = field(default_factory=Tally)
    schools_not_updated: int = 0
    authorities: Tally = field(default_factory=Tally)
    regions: Tally = field(default_factory=Tally)
    measures: Tally = field(default_factory=Tally)
    links: Tally = field(default_factory=Tally)
    links_on_two_rows: int = 0
    links_rows_disagree: int = 0
    values_suppressed: int = 0
    values_missing: int = 0
    values_banded: int = 0
    problems: list[Problem] = field(default_factory=list)

    @property
    def rows_skipped(self) -> int:
        return sum(self.skipped.values())

    def summary(self) -> dict[str, int | str]:
        """A flat, ordered summary for the terminal and the job page."""
        lines: dict[str, int | str] = {
            _("file"): self.file,
            _("encoding"): self.encoding,
            _("read as"): self.read_as,
            _("rows read"): self.rows,
            _("rows created"): self.rows_created,
            _("rows updated"): self.rows_updated,
            _("rows unchanged"): self.rows_unchanged,
            _("rows skipped"): self.rows_skipped,
        }
        for reason, count in sorted(self.skipped.items()):
            lines[_("rows skipped: %(reason)s") % {"reason": reason}] = count
        if self.blank_rows:
            lines[_("blank rows ignored")] = self.blank_rows
        for tally, created, updated, unchanged in [
            (self.schools, _("schools created"), _("schools updated"), _("schools unchanged")),
            (
                self.authorities,
                _("local authorities created"),
                _("local authorities updated"),
                _("local authorities unchanged"),
            ),
            (self.regions, _("regions created"), _("regions updated"), _("regions unchanged")),
            (
                self.measures,
                _("measure values created"),
                _("measure values updated"),
                _("measure values unchanged"),
            ),
            (self.links, _("links created"), _("links updated"), _("links unchanged")),
        ]:
            if tally.created or tally.updated or tally.unchanged:
                lines[created], lines[updated], lines[unchanged] = (
                    tally.created,
                    tally.updated,
                    tally.unchanged,
                )
        if self.schools_not_updated:
            lines[_("existing schools left as they are (the mapping only adds new ones)")] = (
                self.schools_not_updated
            )
        if self.links_on_two_rows:
            lines[_("links given on more than one row (once from each school)")] = self.links_on_two_rows
        if self.links_rows_disagree:
            lines[_("links whose rows disagree (the first row's kind or date kept)")] = (
                self.links_rows_disagree
            )
        if self.values_suppressed:
            lines[_("values stored as suppressed")] = self.values_suppressed
        if self.values_missing:
            lines[_("values not applicable or missing (nothing stored)")] = self.values_missing
        if self.values_banded:
            lines[_("values published as a range (stored as its middle, flagged as banded)")] = (
                self.values_banded
            )
        for number, note in enumerate(self.notes, start=1):
            lines[_("note %(n)d") % {"n": number}] = note
        return lines

    def summary_line(self) -> str:
        """One line: created / updated / unchanged / skipped, with the reasons for skipping."""
        line = _("%(created)d created, %(updated)d updated, %(unchanged)d unchanged, %(skipped)d skipped") % {
            "created": self.rows_created,
            "updated": self.rows_updated,
            "unchanged": self.rows_unchanged,
            "skipped": self.rows_skipped,
        }
        if self.skipped:
            reasons = "; ".join(f"{reason}: {count}" for reason, count in sorted(self.skipped.items()))
            line += f" ({reasons})"
        return line

    @property
    def imported_nothing(self) -> bool:
        """No row created or updated anything (every row skipped or unchanged, or none at all)."""
        return self.rows_created == 0 and self.rows_updated == 0 and self.rows_unchanged == 0

    def outcome(self, *, problems_shown: int | None = None) -> dict[str, Any]:
        """The Job.outcome the job page renders: a summary, the problems grouped by cause, and
        the problems themselves (the first `problems_shown`; the errors CSV has them all)."""
        shown = self.problems if problems_shown is None else self.problems[:problems_shown]
        return {
            "summary": self.summary(),
            "summary_line": self.summary_line(),
            "groups": [g.as_dict() for g in problems_grouped(self.problems)],
            "problems": [p.as_dict() for p in shown],
        }


class ImportFailed(Exception):
    """The file has problems; nothing was imported. `report.problems` lists every one."""

    def __init__(self, report: ImportReport):
        self.report = report
        count = len(report.problems)
        super().__init__(
            ngettext(
                "Nothing imported: the file has %(count)d problem.",
                "Nothing imported: the file has %(count)d problems.",
                count,
            )
            % {"count": count}
        )
