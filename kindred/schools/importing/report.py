"""What an import found and did: problems (which stop it) and counts (what it changed)."""

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext


@dataclass(frozen=True)
class Problem:
    """A reason the file cannot be imported, where it is: row 1 is the header, row 0 the whole file."""

    row: int
    column: str
    reason: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "reason": self.reason}

    def __str__(self) -> str:
        where = _("row %(row)d") % {"row": self.row} if self.row else _("the file")
        if self.column:
            where = _("%(where)s, column %(column)r") % {"where": where, "column": self.column}
        return f"{where}: {self.reason}"


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
    problems: list[Problem] = field(default_factory=list)

    @property
    def rows_skipped(self) -> int:
        return sum(self.skipped.values())

    def summary(self) -> dict[str, int | str]:
        """A flat, ordered summary for the terminal and the job page."""
        lines: dict[str, int | str] = {
            _("file"): self.file,
            _("encoding"): self.encoding,
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
        return lines

    def outcome(self) -> dict[str, Any]:
        """The Job.outcome the job page renders: a summary and the problems."""
        return {"summary": self.summary(), "problems": [p.as_dict() for p in self.problems]}


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
