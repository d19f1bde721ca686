"""Checking a whole file and deciding what it would change, without writing anything.

A plan holds every school, authority and measure value the file gives, already cleaned, and
every problem found. The writer (writing.py) applies a plan only if it has no problems.
"""

import difflib
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from kindred import countries
from kindred.core.progress import Progress, Said, no_progress
from kindred.engine.units import PERCENT_UNITS
from kindred.schools.catalogue import MEASURES, MeasureSpec
from kindred.schools.importing.cleaning import (
    Blank,
    CellError,
    Codes,
    clean_band,
    clean_count,
    clean_date,
    clean_id,
    clean_number,
    normalise_text,
)
from kindred.schools.importing.coordinates import bng_to_latlon
from kindred.schools.importing.mapping import (
    CHOICE_FIELDS,
    COUNT_FIELDS,
    DATE_FIELDS,
    NEXT,
    TEXT_FIELDS,
    CodeName,
    FieldSource,
    Mapping,
    MeasureColumn,
    place_code,
)
from kindred.schools.importing.reading import Table
from kindred.schools.importing.report import ImportReport, Problem, ProblemLog

KEEP = "keep"  # a measure's cohort when the file has no cohort column: leave the stored one as it is
REGISTRY_ID_LENGTH = 32
# A count of pupils above this is not a school's: a shifted column, or a number no database column
# of counts would hold (PostgreSQL's integer stops at 2,147,483,647).
MAX_COUNT = 1_000_000
# Coordinates outside these (south, west, north, east) are refused, unless the mapping declares
# its own `bounds`; the default is the country profile's bounds (kindred/countries/).
GRID_EAST, GRID_NORTH = 700_000, 1_300_000  # the British National Grid's extent, metres
SKIP_NO_ID = gettext_noop("no school id (a total or note row)")
SKIP_NOT_IN_REGISTRY = gettext_noop("school id not in the registry")
SKIP_NO_VALUE = gettext_noop("no value (not applicable or missing)")
SKIP_NO_AUTHORITY_CODE = gettext_noop("no local authority code")
SKIP_PROBLEM = gettext_noop("a problem in the row (each listed in the report)")
SKIP_NOT_READ = gettext_noop("a measure the mapping does not read")
NO_SUCH_COLUMN = gettext_noop("the file has no such column")
PROGRESS_EVERY = 1000
LONG_COLUMNS = ("school_id", "measure", "year", "value")
FRACTION_CHECK_AT = 10  # a percentage column with this many values, all between 0 and 1, is refused
_YEAR = re.compile(r"^(\d{4})(?:\s*[/-]\s*(\d{2}|\d{4}))?$")


@dataclass(frozen=True)
class Limits:
    """What a measure's values may be: its unit and its declared valid range."""

    unit: str
    valid_min: float | None = None
    valid_max: float | None = None

    @classmethod
    def of(cls, unit: str, valid_min: float | None, valid_max: float | None) -> "Limits":
        if unit in PERCENT_UNITS and valid_min is None and valid_max is None:
            valid_min, valid_max = 0.0, 100.0
        return cls(unit, valid_min, valid_max)


@dataclass(slots=True)
class PlannedSchool:
    row: int
    registry_id: str
    values: dict[str, Any]
    authority: str | None = None  # code
    region: str | None = None  # code


@dataclass(slots=True)
class PlannedMeasure:
    row: int
    registry_id: str
    code: str
    year: int
    value: float | None
    suppressed: bool
    cohort: int | None | str  # KEEP when the file does not give one
    fill_in: bool = False  # add what is not stored yet, replace nothing
    band: tuple[float | None, float | None] | None = None  # a figure published as a range


@dataclass
class PlannedPlace:
    row: int
    code: str
    name: str | None
    region: str | None = None


@dataclass
class Plan:
    report: ImportReport
    update: bool = False  # whether schools already in the registry take the file's values
    schools: list[PlannedSchool] = field(default_factory=list)
    measures: list[PlannedMeasure] = field(default_factory=list)
    authorities: dict[str, PlannedPlace] = field(default_factory=dict)
    regions: dict[str, PlannedPlace] = field(default_factory=dict)
    measure_specs: list[MeasureSpec] = field(default_factory=list)
    # The country (profile code) the schools, regions and authorities it creates are in; "" for the
    # installation's default (docs/countries.md, "Several countries in one installation").
    country: str = ""
    kept_rows: list[int] = field(default_factory=list)  # rows not skipped: each is created/updated/unchanged
    # A plan with a problem is never written, so what it would write is dropped as soon as it has one
    # (memory stays bounded for a file with millions of problems) — unless its bad rows are to be
    # skipped and the rest written (--skip-bad-rows), or its rows previewed.
    keep_when_failing: bool = False

    @property
    def ok(self) -> bool:
        return not self.report.problems

    def holding(self) -> bool:
        """Whether the plan still keeps what rows would write (see keep_when_failing)."""
        if self.report.problems and not self.keep_when_failing:
            if self.schools or self.measures:
                self.schools.clear()
                self.measures.clear()
            return False
        return True


