"""Checking a whole file and deciding what it would change, without writing anything.

A plan holds every school, authority and measure value the file gives, already cleaned, and
every problem found. The writer (writing.py) applies a plan only if it has no problems.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kindred.core.progress import Progress, no_progress
from kindred.schools.catalogue import MEASURES, MeasureSpec
from kindred.schools.importing.cleaning import (
    DEFAULT_CODES,
    Blank,
    CellError,
    Codes,
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
    FieldSource,
    Mapping,
    MeasureColumn,
)
from kindred.schools.importing.reading import Table
from kindred.schools.importing.report import ImportReport, Problem

KEEP = "keep"  # a measure's cohort when the file has no cohort column: leave the stored one as it is
REGISTRY_ID_LENGTH = 32
SKIP_NO_ID = gettext_lazy("no school id (a total or note row)")
SKIP_NOT_IN_REGISTRY = gettext_lazy("school id not in the registry")
SKIP_NO_VALUE = gettext_lazy("no value (not applicable or missing)")
SKIP_NO_AUTHORITY_CODE = gettext_lazy("no local authority code")
NO_SUCH_COLUMN = gettext_lazy("the file has no such column")
PROGRESS_EVERY = 1000
LONG_COLUMNS = ("school_id", "measure", "year", "value")


@dataclass
class PlannedSchool:
    row: int
    registry_id: str
    values: dict[str, Any]
    authority: str | None = None  # code
    region: str | None = None  # code


@dataclass
class PlannedMeasure:
    row: int
    registry_id: str
    code: str
    year: int
    value: float | None
    suppressed: bool
    cohort: int | None | str  # KEEP when the file does not give one
    fill_in: bool = False  # add what is not stored yet, replace nothing


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
    kept_rows: list[int] = field(default_factory=list)  # rows not skipped: each is created/updated/unchanged

    @property
    def ok(self) -> bool:
        return not self.report.problems


def _new_plan(table: Table, *, file: str) -> Plan:
    report = ImportReport(
        file=file, encoding=table.encoding, rows=len(table.rows), blank_rows=table.blank_rows
    )
    report.problems.extend(table.problems)
    return Plan(report=report)


def _missing_columns(table: Table, needed: Iterable[str], plan: Plan) -> bool:
    present = set(table.header)
    missing = sorted(set(needed) - present)
    for column in missing:
        plan.report.problems.append(Problem(1, column, str(NO_SUCH_COLUMN)))
    return bool(missing)


def _place(
    plan: Plan, places: dict[str, PlannedPlace], row: int, code: str, name: str | None, what: str
) -> None:
    if len(code) > 32:
        plan.report.problems.append(
            Problem(row, "", _("code %(code)r is longer than 32 characters") % {"code": code})
        )
        return
    if name is not None and len(name) > 200:
        plan.report.problems.append(
            Problem(row, "", _("%(what)s name is longer than 200 characters") % {"what": what})
        )
        return
    known = places.get(code)
    if known is None or (known.name is None and name):
        places[code] = PlannedPlace(row, code, name or None)


def plan_schools_file(
    table: Table,
    mapping: Mapping,
    *,
    existing_ids: set[str],
    file: str = "",
    progress: Progress = no_progress,
) -> Plan:
    """Check every row of a file read through a schools mapping; nothing is written."""
    plan = _new_plan(table, file=file)
    if mapping.rows == "authorities":
        return _plan_authorities(table, mapping, plan, progress)
    plan.update = mapping.update
    plan.measure_specs = _specs_for(mapping)
    if _missing_columns(table, mapping.columns(), plan) or plan.report.problems:
        return plan
    index = table.column_index()
    id_at = index[mapping.id_column]  # type: ignore[index]
    skip_rules = [(index[rule.column], rule) for rule in mapping.skip]
    codes = mapping.codes
    seen: dict[str, int] = {}
    grid: list[tuple[dict[str, Any], float, float]] = []
    total = len(table.rows)
    for done, (row, cells) in enumerate(table.rows, start=1):
        if done % PROGRESS_EVERY == 0:
            progress(done, total, _("checking"))
        reason = next((r.reason for at, r in skip_rules if normalise_text(cells[at]) in r.values), None)
        registry_id = clean_id(cells[id_at])
        if reason is None and not registry_id:
            reason = str(SKIP_NO_ID)
        if reason is None and registry_id in seen:
            plan.report.problems.append(
                Problem(
                    row,
                    mapping.id_column or "",
                    _("id %(id)s is already on row %(row)d") % {"id": registry_id, "row": seen[registry_id]},
                )
            )
            continue
        if reason is None and len(registry_id) > REGISTRY_ID_LENGTH:
            plan.report.problems.append(Problem(row, mapping.id_column or "", _("the id is too long")))
            continue
        if reason is None and not mapping.create and registry_id not in existing_ids:
            reason = str(SKIP_NOT_IN_REGISTRY)
        if reason is not None:
            plan.report.skipped[reason] += 1
            continue
        seen[registry_id] = row
        plan.kept_rows.append(row)
        if mapping.writes_schools:
            school = _plan_school(plan, mapping, index, row, cells, registry_id, grid)
            if school is not None:
                is_new = school.registry_id not in existing_ids
                if (is_new or "name" in school.values) and not school.values.get("name"):
                    column = mapping.fields["name"][0].column
                    plan.report.problems.append(Problem(row, column, _("a school needs a name")))
                plan.schools.append(school)
        for measure in mapping.measures:
            _plan_measure_cell(plan, measure, index, row, cells, registry_id, codes)
    progress(total, total, _("checked"))
    if grid:
        eastings = np.array([point[1] for point in grid])
        northings = np.array([point[2] for point in grid])
        latitudes, longitudes = bng_to_latlon(eastings, northings)
        for (values, *_grid), lat, lon in zip(grid, latitudes, longitudes, strict=True):
            values["latitude"], values["longitude"] = float(lat), float(lon)
    return plan


def _specs_for(mapping: Mapping) -> list[MeasureSpec]:
    own = {m.code: m for m in mapping.new_measures}
    codes = {m.measure for m in mapping.measures}
    return [own.get(code) or MEASURES[code] for code in sorted(codes) if code in own or code in MEASURES]


def _read_source(source: FieldSource, field_name: str, text: str) -> Any:
    """The value one column gives a field; NEXT when it leaves the decision to the next column."""
    if source.values is not None:
        key = normalise_text(text)
        if key in source.values:
            return source.values[key]
        if source.otherwise is not None:
            return source.otherwise
        if key == "":
            return None
        raise CellError(
            _("%(text)r is not in the mapping's values for %(field)s")
            % {"text": text.strip(), "field": field_name}
        )
    if field_name in TEXT_FIELDS:
        value = " ".join(text.split())
        if len(value) > TEXT_FIELDS[field_name]:
            raise CellError(_("longer than %(n)d characters") % {"n": TEXT_FIELDS[field_name]})
        return value
    if field_name in DATE_FIELDS:
        return clean_date(text, source.date_format)
    if field_name in COUNT_FIELDS:
        count = clean_count(text)
        return None if isinstance(count, Blank) else count
    raise AssertionError(field_name)  # pragma: no cover - the mapping checker allows no other field


def _plan_school(
    plan: Plan,
    mapping: Mapping,
    index: dict[str, int],
    row: int,
    cells: list[str],
    registry_id: str,
    grid: list[tuple[dict[str, Any], float, float]],
) -> PlannedSchool | None:
    values: dict[str, Any] = {}
    ok = True
    for field_name, sources in mapping.fields.items():
        for source in sources:
            try:
                value = _read_source(source, field_name, cells[index[source.column]])
            except CellError as error:
                plan.report.problems.append(Problem(row, source.column, str(error)))
                ok = False
                break
            if value == NEXT:
                continue
            if value is not None or field_name not in CHOICE_FIELDS:
                values[field_name] = value
            break
    if mapping.latitude and mapping.longitude:
        ok = _plan_latlon(plan, mapping.latitude, mapping.longitude, index, row, cells, values) and ok
    if mapping.easting and mapping.northing:
        try:
            east = clean_number(cells[index[mapping.easting]])
            north = clean_number(cells[index[mapping.northing]])
        except CellError as error:
            plan.report.problems.append(Problem(row, mapping.easting, str(error)))
            return None
        if isinstance(east, Blank) or isinstance(north, Blank):
            values["latitude"] = values["longitude"] = None
        elif not (0 <= east <= 700_000 and 0 <= north <= 1_300_000):
            plan.report.problems.append(
                Problem(row, mapping.easting, _("not a point on the British National Grid"))
            )
            ok = False
        else:
            grid.append((values, east, north))
    school = PlannedSchool(row, registry_id, values)
    for attribute, place, places, what in [
        ("authority", mapping.local_authority, plan.authorities, "local authority"),
        ("region", mapping.region, plan.regions, "region"),
    ]:
        if place is None:
            continue
        code = clean_id(cells[index[place.code]])
        name = " ".join(cells[index[place.name]].split()) if place.name else None
        if code:
            _place(plan, places, row, code, name, what)
        setattr(school, attribute, code or None)
    return school if ok else None


def _plan_latlon(
    plan: Plan,
    lat_column: str,
    lon_column: str,
    index: dict[str, int],
    row: int,
    cells: list[str],
    values: dict,
) -> bool:
    try:
        lat = clean_number(cells[index[lat_column]])
        lon = clean_number(cells[index[lon_column]])
    except CellError as error:
        plan.report.problems.append(Problem(row, lat_column, str(error)))
        return False
    if isinstance(lat, Blank) or isinstance(lon, Blank):
        values["latitude"] = values["longitude"] = None
        return True
    if not -90 <= lat <= 90:
        plan.report.problems.append(
            Problem(row, lat_column, _("latitude %(lat)s is not between -90 and 90") % {"lat": lat})
        )
        return False
    if not -180 <= lon <= 180:
        plan.report.problems.append(
            Problem(row, lon_column, _("longitude %(lon)s is not between -180 and 180") % {"lon": lon})
        )
        return False
    values["latitude"], values["longitude"] = round(lat, 6), round(lon, 6)
    return True


def _plan_measure_cell(
    plan: Plan,
    measure: MeasureColumn,
    index: dict[str, int],
    row: int,
    cells: list[str],
    registry_id: str,
    codes: Codes,
) -> None:
    if measure.constant is not None:
        value: float | Blank = measure.constant
    else:
        text = cells[index[measure.column]]
        key = normalise_text(text)
        try:
            if measure.values is not None and key in measure.values:
                mapped = measure.values[key]
                value = Blank.MISSING if mapped is None else float(mapped)
            else:
                value = clean_number(text, codes)
        except CellError as error:
            plan.report.problems.append(Problem(row, measure.column, str(error)))
            return
    cohort: int | None | str = KEEP
    if measure.cohort:
        try:
            count = clean_count(cells[index[measure.cohort]], codes)
        except CellError as error:
            plan.report.problems.append(Problem(row, measure.cohort, str(error)))
            return
        cohort = None if isinstance(count, Blank) else count
    _add_measure(
        plan, row, registry_id, measure.measure, measure.year, value, cohort, fill_in=measure.fill_in
    )


def _add_measure(
    plan: Plan, row: int, registry_id: str, code: str, year: int, value, cohort, *, fill_in: bool = False
) -> None:
    if value is Blank.MISSING:
        plan.report.values_missing += 1
        return
    suppressed = value is Blank.SUPPRESSED
    plan.measures.append(
        PlannedMeasure(
            row, registry_id, code, year, None if suppressed else value, suppressed, cohort, fill_in
        )
    )


def _plan_authorities(table: Table, mapping: Mapping, plan: Plan, progress: Progress) -> Plan:
    if _missing_columns(table, mapping.columns(), plan) or plan.report.problems:
        return plan
    index = table.column_index()
    authority, region = mapping.local_authority, mapping.region
    assert authority is not None
    skip_rules = [(index[rule.column], rule) for rule in mapping.skip]
    for row, cells in table.rows:
        reason = next((r.reason for at, r in skip_rules if normalise_text(cells[at]) in r.values), None)
        code = clean_id(cells[index[authority.code]])
        if reason is None and not code:
            reason = str(SKIP_NO_AUTHORITY_CODE)
        if reason is not None:
            plan.report.skipped[reason] += 1
            continue
        if code in plan.authorities:
            plan.report.problems.append(
                Problem(
                    row,
                    authority.code,
                    _("code %(code)s is already on row %(row)d")
                    % {"code": code, "row": plan.authorities[code].row},
                )
            )
            continue
        name = " ".join(cells[index[authority.name]].split()) if authority.name else ""
        if not name:
            plan.report.problems.append(
                Problem(row, authority.name or "", _("a local authority needs a name"))
            )
            continue
        region_code = clean_id(cells[index[region.code]]) if region else ""
        if region and region_code:
            region_name = " ".join(cells[index[region.name]].split()) if region.name else None
            _place(plan, plan.regions, row, region_code, region_name, "region")
        _place(plan, plan.authorities, row, code, name, "local authority")
        if code in plan.authorities:
            plan.authorities[code].region = region_code or None
            plan.kept_rows.append(row)
    progress(len(table.rows), len(table.rows), _("checked"))
    return plan


def plan_measures_file(
    table: Table,
    *,
    existing_ids: set[str],
    known_codes: set[str],
    file: str = "",
    progress: Progress = no_progress,
) -> Plan:
    """Check every row of a long measures file (`school_id,measure,year,value,cohort`)."""
    plan = _new_plan(table, file=file)
    header = {name.strip().casefold(): i for i, name in enumerate(table.header)}
    if not plan.report.problems:
        for column in LONG_COLUMNS:
            if column not in header:
                plan.report.problems.append(Problem(1, column, str(NO_SUCH_COLUMN)))
    if plan.report.problems:
        return plan
    at_id, at_code, at_year, at_value = (header[c] for c in LONG_COLUMNS)
    at_cohort = header.get("cohort")
    seen: dict[tuple[str, str, int], int] = {}
    total = len(table.rows)
    for done, (row, cells) in enumerate(table.rows, start=1):
        if done % PROGRESS_EVERY == 0:
            progress(done, total, _("checking"))
        registry_id = clean_id(cells[at_id])
        if not registry_id:
            plan.report.skipped[str(SKIP_NO_ID)] += 1
            continue
        if registry_id not in existing_ids:
            plan.report.skipped[str(SKIP_NOT_IN_REGISTRY)] += 1
            continue
        code = cells[at_code].strip()
        problems = len(plan.report.problems)
        if code not in known_codes:
            plan.report.problems.append(
                Problem(row, "measure", _("unknown measure code %(code)r") % {"code": code})
            )
        year = None
        try:
            number = clean_number(cells[at_year])
            if isinstance(number, Blank) or number != int(number) or not 1900 <= number <= 2100:
                raise CellError(
                    _("%(text)r is not a year such as 2018 (for 2018/19)") % {"text": cells[at_year].strip()}
                )
            year = int(number)
        except CellError as error:
            plan.report.problems.append(Problem(row, "year", str(error)))
        try:
            value = clean_number(cells[at_value], DEFAULT_CODES)
        except CellError as error:
            plan.report.problems.append(Problem(row, "value", str(error)))
        cohort: int | None | str = KEEP
        if at_cohort is not None:
            try:
                count = clean_count(cells[at_cohort])
                cohort = None if isinstance(count, Blank) else count
            except CellError as error:
                plan.report.problems.append(Problem(row, "cohort", str(error)))
        if len(plan.report.problems) > problems or year is None:
            continue
        key = (registry_id, code, year)
        if key in seen:
            plan.report.problems.append(
                Problem(
                    row,
                    "measure",
                    _("%(code)s %(year)d for %(id)s is already on row %(row)d")
                    % {"code": code, "year": year, "id": registry_id, "row": seen[key]},
                )
            )
            continue
        seen[key] = row
        if value is Blank.MISSING:
            plan.report.skipped[str(SKIP_NO_VALUE)] += 1
            plan.report.values_missing += 1
            continue
        plan.kept_rows.append(row)
        _add_measure(plan, row, registry_id, code, year, value, cohort)
    plan.measure_specs = [MEASURES[c] for c in sorted({m.code for m in plan.measures}) if c in MEASURES]
    progress(total, total, _("checked"))
    return plan
