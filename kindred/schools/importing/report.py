"""What an import found and did: problems (which stop it) and counts (what it changed)."""

import json
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext

from kindred.core.csv_export import REASON_PARAMS, csv_writer
from kindred.core.progress import Said, said_of, stored_message, worded


@dataclass(frozen=True)
class Problem:
    """A reason the file cannot be imported, where it is (row 1 is the header, row 0 the whole
    file), and the cell's text. `reason` names no value, so problems group by it.

    The report is read later by someone else, perhaps in another language, so `reason` is an English
    gettext message id (`gettext_noop("no school id")`), or a `Said` with its values
    (`Said(gettext_noop("the id is already on row %(row)d"), row=7)`): stored as the id and its
    parameters (`as_dict`: `reason`, `reason_params`) and worded for each reader (`reason_worded`)."""

    row: int
    column: str
    reason: str
    value: str | None = None  # the cell's text; None when the problem is not about one cell

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "value": self.value, **reason_stored(self.reason)}

    def __str__(self) -> str:
        where = _("row %(row)d") % {"row": self.row} if self.row else _("the file")
        if self.column:
            where = _("%(where)s, column %(column)r") % {"where": where, "column": self.column}
        if self.value is not None:
            where = _("%(where)s, value %(value)r") % {"where": where, "value": self.value}
        return f"{where}: {reason_worded(self.reason)}"


REASON_LENGTH = 2000  # characters of a reason's message id kept (one quoting a reader's error is long)


def reason_stored(reason: str) -> dict[str, Any]:
    """A problem's reason as a report keeps it: its message id (`reason`) and, when it has values,
    their `reason_params`."""
    text, params = stored_message(reason, length=REASON_LENGTH)
    return {"reason": text, "reason_params": params} if params else {"reason": text}


def error_text(error: BaseException) -> str:
    """An error quoted in a reason: the `Said` Kindred raised it with (worded for each reader), or
    its text as the library wrote it."""
    return said_of(error) or str(error)


def reason_worded(reason: str, params: dict | None = None) -> str:
    """A reason in the active language: a `Said` or a message id, or one stored (`reason` and
    `reason_params` of a stored problem). A reason stored before reasons were message ids is shown
    as it was written."""
    if params is None:
        reason, params = stored_message(reason, length=REASON_LENGTH)
    return worded(reason, params)


PROBLEM_ROWS_SHOWN = 5  # rows listed under each cause in a grouped report
# A file can have millions of problems (a shifted column in a national file): every one is counted,
# but at most this many of each kind (the same reason in the same column) are kept, in memory and
# in the errors CSV, and at most KINDS_KEPT kinds; the rest are counted only.
SAMPLE_PER_KIND = 100
KINDS_KEPT = 200


class ProblemLog:
    """The problems of an import: every one counted (`len`), by kind (column and reason), with the
    first SAMPLE_PER_KIND of each kind kept (iterating gives those, in the order found), and the
    rows that have any (a bit a row), so bounded memory holds what the report needs."""

    def __init__(self, problems=(), *, per_kind: int | None = None, kinds: int | None = None):
        self.per_kind = SAMPLE_PER_KIND if per_kind is None else per_kind
        self.kinds = KINDS_KEPT if kinds is None else kinds
        self.clear()
        self.extend(problems)

    def clear(self) -> None:
        self.kept: list[Problem] = []
        self.counts: dict[tuple[str, str], int] = {}
        self.uncounted_kinds = 0  # problems of kinds past the KINDS_KEPT first: counted in total only
        self.total = 0
        self._rows = bytearray()  # bit r: row r has a problem

    def append(self, problem: Problem) -> None:
        self.total += 1
        self._mark(problem.row)
        kind = (problem.column, problem.reason)
        count = self.counts.get(kind)
        if count is None:
            if len(self.counts) >= self.kinds:
                self.uncounted_kinds += 1
                return
            count = 0
        self.counts[kind] = count + 1
        if count < self.per_kind:
            self.kept.append(problem)

    def extend(self, problems) -> None:
        for problem in problems:
            self.append(problem)

    def _mark(self, row: int) -> None:
        byte = row >> 3
        if byte >= len(self._rows):
            self._rows.extend(bytes(max(byte + 1 - len(self._rows), len(self._rows))))
        self._rows[byte] |= 1 << (row & 7)

    def has_row(self, row: int) -> bool:
        byte = row >> 3
        return byte < len(self._rows) and bool(self._rows[byte] & (1 << (row & 7)))

    def rows(self) -> int:
        """How many rows have a problem."""
        return int.from_bytes(self._rows, "little").bit_count()

    @property
    def not_kept(self) -> int:
        """Problems counted but not kept (beyond each kind's sample)."""
        return self.total - len(self.kept)

    def __len__(self) -> int:
        return self.total

    def __bool__(self) -> bool:
        return self.total > 0

    def __iter__(self):
        return iter(self.kept)

    def __getitem__(self, index):
        return self.kept[index]