def rows_with_problems_skip(plan: Plan) -> None:
    """Skip the rows that have problems and keep the rest (an import's `--skip-bad-rows`): each
    such row is counted as skipped, its problems become the report's `skipped_problems`, and what
    it would have written leaves the plan. A problem of the whole file (row 0, the header) still
    stops the import: then nothing is skipped and every problem stays."""
    report = plan.report
    log = report.problems
    if not log or any(p.row < 2 for p in log):
        return
    report.skipped_problems = log
    report.problems = ProblemLog()
    report.skipped[str(SKIP_PROBLEM)] += log.rows()
    bad = log.has_row
    plan.kept_rows = [row for row in plan.kept_rows if not bad(row)]
    plan.schools = [s for s in plan.schools if not bad(s.row)]
    plan.measures = [m for m in plan.measures if not bad(m.row)]
    if plan.schools or not plan.authorities:  # a schools file: the places its kept schools name
        first_row: dict[tuple[str, str], int] = {}
        for school in plan.schools:
            for kind, code in (("authority", school.authority), ("region", school.region)):
                if code:
                    first_row.setdefault((kind, code), school.row)
        plan.authorities = {c: p for c, p in plan.authorities.items() if ("authority", c) in first_row}
        plan.regions = {c: p for c, p in plan.regions.items() if ("region", c) in first_row}
        for kind, places in (("authority", plan.authorities), ("region", plan.regions)):
            for code, place in places.items():
                place.row = first_row[(kind, code)]
    else:  # an authorities file: the authorities of its good rows, and their regions
        plan.authorities = {c: p for c, p in plan.authorities.items() if not bad(p.row)}
        named = {p.region for p in plan.authorities.values()}
        plan.regions = {c: p for c, p in plan.regions.items() if c in named}


@dataclass(frozen=True)
class Elsewhere:
    """What the registry already holds in countries other than the import's: region codes,
    authority codes (an authority is in its region's country) and school ids, each with its
    country's code. A row naming one of them is refused: an import writes into its own country only.
    Empty in an installation with one country."""

    regions: dict[str, str] = field(default_factory=dict)
    authorities: dict[str, str] = field(default_factory=dict)
    schools: dict[str, str] = field(default_factory=dict)


ELSEWHERE_PLACE = gettext_noop(
    "this %(what)s is in another country (%(other)s); the import is for %(country)s"
)
ELSEWHERE_SCHOOL = gettext_noop(
    "this school is in another country (%(other)s); the import is for %(country)s"
)


def _new_plan(table: Table, *, file: str) -> Plan:
    report = ImportReport(file=file, encoding=table.encoding, read_as=table.description())
    report.notes.extend(table.notes)
    report.problems.extend(table.problems)
    table.problems = report.problems  # problems found while the rows are read join the report's
    return Plan(report=report)


def _finish(plan: Plan, table: Table) -> None:
    """The counts known only once every row has been read."""
    plan.report.rows = table.rows_read
    plan.report.blank_rows = table.blank_rows


COLUMNS_LISTED = 40


def no_such_column(table: Table, column: str) -> Said:
    """Why a column is not found, with what was found instead: the nearest names, the columns
    read, and which sheet of a workbook they are from (a reason worded for each reader)."""
    reason = Said(NO_SUCH_COLUMN)
    names = [name for name in table.header if name]
    folded = {normalise_text(name): name for name in names}
    near = difflib.get_close_matches(normalise_text(column), list(folded), n=3, cutoff=0.6)
    if near:
        reason = Said(
            gettext_noop("%(reason)s; the nearest: %(names)s"),
            reason=reason,
            names=", ".join(repr(folded[n]) for n in near),
        )
    shown: str = ", ".join(repr(name) for name in names[:COLUMNS_LISTED])
    if len(names) > COLUMNS_LISTED:
        shown = Said(gettext_noop("%(columns)s and %(n)d more"), columns=shown, n=len(names) - COLUMNS_LISTED)
    if table.sheet:
        others = [name for name in table.sheets if name != table.sheet]
        where = Said(gettext_noop("sheet %(sheet)r"), sheet=table.sheet)
        if others:
            where = Said(
                gettext_noop("%(where)s (the workbook's other sheets: %(names)s; choose one with --sheet)"),
                where=where,
                names=", ".join(repr(name) for name in others),
            )
        return Said(
            gettext_noop("%(reason)s. The columns of %(where)s: %(columns)s"),
            reason=reason,
            where=where,
            columns=shown,
        )
    return Said(gettext_noop("%(reason)s. The file's columns: %(columns)s"), reason=reason, columns=shown)


def _missing_columns(table: Table, needed: Iterable[str], plan: Plan) -> bool:
    present = set(table.header)
    missing = sorted(set(needed) - present)
    for column in missing:
        plan.report.problems.append(Problem(1, column, no_such_column(table, column)))
    return bool(missing)


def _place(
    plan: Plan, places: dict[str, PlannedPlace], row: int, code: str, name: str | None, what: str, column: str
) -> None:
    if len(code) > 32:
        plan.report.problems.append(
            Problem(
                row, column, Said(gettext_noop("a %(what)s code longer than 32 characters"), what=what), code
            )
        )
        return
    if name is not None and len(name) > 200:
        plan.report.problems.append(
            Problem(
                row, column, Said(gettext_noop("a %(what)s name longer than 200 characters"), what=what), name
            )
        )
        return
    known = places.get(code)
    if known is None or (known.name is None and name):
        places[code] = PlannedPlace(row, code, name or None)


def clean_year(text: str) -> int:
    """A year as files write it: `2018`, `2018/19`, `2018-2019` (the year the academic year starts)."""
    match = _YEAR.match(text.strip())
    if match is None or not 1900 <= int(match[1]) <= 2100:
        raise CellError(gettext_noop("not a year such as 2018 or 2018/19"), text.strip())
    return int(match[1])


