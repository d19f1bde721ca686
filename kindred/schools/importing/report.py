"""What an import found and did: problems (which stop it) and counts (what it changed)."""

from collections import Counter
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Problem:
    """A reason the file cannot be imported, where it is: row 1 is the header, row 0 the whole file."""

    row: int
    column: str
    reason: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "reason": self.reason}

    def __str__(self) -> str:
        where = f"row {self.row}" if self.row else "file"
        return f"{where}{', column ' + repr(self.column) if self.column else ''}: {self.reason}"


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
    values_suppressed: int = 0
    values_missing: int = 0
    problems: list[Problem] = field(default_factory=list)

    @property
    def rows_skipped(self) -> int:
        return sum(self.skipped.values())

    def summary(self) -> dict[str, int | str]:
        """A flat, ordered summary for the terminal and the job page."""
        lines: dict[str, int | str] = {
            "file": self.file,
            "encoding": self.encoding,
            "rows read": self.rows,
            "rows created": self.rows_created,
            "rows updated": self.rows_updated,
            "rows unchanged": self.rows_unchanged,
            "rows skipped": self.rows_skipped,
        }
        for reason, count in sorted(self.skipped.items()):
            lines[f"rows skipped: {reason}"] = count
        if self.blank_rows:
            lines["blank rows ignored"] = self.blank_rows
        for name, tally in [
            ("schools", self.schools),
            ("local authorities", self.authorities),
            ("regions", self.regions),
            ("measure values", self.measures),
        ]:
            if tally.created or tally.updated or tally.unchanged:
                lines[f"{name} created"] = tally.created
                lines[f"{name} updated"] = tally.updated
                lines[f"{name} unchanged"] = tally.unchanged
        if self.schools_not_updated:
            lines["existing schools left as they are (the mapping only adds new ones)"] = (
                self.schools_not_updated
            )
        if self.values_suppressed:
            lines["values stored as suppressed"] = self.values_suppressed
        if self.values_missing:
            lines["values not applicable or missing (nothing stored)"] = self.values_missing
        return lines

    def outcome(self) -> dict[str, Any]:
        """The Job.outcome the job page renders: a summary and the problems."""
        return {"summary": self.summary(), "problems": [p.as_dict() for p in self.problems]}


class ImportFailed(Exception):
    """The file has problems; nothing was imported. `report.problems` lists every one."""

    def __init__(self, report: ImportReport):
        self.report = report
        count = len(report.problems)
        super().__init__(f"Nothing imported: the file has {count} problem{'s' if count != 1 else ''}.")