UNKNOWN_IDS_SHOWN = 10  # ids of unknown schools named in the summary


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
            **reason_stored(self.reason),
            "count": self.count,
            "first": [p.as_dict() for p in self.first],
        }


def problems_grouped(problems, *, shown: int = PROBLEM_ROWS_SHOWN) -> list[ProblemGroup]:
    """Problems grouped by cause, the largest group first, each with its first `shown` rows (a
    ProblemLog's counts are of every problem, not only those it kept)."""
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
    if isinstance(problems, ProblemLog):
        for kind, count in problems.counts.items():
            groups[kind].count = count
        if problems.uncounted_kinds:
            groups[("", "")] = ProblemGroup(
                "",
                gettext_noop("problems of other kinds (more kinds than a report lists)"),
                problems.uncounted_kinds,
                [],
            )
    return sorted(groups.values(), key=lambda g: (-g.count, g.first[0].row if g.first else 0))


def problems_write_csv(problems: list[Problem], handle, *, stored: bool = False) -> None:
    """Every problem as a CSV row (row, column, value, reason): the `--errors` file and the admin
    download. The values come from an uploaded file, so the project's spreadsheet-safe writer
    keeps a cell such as `=HYPERLINK(...)` from running as a formula where the CSV is opened.

    The reasons are worded in the active language; with `stored`, the file is kept for a reader
    to download later: each reason as its message id with a fifth column, `reason_params` (JSON),
    and the download words them in the reader's language (`kindred.core.csv_export.csv_worded`)."""
    writer = csv_writer(handle)
    writer.writerow(["row", "column", "value", "reason", *([REASON_PARAMS] if stored else [])])

    def reason_cells(reason: str) -> list[str]:
        if not stored:
            return [reason_worded(reason)]
        text, params = stored_message(reason, length=REASON_LENGTH)
        return [text, json.dumps(params, ensure_ascii=False) if params else ""]

    for problem in problems:
        writer.writerow(
            [
                problem.row,
                problem.column,
                "" if problem.value is None else problem.value,
                *reason_cells(problem.reason),
            ]
        )
    if isinstance(problems, ProblemLog) and problems.not_kept:
        # the kept sample of each kind was written; say how many more there are, kind by kind
        for group in problems_grouped(problems, shown=0):
            listed = min(group.count, problems.per_kind) if group.reason else 0
            if group.count > listed:
                more = Said(
                    gettext_noop("… and %(n)d more problems like this, not listed"), n=group.count - listed
                )
                writer.writerow(["", group.column, "", *reason_cells(more)])


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
    read_as: str = ""  # how the file was read: format, encoding, delimiter, sheet (a Said: message ids)
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
    links_resolved: int = 0  # pending links made now that both their schools are in the registry
    values_suppressed: int = 0
    values_missing: int = 0
    values_banded: int = 0
    problems: ProblemLog = field(default_factory=ProblemLog)
    unknown_ids: list[str] = field(default_factory=list)  # the first ids not in the registry (a sample)
    # the problems of rows skipped for them (an import asked to skip bad rows): reported, not blocking
    skipped_problems: ProblemLog = field(default_factory=ProblemLog)

    def unknown_school(self, registry_id: str) -> None:
        """A row's school is not in the registry: its id is kept among the first few reported."""
        if len(self.unknown_ids) < UNKNOWN_IDS_SHOWN and registry_id not in self.unknown_ids:
            self.unknown_ids.append(registry_id)

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
        for said, count in self.skipped_said():
            lines[worded(*stored_message(said, length=REASON_LENGTH))] = count
        if self.unknown_ids:
            lines[worded(*stored_message(self._unknown_said()))] = ", ".join(self.unknown_ids)
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
        if self.links_resolved:
            lines[_("pending links made (both schools now in the registry)")] = self.links_resolved
        if self.values_suppressed:
            lines[_("values stored as suppressed")] = self.values_suppressed
        if self.values_missing:
            lines[_("values not applicable or missing (nothing stored)")] = self.values_missing
        if self.values_banded:
            lines[_("values published as a range (stored as its middle, flagged as banded)")] = (
                self.values_banded
            )
        for name, note in self._notes_said():
            lines[worded(*stored_message(name))] = note
        return lines

    def _unknown_said(self) -> Said:
        return Said(
            gettext_noop("unknown schools (ids not in the registry; the first %(n)d)"),
            n=len(self.unknown_ids),
        )

    def _notes_said(self) -> list[tuple[Said, str]]:
        """Each note with its name in the summary ("note 1"); a note is a message id with its values."""
        return [(Said(gettext_noop("note %(n)d"), n=n), note) for n, note in enumerate(self.notes, start=1)]

    def skipped_said(self) -> list[tuple[Said, int]]:
        """Each reason rows were skipped for, as a summary's name worded for each reader ("rows skipped:
        no school id"), with how many: a reason Kindred gives is a message id (a `Said`, or one marked
        with gettext_noop), a reason a mapping gives is shown as typed."""
        return [
            (
                Said(
                    gettext_noop("rows skipped: %(reason)s"),
                    reason=reason if isinstance(reason, Said) else Said(reason),
                ),
                count,
            )
            for reason, count in sorted(self.skipped.items())
        ]

    def summary_params(self) -> dict[str, dict]:
        """The summary's names that have values, as the job keeps them: the name in English (the
        summary's key, as the worker wrote it) -> its message id and values (worded when read)."""
        names = [said for said, _count in self.skipped_said()]
        names += [self._unknown_said()] if self.unknown_ids else []
        names += [name for name, _note in self._notes_said()]
        kept = {}
        with translation.override("en"):
            for said in names:
                text, params = stored_message(said, length=REASON_LENGTH)
                kept[worded(text, params)] = {"text": text, "params": params}
        return kept

    def summary_values(self) -> dict[str, dict]:
        """The summary's values that are words (how the file was read, the notes), as the job keeps them:
        the name in English (the summary's key) -> the value's message id and values (worded when read)."""
        kept = {}
        with translation.override("en"):
            values = [(gettext_noop("read as"), self.read_as)]
            values += [(worded(*stored_message(name)), note) for name, note in self._notes_said()]
            for key, value in values:
                if isinstance(value, Said):
                    text, params = stored_message(value, length=REASON_LENGTH)
                    kept[worded(key)] = {"text": text, "params": params}
        return kept

    def summary_line(self) -> str:
        """One line: created / updated / unchanged / skipped, with the reasons for skipping."""
        return worded(*stored_message(self.summary_said()))

    def summary_said(self) -> Said:
        """The summary line as a job keeps it, worded for each reader (Job.display_summary_line)."""
        line = Said(
            gettext_noop(
                "%(created)d created, %(updated)d updated, %(unchanged)d unchanged, %(skipped)d skipped"
            ),
            created=self.rows_created,
            updated=self.rows_updated,
            unchanged=self.rows_unchanged,
            skipped=self.rows_skipped,
        )
        if not self.skipped:
            return line
        reasons: Said | None = None
        for reason, count in sorted(self.skipped.items()):  # each reason worded too
            said = Said(
                gettext_noop("%(reason)s: %(count)d"),
                reason=reason if isinstance(reason, Said) else Said(reason),
                count=count,
            )
            reasons = (
                said if reasons is None else Said(gettext_noop("%(list)s; %(item)s"), list=reasons, item=said)
            )
        return Said(gettext_noop("%(line)s (%(reasons)s)"), line=line, reasons=reasons)

    @property
    def imported_nothing(self) -> bool:
        """No row created or updated anything (every row skipped or unchanged, or none at all)."""
        return self.rows_created == 0 and self.rows_updated == 0 and self.rows_unchanged == 0

    def outcome(self, *, problems_shown: int | None = None) -> dict[str, Any]:
        """The Job.outcome the job page renders: a summary, the problems grouped by cause, and
        the problems themselves (the first `problems_shown`; the errors CSV has them all)."""
        shown = list(self.problems) if problems_shown is None else self.problems[:problems_shown]
        outcome = {
            "summary": self.summary(),
            # its English message id and values: Job.display_summary_line words it for each reader
            **dict(
                zip(("summary_line", "summary_line_params"), stored_message(self.summary_said()), strict=True)
            ),
            # the names of the summary that have values (the reasons rows were skipped for), worded when read
            "summary_params": self.summary_params(),
            # the values that are words (how the file was read, the notes), worded when read
            "summary_values": self.summary_values(),
            "groups": [g.as_dict() for g in problems_grouped(self.problems)],
            "problems": [p.as_dict() for p in shown],
        }
        if self.skipped_problems:
            skipped = self.skipped_problems
            outcome["skipped_groups"] = [g.as_dict() for g in problems_grouped(skipped)]
            outcome["skipped_problems"] = [
                p.as_dict() for p in (skipped if problems_shown is None else skipped[:problems_shown])
            ]
        return outcome


class ImportFailed(Exception):
    """The file has problems; nothing was imported. `report.problems` lists every one."""

    def __init__(self, report: ImportReport):
        self.report = report
        count = len(report.problems)
        # what the failed job keeps, worded for each reader (the plural is in the terminal's message)
        self.said = Said(
            gettext_noop("Nothing imported: problems found in the file: %(count)d."), count=count
        )
        super().__init__(
            ngettext(
                "Nothing imported: the file has %(count)d problem.",
                "Nothing imported: the file has %(count)d problems.",
                count,
            )
            % {"count": count}
        )