def plan_schools_file(
    table: Table,
    mapping: Mapping,
    *,
    existing_ids: set[str],
    limits: dict[str, Limits] | None = None,
    year: int | None = None,
    bounds: tuple[float, float, float, float] | None = None,
    file: str = "",
    progress: Progress = no_progress,
    keep_when_failing: bool = False,
    country: str = "",
    elsewhere: Elsewhere | None = None,
) -> Plan:
    """Check every row of a file read through a schools mapping; nothing is written.

    `limits`: each measure's unit and valid range (by code); `year`: the year of measures the
    mapping gives none for (the command line's --year); `bounds`: the country's (south, west,
    north, east), unless the mapping declares its own; `keep_when_failing`: keep what the rows
    would write after a problem is found (to skip the bad rows, or to preview them); `country`: the
    country the file's schools and places are in (default: the installation's), and `elsewhere`
    what the registry holds in other countries (a row naming it is a problem).
    """
    plan = _new_plan(table, file=file)
    plan.keep_when_failing = keep_when_failing
    plan.country = country
    elsewhere = elsewhere or Elsewhere()
    if mapping.rows == "authorities":
        return _plan_authorities(table, mapping, plan, progress, elsewhere)
    plan.update = mapping.update
    plan.measure_specs = _specs_for(mapping)
    if mapping.needs_year() and year is None:
        plan.report.problems.append(
            Problem(
                0,
                "",
                gettext_noop(
                    "the file's year is not known: give 'year:' in the mapping, or --year when importing"
                ),
            )
        )
    if plan.report.problems or _missing_columns(table, mapping.columns(), plan):
        return plan
    checker = _RowChecker(plan, mapping, table.column_index(), limits or {}, year, mapping.bounds or bounds)
    checker.elsewhere = elsewhere
    total = table.estimated_rows
    done = 0
    for done, (row, cells) in enumerate(table.rows(), start=1):
        if done % PROGRESS_EVERY == 0:
            progress(done, max(total or 0, done), gettext_noop("checking"))
        checker.check(row, cells, existing_ids)
    _finish(plan, table)
    progress(done, done, gettext_noop("checked"))
    checker.finish()
    listed = {spec.code for spec in plan.measure_specs}
    read = {code for code, _value, _cohort in checker.long_measures}
    plan.measure_specs += [MEASURES[c] for c in sorted(read) if c in MEASURES and c not in listed]
    return plan


def _specs_for(mapping: Mapping) -> list[MeasureSpec]:
    """The catalogue's specs of the measures the mapping reads, and every measure it defines
    (a definition is never dropped, even when no column of the file gives its values)."""
    own = {m.code: m for m in mapping.new_measures}
    codes = {m.measure for m in mapping.measures} - set(own)
    return [MEASURES[code] for code in sorted(codes) if code in MEASURES] + list(own.values())


class RowChooser:
    """The mapping's `keep` and `skip` rules: which rows are read, and why the others are not."""

    def __init__(self, mapping: Mapping, index: dict[str, int]):
        self.keep = [(index[rule.column], rule) for rule in mapping.keep]
        self.skip = [(index[rule.column], rule) for rule in mapping.skip]
        self.not_kept = {
            id(rule): _("not kept: %(column)s is not %(values)s")
            % {"column": rule.column, "values": " / ".join(rule.shown)}
            for _at, rule in self.keep
        }

    def skipped(self, cells: list[str]) -> str | None:
        """Why the row is skipped (the reason counted in the summary), or None when it is read."""
        for at, rule in self.keep:
            if normalise_text(cells[at]) not in rule.values:
                return self.not_kept[id(rule)]
        for at, rule in self.skip:
            text = cells[at]
            if rule.values and normalise_text(text) in rule.values:
                return rule.reason
            if rule.below is not None or rule.above is not None:
                try:
                    number = clean_number(text)
                except CellError:
                    continue
                if isinstance(number, Blank):
                    continue
                if (rule.below is not None and number < rule.below) or (
                    rule.above is not None and number > rule.above
                ):
                    return rule.reason
        return None


class _RowChecker:
    """Checks one row at a time against a mapping, adding to a plan what the row would change."""

    def __init__(self, plan, mapping, index, limits, year, bounds):
        self.plan, self.mapping, self.index, self.limits = plan, mapping, index, limits
        self.year = year
        self.bounds = bounds or countries.profile(plan.country).bounds.south_west_north_east
        self.elsewhere = Elsewhere()
        self.id_at = [index[c] for c in mapping.id_columns]
        self.template = [
            (piece, index[piece.column] if piece.column else None) for piece in mapping.id_template
        ]
        self.long_seen: dict[tuple[str, str, int], int] = {}  # a long file: (school, measure, year) -> row
        self.pivot_at = [index[c] for c in mapping.pivot_columns]
        self.long_measures: dict[tuple, MeasureColumn] = {}
        self.rows_chosen = RowChooser(mapping, index)
        self.seen: dict[str, int] = {}
        self.grid: list[tuple[int, dict[str, Any], float, float, str]] = []
        self.reported_row, self.reported = 0, set()
        self.authority_word, self.region_word = (
            Said(gettext_noop("local authority")),
            Said(gettext_noop("region")),
        )
        self.range_reasons: dict[tuple[str, bool], str] = {}  # (measure, below): the reason, translated once
        self.counts: tuple[int, dict] = (0, {})  # (row, {column: count}): a cohort column read once a row
        self.fractions: dict[int, list[float]] = {}  # measure column -> [count, largest |value|, any not 0/1]

    def problem(self, row: int, column: str | None, reason: str, value: str | None = None) -> None:
        """Report a problem, once per cell: a cell read by several parts of the mapping (pupils,
        and the cohort of three measures) is reported by the first that finds it wrong."""
        if row != self.reported_row:
            self.reported_row, self.reported = row, set()
        cell = (column or "", value)
        if value is not None and cell in self.reported:
            return
        self.reported.add(cell)
        self.plan.report.problems.append(Problem(row, column or "", reason, value))

    def registry_id(self, row: int, cells: list[str]) -> str | None:
        parts = [clean_id(cells[at]) for at in self.id_at]
        if not any(parts):
            return ""
        if not all(parts):
            self.problem(
                row, self.mapping.id_column, gettext_noop("part of the id is empty"), " | ".join(parts)
            )
            return None
        if self.template:
            return "".join(
                piece.render("" if at is None else clean_id(cells[at])) for piece, at in self.template
            )
        return self.mapping.id_separator.join(parts)

    def check(self, row: int, cells: list[str], existing_ids: set[str]) -> None:
        plan, mapping = self.plan, self.mapping
        reason = self.rows_chosen.skipped(cells)
        if reason is not None:
            plan.report.skipped[reason] += 1
            return
        registry_id = self.registry_id(row, cells)
        if registry_id is None:
            return
        if not registry_id:
            plan.report.skipped[str(SKIP_NO_ID)] += 1
            return
        if mapping.rows == "long":
            self.check_long(row, cells, registry_id, existing_ids)
            return
        if registry_id in self.seen:
            self.problem(
                row,
                mapping.id_column,
                Said(gettext_noop("the id is already on row %(row)d"), row=self.seen[registry_id]),
                registry_id,
            )
            return
        if len(registry_id) > REGISTRY_ID_LENGTH:
            self.problem(row, mapping.id_column, gettext_noop("an id longer than 32 characters"), registry_id)
            return
        self.seen[registry_id] = row
        other = self.elsewhere.schools.get(registry_id)
        if other is not None and mapping.writes_schools:
            self.problem(row, mapping.id_column, self.elsewhere_said(ELSEWHERE_SCHOOL, other), registry_id)
            return
        unknown = not mapping.create and registry_id not in existing_ids
        mark = self.mark() if unknown else None
        if mapping.writes_schools:
            school = self.school(row, cells, registry_id)
            if school is not None:
                is_new = school.registry_id not in existing_ids
                if not unknown and (is_new or "name" in school.values) and not school.values.get("name"):
                    source = mapping.fields["name"][0]
                    self.problem(row, source.column, gettext_noop("a school needs a name"), "")
                if plan.holding():
                    plan.schools.append(school)
        row_year = self.year_of(row, cells, mapping.year_column, mapping.year)
        for measure in mapping.measures:
            self.measure(row, cells, registry_id, measure, row_year)
        if mark is not None:
            self.unknown_school(row, registry_id, mark)
        else:
            plan.kept_rows.append(row)

    def check_long(self, row: int, cells: list[str], registry_id: str, existing_ids: set[str]) -> None:
        """A row of a long file: the value of one measure (the pivot's), or of the measure columns,
        for one school and year; the same school, measure and year twice is a problem."""
        plan, mapping = self.plan, self.mapping
        if len(registry_id) > REGISTRY_ID_LENGTH:
            self.problem(row, mapping.id_column, gettext_noop("an id longer than 32 characters"), registry_id)
            return
        measures = list(mapping.measures)
        if mapping.pivot_columns:
            measures = self.pivot_measures(row, cells)
            if not measures:
                return
        unknown = registry_id not in existing_ids
        mark = self.mark()
        row_year = self.year_of(row, cells, mapping.year_column, mapping.year)
        for measure in measures:
            year = measure.year if measure.year is not None else row_year
            key = (registry_id, measure.measure, year)
            if year is not False and key in self.long_seen:
                self.problem(
                    row,
                    mapping.id_column,
                    Said(
                        gettext_noop("this school, measure and year are already on row %(row)d"),
                        row=self.long_seen[key],
                    ),
                    f"{registry_id} {measure.measure} {year}",
                )
                continue
            self.long_seen[key] = row
            self.measure(row, cells, registry_id, measure, row_year)
        if unknown:
            self.unknown_school(row, registry_id, mark)
        elif len(plan.report.problems) == mark[4] and len(plan.measures) == mark[1]:
            plan.report.skipped[str(SKIP_NO_VALUE)] += 1  # every value of the row was missing
        else:
            plan.kept_rows.append(row)

    def pivot_measures(self, row: int, cells: list[str]) -> list[MeasureColumn]:
        """The measures a long file's row gives, from its pivot columns; none (counted) for a row
        of measures the mapping does not read, or (a problem) an unknown code in a codes column."""
        mapping = self.mapping
        if mapping.pivot is not None:
            read = mapping.pivot.get(tuple(normalise_text(cells[at]) for at in self.pivot_at))
            if read is None:
                self.plan.report.skipped[str(SKIP_NOT_READ)] += 1
                return []
        else:
            code = cells[self.pivot_at[0]].strip()
            if code not in self.limits:
                self.problem(
                    row,
                    mapping.pivot_columns[0],
                    gettext_noop(
                        "unknown measure code: define it with define_measures or --definitions FILE"
                    ),
                    code,
                )
                return []
            read = ((code, mapping.long_value, mapping.long_cohort),)
        measures = []
        for code, value, cohort in read:
            if (code, value, cohort) not in self.long_measures:
                self.long_measures[(code, value, cohort)] = MeasureColumn(
                    measure=code, year=None, column=value, cohort=cohort, fill_in=mapping.long_fill_in
                )
            measures.append(self.long_measures[(code, value, cohort)])
        return measures

    def mark(self) -> tuple:
        """What the plan holds before a row is checked, to take back what the row added."""
        plan, report = self.plan, self.plan.report
        return (
            len(plan.schools),
            len(plan.measures),
            report.values_missing,
            report.values_banded,
            len(report.problems),
            set(plan.authorities),
            set(plan.regions),
        )

    def unknown_school(self, row: int, registry_id: str, mark: tuple) -> None:
        """A row whose school is not in the registry (and the mapping adds none) was checked like
        any other: its problems stay problems; what it would have written is taken back, and the
        row is skipped as an unknown school."""
        plan, report = self.plan, self.plan.report
        schools, measures, report.values_missing, report.values_banded, problems, authorities, regions = mark
        del plan.schools[schools:], plan.measures[measures:]
        for code in set(plan.authorities) - authorities:
            del plan.authorities[code]
        for code in set(plan.regions) - regions:
            del plan.regions[code]
        if len(report.problems) == problems:
            report.skipped[str(SKIP_NOT_IN_REGISTRY)] += 1
            report.unknown_school(registry_id)

    def year_of(self, row: int, cells: list[str], column: str | None, fixed: int | None) -> int | None | bool:
        """The year a column or the mapping gives; False when a year cell is wrong (reported)."""
        if column is None:
            return fixed if fixed is not None else self.year
        try:
            return clean_year(cells[self.index[column]])
        except CellError as error:
            self.problem(row, column, error.reason, error.value)
            return False

    def field_value(self, source: FieldSource, field_name: str, text: str) -> Any:
        """The value one column gives a field; NEXT when it leaves the decision to the next column."""
        if source.column is None:
            return source.constant
        key = normalise_text(text)
        if key in source.missing:
            text, key = "", ""
        if source.values is not None:
            if key in source.values:
                return source.values[key]
            if source.otherwise is not None:
                return source.otherwise
            if key == "":
                return None
            raise CellError(
                Said(gettext_noop("not in the mapping's values for %(field)s"), field=field_name),
                text.strip(),
            )
        if field_name in TEXT_FIELDS:
            value = " ".join(text.split())
            if len(value) > TEXT_FIELDS[field_name]:
                raise CellError(
                    Said(gettext_noop("longer than %(n)d characters"), n=TEXT_FIELDS[field_name]), value
                )
            return value
        if field_name in DATE_FIELDS:
            return clean_date(text, source.date_format)
        if field_name in COUNT_FIELDS:
            count = self.count(text, self.mapping.codes)
            return None if isinstance(count, Blank) else count
        raise AssertionError(field_name)  # pragma: no cover - the mapping checker allows no other field

    @staticmethod
    def count(text: str, codes: Codes) -> int | Blank:
        count = clean_count(text, codes)
        if not isinstance(count, Blank) and count > MAX_COUNT:
            raise CellError(
                Said(
                    gettext_noop("more than %(max)s pupils: not a school's count (a shifted column?)"),
                    max=f"{MAX_COUNT:,}",
                ),
                text.strip(),
            )
        return count

    def school(self, row: int, cells: list[str], registry_id: str) -> PlannedSchool | None:
        mapping = self.mapping
        values: dict[str, Any] = {}
        ok = True
        for field_name, sources in mapping.fields.items():
            for source in sources:
                text = cells[self.index[source.column]] if source.column else ""
                try:
                    value = self.field_value(source, field_name, text)
                except CellError as error:
                    self.problem(row, source.column, error.reason, error.value)
                    ok = False
                    break
                if value == NEXT:
                    continue
                if value is not None or field_name not in CHOICE_FIELDS:
                    values[field_name] = value
                break
        if mapping.latitude and mapping.longitude:
            ok = self.latlon(row, cells, values) and ok
        if mapping.easting and mapping.northing:
            ok = self.grid_point(row, cells, values) and ok
        school = PlannedSchool(row, registry_id, values)
        for attribute, place, places, what, other_places in [
            (
                "authority",
                mapping.local_authority,
                self.plan.authorities,
                self.authority_word,
                self.elsewhere.authorities,
            ),
            ("region", mapping.region, self.plan.regions, self.region_word, self.elsewhere.regions),
        ]:
            if place is not None:
                code = self.place(row, cells, place, places, what)
                other = other_places.get(code) if code else None
                if other is not None:
                    column = place.code or place.name or ""
                    self.problem(row, column, self.elsewhere_said(ELSEWHERE_PLACE, other, what=what), code)
                    ok = False
                setattr(school, attribute, code)
        return school if ok else None

    def elsewhere_said(self, text: str, other: str, **params) -> Said:
        return Said(text, other=other, country=self.plan.country or countries.default_code(), **params)

    def place(self, row: int, cells: list[str], place: CodeName, places: dict, what: str) -> str | None:
        """The code of a school's local authority or region (made from its name when the file has
        no code), planned for creation or renaming; None for none."""
        code = clean_id(cells[self.index[place.code]]) if place.code else ""
        name = " ".join(cells[self.index[place.name]].split()) if place.name else None
        if place.values is not None:
            key = normalise_text(code if place.code else name or "")
            if key in place.values:
                mapped = place.values[key]
                if mapped is None:
                    return None
                if place.code:
                    code = mapped
                else:
                    name = mapped
        if not place.code:
            if not name:
                return None
            code = place_code(name)
        if not code:
            return None
        _place(self.plan, places, row, code, name, what, place.code or place.name or "")
        return code

    def latlon(self, row: int, cells: list[str], values: dict) -> bool:
        lat_column, lon_column = self.mapping.latitude, self.mapping.longitude
        lat_text, lon_text = cells[self.index[lat_column]], cells[self.index[lon_column]]
        try:
            lat = clean_number(lat_text)
        except CellError as error:
            self.problem(row, lat_column, error.reason, error.value)
            return False
        try:
            lon = clean_number(lon_text)
        except CellError as error:
            self.problem(row, lon_column, error.reason, error.value)
            return False
        if isinstance(lat, Blank) or isinstance(lon, Blank):
            values["latitude"] = values["longitude"] = None
            return True
        if not -90 <= lat <= 90:
            if self.inside(lon, lat):
                self.problem(
                    row,
                    lat_column,
                    gettext_noop("latitude and longitude look swapped"),
                    f"{lat_text.strip()}, {lon_text.strip()}",
                )
            else:
                self.problem(
                    row, lat_column, gettext_noop("a latitude must be between -90 and 90"), lat_text.strip()
                )
            return False
        if not -180 <= lon <= 180:
            self.problem(
                row, lon_column, gettext_noop("a longitude must be between -180 and 180"), lon_text.strip()
            )
            return False
        if not self.inside(lat, lon):
            if self.inside(lon, lat):
                self.problem(
                    row,
                    lat_column,
                    gettext_noop("latitude and longitude look swapped"),
                    f"{lat_text.strip()}, {lon_text.strip()}",
                )
            else:
                self.outside(row, lat_column, f"{lat_text.strip()}, {lon_text.strip()}")
            return False
        values["latitude"], values["longitude"] = round(lat, 6), round(lon, 6)
        return True

    def inside(self, lat: float, lon: float) -> bool:
        south, west, north, east = self.bounds
        return south <= lat <= north and west <= lon <= east

    def outside(self, row: int, column: str, value: str) -> None:
        south, west, north, east = self.bounds
        self.problem(
            row,
            column,
            Said(
                gettext_noop(
                    "the point is outside the country (latitude %(south)s to %(north)s, longitude %(west)s to %(east)s)"
                ),
                south=south,
                north=north,
                west=west,
                east=east,
            ),
            value,
        )

    def grid_point(self, row: int, cells: list[str], values: dict) -> bool:
        east_column, north_column = self.mapping.easting, self.mapping.northing
        east_text, north_text = (
            cells[self.index[east_column]].strip(),
            cells[self.index[north_column]].strip(),
        )
        try:
            east = clean_number(east_text)
        except CellError as error:
            self.problem(row, east_column, error.reason, error.value)
            return False
        try:
            north = clean_number(north_text)
        except CellError as error:
            self.problem(row, north_column, error.reason, error.value)
            return False
        if isinstance(east, Blank) or isinstance(north, Blank):
            values["latitude"] = values["longitude"] = None
            return True
        east_ok, north_ok = 0 <= east <= GRID_EAST, 0 <= north <= GRID_NORTH
        if east_ok and north_ok:
            self.grid.append((row, values, east, north, f"{east_text}, {north_text}"))
            return True
        if 0 <= north <= GRID_EAST and 0 <= east <= GRID_NORTH:
            self.problem(
                row,
                east_column,
                gettext_noop("easting and northing look swapped"),
                f"{east_text}, {north_text}",
            )
        elif not east_ok:
            self.problem(
                row, east_column, gettext_noop("an easting must be between 0 and 700,000 metres"), east_text
            )
        else:
            self.problem(
                row,
                north_column,
                gettext_noop("a northing must be between 0 and 1,300,000 metres"),
                north_text,
            )
        return False

    def measure(self, row: int, cells: list[str], registry_id: str, measure: MeasureColumn, row_year) -> None:
        codes = measure.codes or self.mapping.codes
        year = (
            self.year_of(row, cells, measure.year_column, measure.year)
            if (measure.year_column or measure.year is not None)
            else row_year
        )
        if year is False:
            return
        band = None
        if measure.constant is not None:
            value: float | Blank = measure.constant
        else:
            text = cells[self.index[measure.column]]
            key = normalise_text(text)
            try:
                if measure.values is not None and key in measure.values:
                    mapped = measure.values[key]
                    value = Blank.MISSING if mapped is None else float(mapped)
                else:
                    value, band = self.number_or_band(text, codes, measure.measure)
                    if not isinstance(value, Blank):
                        value = self.derive(row, cells, measure, value, codes)
            except CellError as error:
                self.problem(row, error.column or measure.column, error.reason, error.value)
                return
            if value is None:  # a blank denominator: no figure
                value = Blank.MISSING
            if not isinstance(value, Blank) and not self.in_range(row, measure, value, text):
                return
        cohort: int | None | str = KEEP
        cohort_column = measure.cohort
        if cohort_column:
            if self.counts[0] != row:
                self.counts = (row, {})
            known = self.counts[1]
            key = (cohort_column, id(codes))
            if key not in known:
                try:
                    known[key] = self.count(cells[self.index[cohort_column]], codes)
                except CellError as error:
                    known[key] = error
            count = known[key]
            if isinstance(count, CellError):
                self.problem(row, cohort_column, count.reason, count.value)
                return
            cohort = None if isinstance(count, Blank) else count
        elif measure.denominator and not isinstance(value, Blank):
            # the denominator read as a number already (derive); it is the cohort when it is a count
            denominator = clean_number(cells[self.index[measure.denominator]], codes)
            if (
                not isinstance(denominator, Blank)
                and denominator == int(denominator)
                and 0 <= denominator <= MAX_COUNT
            ):
                cohort = int(denominator)
        if isinstance(value, float) and measure.column is not None and band is None:
            self.watch_fractions(measure, value)
        _add_measure(
            self.plan,
            row,
            registry_id,
            measure.measure,
            year,
            value,
            cohort,
            fill_in=measure.fill_in,
            band=band,
        )

    def number_or_band(self, text: str, codes: Codes, code: str):
        blank = codes.blank(text)
        if blank is not None:
            return blank, None
        if not codes.decimal_comma:
            try:  # the common case first: a plain number (a range is not one)
                number = float(text)
            except ValueError:
                pass
            else:
                if math.isfinite(number):
                    return number, None
        band = clean_band(text)
        if band is None:
            return clean_number(text, codes), None
        limits = self.limits.get(code)
        lower, upper = (limits.valid_min, limits.valid_max) if limits else (None, None)
        return band.point(lower, upper), (band.lower, band.upper)

    def derive(
        self, row: int, cells: list[str], measure: MeasureColumn, value: float, codes: Codes
    ) -> float | None:
        if measure.scale is not None:
            return value * measure.scale
        if measure.denominator:
            text = cells[self.index[measure.denominator]]
            try:
                denominator = clean_number(text, codes)
            except CellError as error:
                raise CellError(
                    Said(
                        gettext_noop("the denominator (%(column)s) is not a number"),
                        column=measure.denominator,
                    ),
                    error.value,
                    column=measure.denominator,
                ) from None
            if isinstance(denominator, Blank):
                return None
            if denominator <= 0:
                raise CellError(
                    Said(
                        gettext_noop("the denominator (%(column)s) is %(value)s: no percentage can be made"),
                        column=measure.denominator,
                        value=text.strip(),
                    ),
                    text.strip(),
                    column=measure.denominator,
                )
            return value / denominator * 100
        return value

    def in_range(self, row: int, measure: MeasureColumn, value: float, text: str) -> bool:
        limits = self.limits.get(measure.measure)
        if limits is None:
            return True
        if limits.valid_min is not None and value < limits.valid_min:
            self.problem(
                row, measure.column, self.range_reason(measure.measure, limits, below=True), text.strip()
            )
            return False
        if limits.valid_max is not None and value > limits.valid_max:
            self.problem(
                row, measure.column, self.range_reason(measure.measure, limits, below=False), text.strip()
            )
            return False
        return True

    def range_reason(self, code: str, limits: Limits, *, below: bool) -> str:
        """A value out of a measure's range: the reason, translated once a measure (a file with a
        wrong mapping can have one in every cell)."""
        key = (code, below)
        reason = self.range_reasons.get(key)
        if reason is None:
            if below:
                reason = Said(
                    gettext_noop("below the smallest value %(measure)s can take (%(min)s)"),
                    measure=code,
                    min=f"{limits.valid_min:g}",
                )
            else:
                reason = Said(
                    gettext_noop("above the largest value %(measure)s can take (%(max)s)"),
                    measure=code,
                    max=f"{limits.valid_max:g}",
                )
            self.range_reasons[key] = reason
        return reason

    def watch_fractions(self, measure: MeasureColumn, value: float) -> None:
        limits = self.limits.get(measure.measure)
        if (
            limits is None
            or limits.unit not in PERCENT_UNITS
            or measure.scale is not None
            or measure.denominator
        ):
            return
        seen = self.fractions.setdefault(id(measure), [0, 0.0, 0, measure])
        seen[0] += 1
        seen[1] = max(seen[1], abs(value))
        seen[2] += value not in (0.0, 1.0)

    def finish(self) -> None:
        """Checks on whole columns, and British National Grid points converted all at once."""
        for count, largest, fractional, measure in self.fractions.values():
            if count >= FRACTION_CHECK_AT and largest <= 1 and fractional:
                self.problem(
                    1,
                    measure.column,
                    gettext_noop(
                        "every value is between 0 and 1: fractions, not percentages? Add 'scale: 100' to the "
                        "measure (or 'scale: 1' if they really are percentages below 1)"
                    ),
                )
        if not self.grid:
            return
        eastings = np.array([point[2] for point in self.grid])
        northings = np.array([point[3] for point in self.grid])
        latitudes, longitudes = bng_to_latlon(eastings, northings)
        for (row, values, _east, _north, shown), lat, lon in zip(
            self.grid, latitudes, longitudes, strict=True
        ):
            if not self.inside(float(lat), float(lon)):
                self.outside(row, self.mapping.easting, shown)
                continue
            values["latitude"], values["longitude"] = float(lat), float(lon)


def _add_measure(
    plan: Plan,
    row: int,
    registry_id: str,
    code: str,
    year: int,
    value,
    cohort,
    *,
    fill_in: bool = False,
    band=None,
) -> None:
    if value is Blank.MISSING:
        plan.report.values_missing += 1
        return
    if not plan.holding():
        return
    suppressed = value is Blank.SUPPRESSED
    if band is not None:
        plan.report.values_banded += 1
    plan.measures.append(
        PlannedMeasure(
            row, registry_id, code, year, None if suppressed else value, suppressed, cohort, fill_in, band
        )
    )


def _plan_authorities(
    table: Table, mapping: Mapping, plan: Plan, progress: Progress, elsewhere: Elsewhere
) -> Plan:
    if _missing_columns(table, mapping.columns(), plan) or plan.report.problems:
        return plan
    index = table.column_index()
    authority, region = mapping.local_authority, mapping.region
    assert authority is not None and authority.name is not None
    chooser = RowChooser(mapping, index)
    for row, cells in table.rows():
        reason = chooser.skipped(cells)
        name = " ".join(cells[index[authority.name]].split())
        code = (
            clean_id(cells[index[authority.code]]) if authority.code else (place_code(name) if name else "")
        )
        if reason is None and not code:
            reason = str(SKIP_NO_AUTHORITY_CODE)
        if reason is not None:
            plan.report.skipped[reason] += 1
            continue
        if code in plan.authorities:
            plan.report.problems.append(
                Problem(
                    row,
                    authority.key,
                    Said(gettext_noop("the code is already on row %(row)d"), row=plan.authorities[code].row),
                    code,
                )
            )
            continue
        if not name:
            plan.report.problems.append(
                Problem(row, authority.name, gettext_noop("a local authority needs a name"), "")
            )
            continue
        if code in elsewhere.authorities:
            said = Said(
                ELSEWHERE_PLACE,
                what=Said(gettext_noop("local authority")),
                other=elsewhere.authorities[code],
                country=plan.country or countries.default_code(),
            )
            plan.report.problems.append(Problem(row, authority.key, said, code))
            continue
        region_code = ""
        if region is not None:
            region_name = " ".join(cells[index[region.name]].split()) if region.name else None
            region_code = clean_id(cells[index[region.code]]) if region.code else ""
            if region.values is not None:
                key = normalise_text(region_code if region.code else region_name or "")
                if key in region.values:
                    mapped = region.values[key]
                    region_code, region_name = (
                        ("", None)
                        if mapped is None
                        else ((mapped, region_name) if region.code else (region_code, mapped))
                    )
            if not region.code and region_name:
                region_code = place_code(region_name)
            other = elsewhere.regions.get(region_code) if region_code else None
            if other is not None:
                said = Said(
                    ELSEWHERE_PLACE,
                    what=Said(gettext_noop("region")),
                    other=other,
                    country=plan.country or countries.default_code(),
                )
                plan.report.problems.append(Problem(row, region.key, said, region_code))
                continue
            if region_code:
                _place(
                    plan,
                    plan.regions,
                    row,
                    region_code,
                    region_name,
                    Said(gettext_noop("region")),
                    region.key,
                )
        _place(plan, plan.authorities, row, code, name, Said(gettext_noop("local authority")), authority.key)
        if code in plan.authorities:
            plan.authorities[code].region = region_code or None
            plan.kept_rows.append(row)
    _finish(plan, table)
    progress(plan.report.rows, plan.report.rows, gettext_noop("checked"))
    return plan


def plan_measures_file(
    table: Table,
    *,
    existing_ids: set[str],
    known_codes: set[str],
    limits: dict[str, Limits] | None = None,
    file: str = "",
    progress: Progress = no_progress,
    decimal_comma: bool = False,
    keep_when_failing: bool = False,
) -> Plan:
    """Check every row of a long measures file (`school_id,measure,year,value,cohort`);
    `decimal_comma`: `12,5` is twelve and a half; `keep_when_failing` as for plan_schools_file."""
    plan = _new_plan(table, file=file)
    plan.keep_when_failing = keep_when_failing
    codes = Codes(decimal_comma=decimal_comma)
    limits = limits or {}
    header = {name.strip().casefold(): i for i, name in enumerate(table.header)}
    if not plan.report.problems:
        for column in LONG_COLUMNS:
            if column not in header:
                plan.report.problems.append(Problem(1, column, no_such_column(table, column)))
    if plan.report.problems:
        return plan
    at_id, at_code, at_year, at_value = (header[c] for c in LONG_COLUMNS)
    at_cohort = header.get("cohort")
    seen: dict[tuple[str, str, int], int] = {}
    total = table.estimated_rows
    done = 0
    problems = plan.report.problems
    for done, (row, cells) in enumerate(table.rows(), start=1):
        if done % PROGRESS_EVERY == 0:
            progress(done, max(total or 0, done), gettext_noop("checking"))
        registry_id = clean_id(cells[at_id])
        if not registry_id:
            plan.report.skipped[str(SKIP_NO_ID)] += 1
            continue
        unknown = registry_id not in existing_ids  # checked all the same, then skipped
        code = cells[at_code].strip()
        before = len(problems)
        if code not in known_codes:
            problems.append(
                Problem(
                    row,
                    "measure",
                    gettext_noop("unknown measure code: define it with --definitions FILE"),
                    code,
                )
            )
        year = None
        try:
            year = clean_year(cells[at_year])
        except CellError as error:
            problems.append(Problem(row, "year", error.reason, error.value))
        band = None
        value: float | Blank = Blank.MISSING
        try:
            text = cells[at_value]
            blank = codes.blank(text)
            parsed = None if blank is not None else clean_band(text)
            spec = limits.get(code)
            if blank is not None:
                value = blank
            elif parsed is not None:
                band = (parsed.lower, parsed.upper)
                value = parsed.point(spec.valid_min if spec else None, spec.valid_max if spec else None)
            else:
                value = clean_number(text, codes)
            if spec is not None and not isinstance(value, Blank):
                if spec.valid_min is not None and value < spec.valid_min:
                    raise CellError(
                        Said(
                            gettext_noop("below the smallest value %(measure)s can take (%(min)s)"),
                            measure=code,
                            min=f"{spec.valid_min:g}",
                        ),
                        text.strip(),
                    )
                if spec.valid_max is not None and value > spec.valid_max:
                    raise CellError(
                        Said(
                            gettext_noop("above the largest value %(measure)s can take (%(max)s)"),
                            measure=code,
                            max=f"{spec.valid_max:g}",
                        ),
                        text.strip(),
                    )
        except CellError as error:
            problems.append(Problem(row, "value", error.reason, error.value))
        cohort: int | None | str = KEEP
        if at_cohort is not None:
            try:
                count = _RowChecker.count(cells[at_cohort], codes)
                cohort = None if isinstance(count, Blank) else count
            except CellError as error:
                problems.append(Problem(row, "cohort", error.reason, error.value))
        if len(problems) > before or year is None:
            continue
        key = (registry_id, code, year)
        if key in seen:
            problems.append(
                Problem(
                    row,
                    "measure",
                    Said(
                        gettext_noop("this school, measure and year are already on row %(row)d"),
                        row=seen[key],
                    ),
                    f"{registry_id} {code} {year}",
                )
            )
            continue
        seen[key] = row
        if unknown:
            plan.report.skipped[str(SKIP_NOT_IN_REGISTRY)] += 1
            plan.report.unknown_school(registry_id)
            continue
        if value is Blank.MISSING:
            plan.report.skipped[str(SKIP_NO_VALUE)] += 1
            plan.report.values_missing += 1
            continue
        plan.kept_rows.append(row)
        _add_measure(plan, row, registry_id, code, year, value, cohort, band=band)
    _finish(plan, table)
    plan.measure_specs = [MEASURES[c] for c in sorted({m.code for m in plan.measures}) if c in MEASURES]
    progress(done, done, gettext_noop("checked"))
    return plan
